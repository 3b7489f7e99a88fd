"""Who a Gosuslugi login is, the consent to the transfer of personal data, and the link.

Matching (seed 002): the one person with the provider's СНИЛС, or — where the card has no
СНИЛС — the one person with the same ФИО and date of birth. A provider subject already linked to
an account is that account, whatever the card says now. Nothing is linked until the person has
consented; nothing is linked when the match fails.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity import gosuslugi
from parta.identity.gosuslugi import PersonData
from parta.identity.models import (
    Account,
    AuthorityRole,
    Consent,
    DerivedRole,
    ExternalLogin,
    GosuslugiOnlyRole,
    Membership,
    OrgRole,
    Person,
)
from parta.identity.policies import can_manage_region_login
from parta.identity.selectors import staff as staff_selectors
from parta.identity.services.student_accounts import generated_logins
from parta.identity.validators import format_snils
from parta.orgs.models import Region

#: The version of the consent text in `identity/gosuslugi_consent_text.html`; a new text gets a
#: new version, and everyone is asked again.
CONSENT_VERSION = "2026-12-01"
GOSUSLUGI = ExternalLogin.Provider.GOSUSLUGI

#: Roles that may be made Gosuslugi-only; administrators always keep the password.
RESTRICTABLE_ROLES = (
    DerivedRole.DIRECTOR,
    OrgRole.DEPUTY_HEAD,
    OrgRole.TEACHER,
    OrgRole.SECRETARY,
    OrgRole.HR,
    OrgRole.MEDICAL,
    OrgRole.PSYCHOLOGIST,
    OrgRole.TECH_STAFF,
    DerivedRole.STUDENT,
    DerivedRole.GUARDIAN,
)
PASSWORD_FALLBACK_ROLES = frozenset({OrgRole.ADMIN, AuthorityRole.ADMIN})


class Outcome(StrEnum):
    LINKED = "linked"
    MATCHED = "matched"
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"
    OTHER_LINK = "other_link"
    NO_CABINET = "no_cabinet"
    BLOCKED = "blocked"


@dataclass
class Match:
    outcome: Outcome
    person: Person | None = None
    #: What the organisation must correct on the card, in Russian, for the failure page.
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.LINKED, Outcome.MATCHED)


def _date(data: PersonData) -> str:
    return data.birth_date.strftime("%d.%m.%Y") if data.birth_date else "—"


def _folded(text: str) -> str:
    """A name as compared: case and «ё» aside (cards are often typed with «е», the passport and
    Gosuslugi keep «ё»)."""
    return text.strip().lower().replace("ё", "е")


def _namesakes(data: PersonData) -> list[Person]:
    """People with the provider's ФИО and date of birth, «ё» and «е» alike."""
    if not data.birth_date:
        return []
    surnames = {data.last_name.strip().lower(), _folded(data.last_name)}
    candidates = staff_selectors.people_by_surnames(surnames, birth_date=data.birth_date)[:20]
    wanted = tuple(map(_folded, (data.last_name, data.first_name, data.middle_name)))
    return [
        person
        for person in candidates
        if tuple(map(_folded, (person.last_name, person.first_name, person.middle_name))) == wanted
    ]


def _found(data: PersonData) -> Match:
    """The person the provider's data points to, before looking at the account."""
    if data.snils:
        person = Person.objects.filter(snils=data.snils).first()
        if person is not None:
            return Match(Outcome.MATCHED, person)
    namesakes = _namesakes(data)
    without_snils = [person for person in namesakes if not person.snils]
    if len(without_snils) == 1:
        return Match(Outcome.MATCHED, without_snils[0])
    if len(without_snils) > 1:
        return Match(
            Outcome.AMBIGUOUS,
            problems=[
                _(
                    "Several people named %(name)s, born %(date)s, have no SNILS on their "
                    "cards: the organisation must enter the SNILS %(snils)s on the right card."
                )
                % {
                    "name": data.full_name,
                    "date": _date(data),
                    "snils": format_snils(data.snils) or "—",
                }
            ],
        )
    problems = [
        _(
            "No card has the SNILS %(snils)s, and no card without a SNILS has the full name "
            "%(name)s and the date of birth %(date)s."
        )
        % {"snils": format_snils(data.snils) or "—", "name": data.full_name, "date": _date(data)}
    ]
    if namesakes:
        problems.append(
            _(
                "A card with this full name and date of birth carries another SNILS: the "
                "organisation must check the SNILS on it."
            )
        )
    else:
        problems.append(
            _(
                "The organisation must check the surname, first name, patronymic and date of "
                "birth on your card (exactly as on Gosuslugi) and enter your SNILS."
            )
        )
    return Match(Outcome.NOT_FOUND, problems=problems)


def find_person(data: PersonData) -> Match:
    """The person a Gosuslugi login belongs to, or why there is none (nothing is written)."""
    link = (
        ExternalLogin.objects.select_related("account__person")
        .filter(provider=GOSUSLUGI, subject=data.subject)
        .first()
    )
    match = Match(Outcome.LINKED, link.account.person) if link else _found(data)
    if not match.ok:
        return match
    person = match.person
    account = Account.objects.filter(person=person).first()
    if account is not None and not account.is_active:
        return Match(
            Outcome.BLOCKED,
            person,
            [_("Your account is blocked: ask the organisation's administrator to unblock it.")],
        )
    if (
        match.outcome == Outcome.MATCHED
        and account is not None
        and account.external_logins.filter(provider=GOSUSLUGI).exists()
    ):
        return Match(
            Outcome.OTHER_LINK,
            person,
            [
                _(
                    "Your card is already linked to another Gosuslugi account. Log in with "
                    "that account, or ask the organisation's administrator to check the card."
                )
            ],
        )
    if not person.memberships.filter(is_archived=False).exists():
        return Match(
            Outcome.NO_CABINET,
            person,
            [
                _(
                    "You are found in parta but belong to no organisation now: ask the "
                    "administrator of your school to add you (or your child) to it."
                )
            ],
        )
    return match


def needs_consent(person: Person) -> bool:
    return not Consent.objects.filter(person=person, version=CONSENT_VERSION).exists()


def account_for(person: Person) -> Account:
    """The person's one account; opened, without a password, for people who had none."""
    account = Account.objects.filter(person=person).first()
    if account is not None:
        return account
    account = Account(person=person, login=generated_logins([person])[person.pk])
    account.set_unusable_password()
    account.save()
    audit.record(
        actor=audit.SystemActor("gosuslugi"),
        action="identity.account_opened",
        target=account,
        after={"login": account.login},
    )
    return account


def record_consent(person: Person) -> None:
    Consent.objects.create(person=person, version=CONSENT_VERSION, provider=GOSUSLUGI)
    audit.record(
        actor=audit.SystemActor("gosuslugi"),
        action="identity.consent_given",
        target=person,
        after={"version": CONSENT_VERSION},
    )


def link(account: Account, data: PersonData, *, matched_by: str) -> None:
    ExternalLogin.objects.create(
        account=account, provider=GOSUSLUGI, subject=data.subject, last_login_at=timezone.now()
    )
    audit.record(
        actor=audit.SystemActor("gosuslugi"),
        action="identity.gosuslugi_linked",
        target=account,
        after={"matched_by": matched_by},
    )


@transaction.atomic
def sign_in(*, person: Person, data: PersonData, consent: bool) -> Account:
    """Record the consent (when asked), link the subject and return the account to log in."""
    match = find_person(data)
    if not match.ok or match.person.pk != person.pk:
        raise PermissionDenied
    if needs_consent(person):
        if not consent:
            raise ValidationError(
                _("Without the consent to the transfer of personal data you cannot log in."),
                code="no_consent",
            )
        record_consent(person)
    account = account_for(person)
    if match.outcome == Outcome.MATCHED:
        by = "snils" if data.snils and data.snils == person.snils else "name_and_birth"
        link(account, data, matched_by=by)
    else:
        ExternalLogin.objects.filter(provider=GOSUSLUGI, subject=data.subject).update(
            last_login_at=timezone.now()
        )
    return account


def password_roles(cabinets: list[Membership]) -> dict[int, list[str]]:
    """For each cabinet, the roles that may be entered with a password in its region.

    While parta is not connected to Gosuslugi nobody is held to it: no one is locked out.
    """
    if not gosuslugi.is_enabled():
        return {cabinet.pk: cabinet.available_roles for cabinet in cabinets}
    regions = {cabinet.unit.region_id for cabinet in cabinets}
    blocked: dict[int, set[str]] = {region: set() for region in regions}
    for region_id, role in GosuslugiOnlyRole.objects.filter(region_id__in=regions).values_list(
        "region_id", "role"
    ):
        blocked[region_id].add(role)
    return {
        cabinet.pk: [
            role
            for role in cabinet.available_roles
            if role not in blocked[cabinet.unit.region_id] or role in PASSWORD_FALLBACK_ROLES
        ]
        for cabinet in cabinets
    }


@transaction.atomic
def set_gosuslugi_only_roles(*, actor: Membership, roles: list[str]) -> list[str]:
    """«Вход только через Госуслуги» for these roles of the actor's region."""
    if not can_manage_region_login(actor):
        raise PermissionDenied
    unknown = [role for role in roles if role not in RESTRICTABLE_ROLES]
    if unknown:
        raise ValidationError(_("Administrators always keep the login with a password."))
    region: Region = actor.authority.region
    before = sorted(region.gosuslugi_only_roles.values_list("role", flat=True))
    after = sorted(set(roles))
    if before == after:
        return after
    region.gosuslugi_only_roles.all().delete()
    GosuslugiOnlyRole.objects.bulk_create(
        [GosuslugiOnlyRole(region=region, role=role) for role in after]
    )
    audit.record(
        actor=actor,
        action="identity.gosuslugi_only_roles_set",
        target=region,
        before={"roles": before},
        after={"roles": after},
        authority_id=actor.authority_id,
    )
    return after
