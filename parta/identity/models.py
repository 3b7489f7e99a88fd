import hashlib

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parta.identity.validators import (
    format_snils,
    mask_snils,
    validate_passport_number,
    validate_passport_series,
    validate_snils,
)
from parta.orgs.models import Authority, Organization, Subject


class OrgRole(models.TextChoices):
    """Roles in an organisation (функции пользователя on the staff card)."""

    ADMIN = "admin", _("Administrator")
    DEPUTY_HEAD = "deputy_head", _("Deputy head")
    TEACHER = "teacher", _("Teacher")
    TECH_STAFF = "tech_staff", _("Technical staff")
    SECRETARY = "secretary", _("Secretary")
    MEDICAL = "medical", _("Medical worker")
    PSYCHOLOGIST = "psychologist", _("Psychologist / social educator")
    HR = "hr", _("HR specialist")


class AuthorityRole(models.TextChoices):
    """Roles in an education authority (seed 000, приложение 1)."""

    ADMIN = "admin", _("Administrator")
    HEAD = "head", _("Head")
    STAFF = "staff", _("Employee")
    OPERATOR = "operator", _("Operator")
    GIFTED_COORDINATOR = "gifted_coordinator", _("Gifted children coordinator")
    EVENTS_COORDINATOR = "events_coordinator", _("Events coordinator")


class DerivedRole(models.TextChoices):
    """Roles that follow from a membership rather than being ticked on the card."""

    DIRECTOR = "director", _("Head of the organisation")
    STUDENT = "student", _("Student")
    GUARDIAN = "guardian", _("Parent")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Person(models.Model):
    """One human being, whatever organisations they belong to."""

    last_name = models.CharField(_("surname"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("patronymic"), max_length=100, blank=True)
    has_no_middle_name = models.BooleanField(_("no patronymic"), default=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex, blank=True)
    citizenship = models.CharField(_("citizenship"), max_length=50, default="RU", blank=True)
    snils = models.CharField(_("SNILS"), max_length=11, blank=True, validators=[validate_snils])
    passport_series = models.CharField(
        _("passport series"), max_length=4, blank=True, validators=[validate_passport_series]
    )
    passport_number = models.CharField(
        _("passport number"), max_length=6, blank=True, validators=[validate_passport_number]
    )
    passport_issued_on = models.DateField(_("passport issued on"), null=True, blank=True)
    passport_issued_by = models.CharField(_("passport issued by"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "middle_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["snils"], condition=~models.Q(snils=""), name="person_unique_snils"
            ),
            models.CheckConstraint(
                condition=~models.Q(has_no_middle_name=True, middle_name__gt=""),
                name="person_no_middle_name_is_empty",
            ),
        ]
        indexes = [
            models.Index(
                Lower("last_name"), Lower("first_name"), "birth_date", name="person_name_birth"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("The date of birth cannot be in the future.")
        elif self.birth_date and self.birth_date.year < 1900:
            errors["birth_date"] = _("Check the date of birth: it is before 1900.")
        if self.has_no_middle_name and self.middle_name:
            errors["middle_name"] = _("Clear the patronymic or untick «No patronymic».")
        elif not self.has_no_middle_name and not self.middle_name.strip():
            errors["middle_name"] = _("Enter the patronymic or tick «No patronymic».")
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self) -> str:
        return " ".join(
            part for part in (self.last_name, self.first_name, self.middle_name) if part
        )

    @property
    def short_name(self) -> str:
        """Фамилия И. О."""
        initials = " ".join(f"{part[0]}." for part in (self.first_name, self.middle_name) if part)
        return f"{self.last_name} {initials}".strip()

    @property
    def snils_display(self) -> str:
        return format_snils(self.snils)

    @property
    def snils_masked(self) -> str:
        return mask_snils(self.snils)

    @property
    def has_passport(self) -> bool:
        return bool(self.passport_series and self.passport_number)


class AccountManager(BaseUserManager["Account"]):
    def get_by_natural_key(self, username: str | None) -> "Account":
        return self.get(login=normalize_login(username or ""))


def normalize_login(login: str) -> str:
    """Logins are compared without case and surrounding spaces."""
    return login.strip().lower()


class Account(AbstractBaseUser):
    """A person's single login to parta."""

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="account", verbose_name=_("person")
    )
    login = models.CharField(_("login"), max_length=150, unique=True)
    must_change_password = models.BooleanField(
        _("The user must change the password at the first login"), default=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    objects = AccountManager()

    USERNAME_FIELD = "login"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(Lower("login"), name="account_unique_login_ci"),
        ]

    def __str__(self) -> str:
        return self.login


class Membership(models.Model):
    """A person's place in an organisation or an authority: a cabinet with its roles."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("staff")
        STUDENT = "student", _("student")
        GUARDIAN = "guardian", _("parent")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("authority"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.STAFF)
    position = models.CharField(_("position"), max_length=200, blank=True)
    subjects = models.ManyToManyField(
        Subject, blank=True, related_name="memberships", verbose_name=_("subjects taught")
    )
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    is_director = models.BooleanField(_("head of the organisation"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False, authority__isnull=True)
                | models.Q(organization__isnull=True, authority__isnull=False, kind="staff"),
                name="membership_in_one_unit",
            ),
            models.UniqueConstraint(
                fields=["person", "organization", "kind"],
                condition=models.Q(organization__isnull=False),
                name="membership_unique_in_organization",
            ),
            models.UniqueConstraint(
                fields=["person", "authority"],
                condition=models.Q(authority__isnull=False),
                name="membership_unique_in_authority",
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(is_director=True),
                name="one_director_per_organization",
            ),
            models.CheckConstraint(
                condition=~models.Q(is_director=True)
                | models.Q(kind="staff", organization__isnull=False, is_archived=False),
                name="director_is_active_staff",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="membership_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "kind", "is_archived"], name="membership_org_list"
            ),
            models.Index(fields=["authority", "is_archived"], name="membership_authority_list"),
        ]

    #: Set by the cabinet middleware (or `acting_as`): the role this session works in.
    active_role: str = ""

    def __str__(self) -> str:
        return f"{self.person} — {self.unit}"

    @property
    def unit(self) -> Organization | Authority:
        """The organisation or authority this membership belongs to."""
        return self.organization if self.organization_id else self.authority  # type: ignore[return-value]

    @property
    def is_staff(self) -> bool:
        return self.kind == self.Kind.STAFF

    @property
    def role_codes(self) -> list[str]:
        """Roles ticked on the card, in the order of the card's columns."""
        order = list(AuthorityRole.values if self.authority_id else OrgRole.values)
        codes = {row.role for row in self.role_rows.all()}
        return [code for code in order if code in codes]

    @property
    def available_roles(self) -> list[str]:
        """Roles this cabinet may be entered in, the derived ones included."""
        if self.kind == self.Kind.STUDENT:
            return [DerivedRole.STUDENT]
        if self.kind == self.Kind.GUARDIAN:
            return [DerivedRole.GUARDIAN]
        roles = self.role_codes
        if self.is_director:
            roles = [DerivedRole.DIRECTOR, *roles]
        return roles

    @property
    def role_choices(self) -> list[tuple[str, str]]:
        """(code, Russian name) of every role this cabinet may be entered in."""
        authority = bool(self.authority_id)
        return [(code, role_label(code, authority=authority)) for code in self.available_roles]

    def acting_as(self, role: str) -> "Membership":
        """This membership working in the given role (what a session's «Сменить роль» chooses)."""
        self.active_role = role
        return self

    @property
    def active_role_label(self) -> str:
        return role_label(self.active_role, authority=bool(self.authority_id))

    @property
    def audit_account_id(self) -> int | None:
        account = getattr(self.person, "account", None)
        return account.pk if account else None

    @property
    def audit_label(self) -> str:
        return f"{self.person.short_name} ({self.active_role_label}, {self.unit})"

    @property
    def audit_organization_id(self) -> int | None:
        return self.organization_id

    @property
    def audit_authority_id(self) -> int | None:
        return self.authority_id


def role_label(code: str, *, authority: bool) -> str:
    """The Russian name of a role code in an organisation or an authority."""
    choices = AuthorityRole if authority else OrgRole
    for enum in (DerivedRole, choices):
        if code in enum.values:
            return str(enum(code).label)
    return code


class MembershipRole(models.Model):
    """One ticked role of a membership (a person may hold several at once)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="role_rows")
    role = models.CharField(_("role"), max_length=30)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["membership", "role"], name="membership_role_unique")
        ]

    def __str__(self) -> str:
        return self.role


class ApiToken(models.Model):
    """A token for the JSON API, bound to one cabinet and role; only its hash is stored."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    role = models.CharField(_("role"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None or self.revoked_at > timezone.now()


class ExternalLogin(models.Model):
    """An account's link to its subject at an external identity provider (Gosuslugi)."""

    class Provider(models.TextChoices):
        GOSUSLUGI = "gosuslugi", _("Gosuslugi")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="external_logins")
    provider = models.CharField(_("provider"), max_length=30, choices=Provider)
    subject = models.CharField(_("subject at the provider"), max_length=255)
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last login at"), null=True, blank=True)

    class Meta:
        verbose_name = _("external login")
        verbose_name_plural = _("external logins")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="external_login_unique_subject"
            ),
            models.UniqueConstraint(
                fields=["account", "provider"], name="external_login_one_per_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()}: {self.account}"


class Consent(models.Model):
    """A person's consent to the transfer of personal data, given once per text version."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    version = models.CharField(_("text version"), max_length=20)
    provider = models.CharField(
        _("provider"), max_length=30, choices=ExternalLogin.Provider, blank=True
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent to personal data transfer")
        verbose_name_plural = _("consents to personal data transfer")
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="consent_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.version}"


class GosuslugiOnlyRole(models.Model):
    """A role that may enter parta in this region only through Gosuslugi, not with a password."""

    region = models.ForeignKey(
        "orgs.Region", on_delete=models.CASCADE, related_name="gosuslugi_only_roles"
    )
    role = models.CharField(_("role"), max_length=30)

    class Meta:
        verbose_name = _("role with Gosuslugi-only login")
        verbose_name_plural = _("roles with Gosuslugi-only login")
        constraints = [
            models.UniqueConstraint(fields=["region", "role"], name="gosuslugi_only_role_unique")
        ]

    def __str__(self) -> str:
        return self.role


class Invitation(models.Model):
    """«Пригласить сотрудника»: a single-use link by e-mail, valid for 60 days."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    last_name = models.CharField(_("surname"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("patronymic"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"))
    snils = models.CharField(_("SNILS"), max_length=11, blank=True, validators=[validate_snils])
    position = models.CharField(_("position"), max_length=200, blank=True)
    roles = models.JSONField(_("roles"), default=list)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["organization", "-sent_at"], name="invitation_org_list")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
