from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parta.identity.models import Membership
from parta.orgs.models import Organization, Subject


class AcademicYear(models.Model):
    """A school's учебный год with the kind of its periods; archived years are read-only."""

    class TermKind(models.TextChoices):
        QUARTER = "quarter", _("quarters")
        TRIMESTER = "trimester", _("trimesters")
        HALF = "half", _("half-years")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="academic_years"
    )
    starts_on = models.DateField(_("start of the year"))
    ends_on = models.DateField(_("end of the year"))
    term_kind = models.CharField(
        _("kind of periods"), max_length=10, choices=TermKind, default=TermKind.QUARTER
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    #: The earliest date whose lessons no longer match the timetable, holidays or day transfers;
    #: the journal brings them in step (`journal.services.lessons.refresh_lessons`).
    lessons_stale_from = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "starts_on"], name="academic_year_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="academic_year_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on.year}/{self.ends_on.year}"

    @property
    def name(self) -> str:
        return str(self)

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def mark_lessons_stale(self, since: date) -> None:
        """Note that lessons from this date must follow a change (call inside the change's
        transaction)."""
        since = max(since, self.starts_on)
        if self.lessons_stale_from is None or since < self.lessons_stale_from:
            self.lessons_stale_from = since
            self.save(update_fields=["lessons_stale_from"])


TERM_COUNT = {
    AcademicYear.TermKind.QUARTER: 4,
    AcademicYear.TermKind.TRIMESTER: 3,
    AcademicYear.TermKind.HALF: 2,
}


class Term(models.Model):
    """One учебный период of a year (четверть, триместр, полугодие); closed terms are read-only."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(_("number"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="term_unique_number"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="term_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        kind = self.year.term_kind
        if kind == AcademicYear.TermKind.QUARTER:
            return str(_("%(number)s quarter") % {"number": self.number})
        if kind == AcademicYear.TermKind.TRIMESTER:
            return str(_("%(number)s trimester") % {"number": self.number})
        return str(_("%(number)s half-year") % {"number": self.number})

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Holiday(models.Model):
    """Каникулы or a public holiday: days without lessons."""

    class Kind(models.TextChoices):
        VACATION = "vacation", _("school holidays")
        PUBLIC = "public", _("public holiday")

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="holidays")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.VACATION)
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="holiday_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")


class DayTransfer(models.Model):
    """Перенос учебного дня: on this date the school works by another weekday's timetable."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="transfers")
    on = models.DateField(_("date"))
    works_as = models.PositiveSmallIntegerField(_("works by the timetable of"), choices=Weekday)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("day transfer")
        verbose_name_plural = _("day transfers")
        ordering = ["on"]
        constraints = [models.UniqueConstraint(fields=["year", "on"], name="transfer_unique_day")]

    def __str__(self) -> str:
        return f"{self.on:%d.%m.%Y} → {self.get_works_as_display()}"


class SchoolClass(models.Model):
    """A class of one year: parallel (grade) and letter, e.g. 5«А»."""

    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="classes")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="classes")
    grade = models.PositiveSmallIntegerField(_("parallel"))
    letter = models.CharField(_("letter"), max_length=5)
    class_teacher = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_classes",
        verbose_name=_("class teacher"),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_classes",
        verbose_name=_("class of the previous year"),
    )

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["grade", "letter"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "grade", "letter"], name="class_unique_in_year"
            ),
            models.CheckConstraint(
                condition=models.Q(grade__gte=0, grade__lte=12), name="class_grade_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grade}{self.letter}"

    @property
    def name(self) -> str:
        return str(self)


class StudyGroup(models.Model):
    """Who sits in a lesson: the whole class, or a subgroup of it (languages split a class)."""

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="groups", verbose_name=_("class")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    is_whole_class = models.BooleanField(_("whole class"), default=False)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["school_class", "-is_whole_class", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class"],
                condition=models.Q(is_whole_class=True),
                name="group_one_whole_class",
            ),
            models.UniqueConstraint(fields=["school_class", "name"], name="group_unique_name"),
        ]

    def __str__(self) -> str:
        if self.is_whole_class:
            return str(self.school_class)
        return f"{self.school_class}, {self.name}"


class CurriculumLine(models.Model):
    """Учебный план: weekly hours of a subject in a parallel for the year."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="curriculum")
    grade = models.PositiveSmallIntegerField(_("parallel"))
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, verbose_name=_("subject"))
    hours_per_week = models.DecimalField(_("hours a week"), max_digits=4, decimal_places=1)
    is_pass_fail = models.BooleanField(
        pgettext_lazy("assessment", "pass/fail"),
        default=False,
        help_text=_("Marked «зачёт / незачёт» instead of the five-point scale."),
    )

    class Meta:
        verbose_name = _("curriculum line")
        verbose_name_plural = _("curriculum")
        ordering = ["grade", "subject__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "grade", "subject"], name="curriculum_unique_line"
            ),
            models.CheckConstraint(
                condition=models.Q(hours_per_week__gt=0), name="curriculum_hours_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grade}: {self.subject} ({self.hours_per_week})"


class TeachingAssignment(models.Model):
    """Which teacher teaches which subject to which class or group (the journal's unit)."""

    group = models.ForeignKey(
        StudyGroup, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("group")
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, verbose_name=_("subject"))
    teacher = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("teacher"),
    )
    is_pass_fail = models.BooleanField(pgettext_lazy("assessment", "pass/fail"), default=False)

    class Meta:
        verbose_name = _("teaching assignment")
        verbose_name_plural = _("teaching assignments")
        constraints = [
            models.UniqueConstraint(fields=["group", "subject"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.subject}"


class BellPeriod(models.Model):
    """One line of the bell schedule: lesson number and its time."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="bells")
    number = models.PositiveSmallIntegerField(_("lesson"))
    starts_at = models.TimeField(_("start"))
    ends_at = models.TimeField(_("end"))

    class Meta:
        verbose_name = _("bell")
        verbose_name_plural = _("bell schedule")
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="bell_unique_number"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="bell_times_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class TimetableEntry(models.Model):
    """A weekly lesson of the timetable, valid over a span of dates.

    A change to the timetable closes the entry (`ends_on`) and opens a new one, so lessons that
    already took place keep the entry they were generated from.
    """

    assignment = models.ForeignKey(
        TeachingAssignment,
        on_delete=models.PROTECT,
        related_name="timetable",
        verbose_name=_("subject and group"),
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday)
    period = models.PositiveSmallIntegerField(_("lesson"))
    room = models.CharField(_("room"), max_length=30, blank=True)
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"))

    class Meta:
        verbose_name = _("timetable entry")
        verbose_name_plural = _("timetable")
        ordering = ["weekday", "period"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="timetable_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["weekday", "period"], name="timetable_slot")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()}, {self.period}: {self.assignment}"


class Announcement(models.Model):
    """An announcement of the school or of one class, shown in the diary."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="announcements"
    )
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name=_("class"),
    )
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    published_on = models.DateField(_("published on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title
