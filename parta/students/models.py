from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from parta.identity.models import Membership, Person
from parta.orgs.models import Organization
from parta.school.models import SchoolClass, StudyGroup


class Student(models.Model):
    """Обучающийся: the card of a student membership in an organisation."""

    membership = models.OneToOneField(
        Membership, on_delete=models.PROTECT, related_name="student_card"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="student_cards")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["person__last_name", "person__first_name", "person__middle_name", "id"]

    def __str__(self) -> str:
        return str(self.person)


class ClassEnrolment(models.Model):
    """A student's stay in a class, from a date until a date (open while still there)."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="enrolments")
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="enrolments"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

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
