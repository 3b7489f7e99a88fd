from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from parta.identity.models import Membership, Person
from parta.orgs.models import Organization
from parta.school.models import SchoolClass, StudyGroup


class HealthGroup(models.TextChoices):
    """Группа здоровья."""

    I = "1", "I"  # noqa: E741
    II = "2", "II"
    III = "3", "III"
    IV = "4", "IV"
    V = "5", "V"


class PhysicalEducationGroup(models.TextChoices):
    """Группа для занятий физической культурой."""

    MAIN = "main", _("main")
    PREPARATORY = "preparatory", _("preparatory")
    SPECIAL = "special", _("special")
    EXEMPT = "exempt", _("exempt")


class Disability(models.TextChoices):
    NONE = "", _("none")
    SPECIAL_NEEDS = "special_needs", _("special educational needs (ОВЗ)")
    DISABLED = "disabled", _("disabled child")
    BOTH = "both", _("special needs and disability")


class SocialCategory(models.TextChoices):
    """Социальная категория семьи или ребёнка."""

    LARGE_FAMILY = "large_family", _("large family")
    LOW_INCOME = "low_income", _("low-income family")
    ORPHAN = "orphan", _("orphan")
    IN_CARE = "in_care", _("child in guardianship")
    SINGLE_PARENT = "single_parent", _("single-parent family")
    VETERAN_FAMILY = "veteran_family", _("family of a special military operation participant")
    AT_RISK = "at_risk", _("family in a socially dangerous situation")


class Student(models.Model):
    """Обучающийся: the card of a student membership in an organisation.

    The card's sections are shown by role (`policies.CardSection`): documents to the secretary,
    health to the medical worker, psychological notes to the psychologist.
    """

    membership = models.OneToOneField(
        Membership, on_delete=models.PROTECT, related_name="student_card"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="student_cards")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    # Documents (the person's СНИЛС and passport live on Person)
    personal_file_number = models.CharField(_("personal file number"), max_length=30, blank=True)
    birth_certificate_series = models.CharField(
        _("birth certificate series"), max_length=10, blank=True
    )
    birth_certificate_number = models.CharField(
        _("birth certificate number"), max_length=10, blank=True
    )
    birth_certificate_issued_on = models.DateField(
        _("birth certificate issued on"), null=True, blank=True
    )
    # Address
    registration_address = models.CharField(_("registration address"), max_length=300, blank=True)
    residence_address = models.CharField(_("residence address"), max_length=300, blank=True)
    # Health
    health_group = models.CharField(
        _("health group"), max_length=1, choices=HealthGroup, blank=True
    )
    physical_education_group = models.CharField(
        _("physical education group"), max_length=12, choices=PhysicalEducationGroup, blank=True
    )
    disability = models.CharField(
        _("special needs / disability"), max_length=14, choices=Disability, blank=True
    )
    health_notes = models.TextField(_("health notes"), blank=True)
    # Social
    social_categories = models.JSONField(_("social categories"), default=list, blank=True)
    # Psychology
    psychological_notes = models.TextField(_("psychological notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["person__last_name", "person__first_name", "person__middle_name", "id"]

    def __str__(self) -> str:
        return str(self.person)


class ClassEnrolment(models.Model):
    """A student's stay in a class, from a date until a date (open while still there).

    Since movement orders, the order lines that opened and closed the stay are kept, so that a
    cancelling order can undo exactly what its order did.
    """

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="enrolments")
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="enrolments"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    opened_by = models.ForeignKey(
        "OrderLine", on_delete=models.PROTECT, null=True, blank=True, related_name="opened"
    )
    closed_by = models.ForeignKey(
        "OrderLine", on_delete=models.PROTECT, null=True, blank=True, related_name="closed"
    )

    class Meta:
        verbose_name = _("class enrolment")
        verbose_name_plural = _("class enrolments")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="enrolment_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["school_class", "starts_on"], name="enrolment_class")]

    def __str__(self) -> str:
        return f"{self.student} — {self.school_class}"

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class GroupMembership(models.Model):
    """A student in a subgroup of the class (a foreign-language group, say)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="group_rows")
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="member_rows")

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(fields=["student", "group"], name="group_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.group}"


class Guardianship(models.Model):
    """Родитель / законный представитель of a student."""

    class Relation(models.TextChoices):
        MOTHER = "mother", _("mother")
        FATHER = "father", _("father")
        GUARDIAN = "guardian", _("legal guardian")
        TRUSTEE = "trustee", _("trustee")
        OTHER = "other", _("other legal representative")

    guardian = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="wards")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardianships")
    relation = models.CharField(
        _("relation"), max_length=10, choices=Relation, default=Relation.GUARDIAN
    )

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.UniqueConstraint(fields=["guardian", "student"], name="guardianship_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.student}"


class MovementOrder(models.Model):
    """Приказ книги движения: a ledger entry. A draft may be edited or deleted; once applied it
    stays for ever and is undone only by a cancelling order (`kind=cancel`, `cancels`)."""

    class Kind(models.TextChoices):
        ENROL_FIRST = "enrol_first", _("enrolment in the 1st class")
        ENROL_TENTH = "enrol_tenth", _("enrolment in the 10th class")
        ENROL = "enrol", _("enrolment")
        TRANSFER = "transfer", _("transfer to another class")
        PROMOTE = "promote", _("transfer to the next year")
        GRADUATE_9 = "graduate_9", _("graduation after the 9th class")
        GRADUATE_11 = "graduate_11", _("graduation after the 11th class")
        WITHDRAW = "withdraw", _("withdrawal")
        REPEAT = "repeat", _("repeating the year")
        CANCEL = "cancel", _("cancellation of an order")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="movement_orders"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    number = models.CharField(_("order number"), max_length=30)
    signed_on = models.DateField(_("order date"))
    effective_on = models.DateField(_("effective date"))
    event_on = models.DateField(
        _("event date"),
        null=True,
        blank=True,
        help_text=_("When the application, the decision or the departure took place."),
    )
    cancels = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="cancelled_by"
    )
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("movement order")
        verbose_name_plural = _("movement orders")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number", "signed_on"], name="order_number_unique"
            ),
        ]
        indexes = [models.Index(fields=["organization", "signed_on"], name="order_school_date")]

    def __str__(self) -> str:
        return f"№ {self.number} от {self.signed_on:%d.%m.%Y}"

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None


class OrderLine(models.Model):
    """A student in an order: from which class, into which class, or where to."""

    order = models.ForeignKey(MovementOrder, on_delete=models.CASCADE, related_name="lines")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="order_lines")
    from_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destination = models.CharField(_("destination"), max_length=300, blank=True)
    destination_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.UniqueConstraint(fields=["order", "student"], name="order_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order}: {self.student}"
