from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parta.identity.models import Membership
from parta.orgs.models import Organization, Subject
from parta.school.models import AcademicYear, TeachingAssignment, Term, TimetableEntry
from parta.students.models import Student


class WorkType(models.TextChoices):
    """Вид работы; its weight counts in the weighted average."""

    ANSWER = "answer", _("Answer in class")
    HOMEWORK = "homework", pgettext_lazy("kind of work", "Homework")
    DICTATION = "dictation", _("Dictation")
    INDEPENDENT = "independent", _("Independent work")
    PRACTICAL = "practical", _("Practical work")
    TEST = "test", _("Check-up work")
    CONTROL = "control", _("Control work")


WORK_WEIGHTS: dict[str, int] = {
    WorkType.ANSWER: 1,
    WorkType.HOMEWORK: 1,
    WorkType.DICTATION: 2,
    WorkType.INDEPENDENT: 2,
    WorkType.PRACTICAL: 2,
    WorkType.TEST: 2,
    WorkType.CONTROL: 3,
}


class Lesson(models.Model):
    """One lesson of a group in a subject on a date: generated from the timetable."""

    class DistanceFormat(models.TextChoices):
        ONLINE = "online", _("online")
        OFFLINE = "offline", _("offline")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(
        TeachingAssignment, on_delete=models.PROTECT, related_name="lessons"
    )
    teacher = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="lessons", verbose_name=_("teacher")
    )
    substitute = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="substituted_lessons",
        verbose_name=_("substitute teacher"),
    )
    entry = models.ForeignKey(
        TimetableEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="lessons"
    )
    date = models.DateField(_("date"))
    period = models.PositiveSmallIntegerField(_("lesson"))
    room = models.CharField(_("room"), max_length=30, blank=True)
    topic = models.CharField(_("topic"), max_length=500, blank=True)
    work_type = models.CharField(
        _("kind of work"), max_length=20, choices=WorkType, default=WorkType.ANSWER
    )
    distance_format = models.CharField(
        _("distance lesson"), max_length=10, choices=DistanceFormat, blank=True
    )
    distance_platform = models.CharField(_("platform"), max_length=100, blank=True)
    distance_time = models.CharField(_("time of the lesson"), max_length=50, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["date", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "date", "period"], name="lesson_unique_slot"
            ),
        ]
        indexes = [
            models.Index(fields=["assignment", "date"], name="lesson_assignment_date"),
            models.Index(fields=["teacher", "date"], name="lesson_teacher_date"),
            models.Index(fields=["substitute", "date"], name="lesson_substitute_date"),
            models.Index(fields=["organization", "date"], name="lesson_organization_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}, {self.period}: {self.assignment}"

    @property
    def acting_teacher_id(self) -> int:
        """Who teaches this lesson: the substitute (замена) when there is one."""
        return self.substitute_id or self.teacher_id


class Homework(models.Model):
    """Домашнее задание of a lesson: for the whole group, or for one student."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="homework")
    student = models.ForeignKey(
        Student,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="homework",
        verbose_name=_("for the student"),
    )
    text = models.TextField(_("homework"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("homework")
        verbose_name_plural = _("homework")
        ordering = ["lesson", "student", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class HomeworkFile(models.Model):
    """A file attached to homework."""

    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="homework/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"), default=0)

    class Meta:
        verbose_name = _("homework file")
        verbose_name_plural = _("homework files")

    def __str__(self) -> str:
        return self.name


class MarkKind(models.TextChoices):
    """Where a mark stands: a lesson, or one of the period columns."""

    CURRENT = "current", pgettext_lazy("kind of mark", "current")
    TERM = "term", pgettext_lazy("kind of mark", "term")
    HALF = "half", pgettext_lazy("kind of mark", "half-year")
    YEAR = "year", pgettext_lazy("kind of mark", "year")
    EXAM = "exam", pgettext_lazy("kind of mark", "exam")
    FINAL = "final", pgettext_lazy("kind of mark", "final")


class Mark(models.Model):
    """Отметка: current (in a lesson) or a period, year, exam or final mark."""

    PASS = "зч"
    FAIL = "нз"

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="marks")
    assignment = models.ForeignKey(
        TeachingAssignment, on_delete=models.PROTECT, related_name="marks"
    )
    lesson = models.ForeignKey(
        Lesson, on_delete=models.PROTECT, null=True, blank=True, related_name="marks"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MarkKind, default=MarkKind.CURRENT)
    period_number = models.PositiveSmallIntegerField(_("period"), default=0)
    value = models.CharField(_("mark"), max_length=2)
    work_type = models.CharField(_("kind of work"), max_length=20, choices=WorkType, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="current", lesson__isnull=False)
                | (~models.Q(kind="current") & models.Q(lesson__isnull=True)),
                name="mark_lesson_only_for_current",
            ),
            models.UniqueConstraint(
                fields=["student", "assignment", "kind", "period_number"],
                condition=~models.Q(kind="current"),
                name="mark_one_per_period_column",
            ),
        ]
        indexes = [
            models.Index(fields=["assignment", "student"], name="mark_assignment_student"),
            models.Index(fields=["student", "kind"], name="mark_student_kind"),
        ]

    def __str__(self) -> str:
        return self.value

    @property
    def numeric(self) -> int | None:
        return int(self.value) if self.value.isdigit() else None


class Attendance(models.Model):
    """A student's absence or lateness at a lesson (nothing recorded means present)."""

    class Kind(models.TextChoices):
        ABSENT = "absent", pgettext_lazy("attendance", "Н")
        ILL = "ill", pgettext_lazy("attendance", "Б")
        EXCUSED = "excused", pgettext_lazy("attendance", "У")
        LATE = "late", pgettext_lazy("attendance", "ОП")

    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="attendance")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="attendance")
    kind = models.CharField(_("attendance"), max_length=10, choices=Kind)
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "student"], name="attendance_unique"),
        ]
        indexes = [models.Index(fields=["student", "lesson"], name="attendance_student")]

    def __str__(self) -> str:
        return self.get_kind_display()


class CorrectionPermit(models.Model):
    """The deputy head's permission to correct a closed term of one journal (audited)."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="permits")
    assignment = models.ForeignKey(
        TeachingAssignment, on_delete=models.CASCADE, related_name="permits"
    )
    granted_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    valid_until = models.DateField(_("valid until"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("correction permit")
        verbose_name_plural = _("correction permits")

    def __str__(self) -> str:
        return f"{self.assignment}, {self.term}"


class LessonPlan(models.Model):
    """Календарно-тематическое планирование of a teacher for a subject and a parallel."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="plans")
    teacher = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="plans")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, verbose_name=_("subject"))
    grade = models.PositiveSmallIntegerField(_("parallel"))

    class Meta:
        verbose_name = _("lesson plan")
        verbose_name_plural = _("lesson plans")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "teacher", "subject", "grade"], name="plan_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject}, {self.grade}"


class LessonPlanItem(models.Model):
    """One topic of a plan, taking a number of lessons in order."""

    plan = models.ForeignKey(LessonPlan, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("number"))
    topic = models.CharField(_("topic"), max_length=500)
    hours = models.PositiveSmallIntegerField(_("hours"), default=1)
    homework = models.CharField(_("homework"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("plan topic")
        verbose_name_plural = _("plan topics")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_item_unique"),
        ]

    def __str__(self) -> str:
        return self.topic
