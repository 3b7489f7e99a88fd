"""The e-diary of a student (and of their parents): the week, marks by subject, announcements.

Students and parents see only lessons of the groups the student sat in on each date, and nothing
after the student's last day at the school (a parent of a student who left loses new data).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse

from parta.core import calendar
from parta.journal.grading import ATTENDANCE_LETTER, weighted_average
from parta.journal.models import Attendance, Homework, HomeworkFile, Lesson, Mark, MarkKind
from parta.orgs.models import Subject
from parta.school.models import (
    AcademicYear,
    Announcement,
    BellPeriod,
    Holiday,
    SchoolClass,
    TeachingAssignment,
    Term,
)
from parta.school.selectors.announcements import diary_announcements
from parta.students.models import GroupMembership, Student
from parta.students.selectors.rosters import DiaryChild

#: How many announcements the week page shows (the rest are on their own page).
WEEK_ANNOUNCEMENTS = 3


def week_start(day: date) -> date:
    """The Monday of the week containing the day."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Span:
    """A stay of the student in a class, cut at the last day of data the diary shows."""

    school_class: SchoolClass
    starts_on: date
    ends_on: date | None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def overlaps(self, starts_on: date, ends_on: date) -> bool:
        return self.starts_on <= ends_on and (self.ends_on is None or self.ends_on >= starts_on)


def _spans(child: DiaryChild) -> list[Span]:
    """The student's enrolments (prefetched by `diary_children`), oldest first."""
    return [
        Span(enrolment.school_class, enrolment.starts_on, enrolment.ends_on)
        for enrolment in sorted(child.student.enrolments.all(), key=lambda row: row.starts_on)
    ]


def _in_groups(student: Student, class_ids: list[int], prefix: str = "") -> Q:
    """The whole-class groups of the classes, and the subgroups the student is a member of."""
    own_groups = GroupMembership.objects.filter(student=student).values("group_id")
    return Q(**{f"{prefix}group__school_class_id__in": class_ids}) & (
        Q(**{f"{prefix}group__is_whole_class": True}) | Q(**{f"{prefix}group__in": own_groups})
    )


def diary_years(*, child: DiaryChild, starts_on: date, ends_on: date) -> list[AcademicYear]:
    """The years of the classes the student was in between the dates, else of the last class."""
    year_ids = {
        span.school_class.year_id for span in _spans(child) if span.overlaps(starts_on, ends_on)
    }
    if not year_ids and child.school_class is not None:
        year_ids = {child.school_class.year_id}
    return list(AcademicYear.objects.filter(pk__in=year_ids).order_by("starts_on"))


def diary_year(*, child: DiaryChild) -> AcademicYear:
    """The year of the student's last class (the marks page shows it)."""
    assert child.school_class is not None
    return AcademicYear.objects.get(pk=child.school_class.year_id)


# --- The week -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiaryFile:
    pk: int
    name: str
    size: int

    @property
    def url(self) -> str:
        return reverse("journal:homework-file", args=[self.pk])


@dataclass
class DiaryHomework:
    text: str
    is_individual: bool
    files: list[DiaryFile] = field(default_factory=list)


@dataclass
class DiaryLesson:
    lesson: Lesson
    bell: BellPeriod | None
    homework: list[DiaryHomework] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    attendance: Attendance | None = None

    @property
    def teacher(self):
        """Who teaches it: the substitute (замена) when there is one."""
        return self.lesson.substitute or self.lesson.teacher

    @property
    def attendance_letter(self) -> str:
        return ATTENDANCE_LETTER[self.attendance.kind] if self.attendance else ""

    @property
    def is_distance(self) -> bool:
        return bool(self.lesson.distance_format)


@dataclass
class DiaryDay:
    date: date
    lessons: list[DiaryLesson] = field(default_factory=list)
    holiday: str = ""

    @property
    def is_today(self) -> bool:
        return self.date == calendar.today()


@dataclass
class DiaryWeek:
    child: DiaryChild
    starts_on: date
    ends_on: date
    days: list[DiaryDay]
    announcements: list[Announcement]

    @property
    def previous_week(self) -> date:
        return self.starts_on - timedelta(days=7)

    @property
    def next_week(self) -> date:
        return self.starts_on + timedelta(days=7)

    @property
    def is_cut(self) -> bool:
        """The student left before the end of this week: later days show nothing."""
        return self.child.until is not None and self.child.until < self.ends_on


#: What the week shows of a lesson and the people teaching it (a person's card has far more).
LESSON_FIELDS = (
    "date",
    "period",
    "room",
    "topic",
    "work_type",
    "distance_format",
    "distance_platform",
    "distance_time",
    "organization_id",
    "entry_id",
    "assignment__teacher_id",
    "assignment__is_pass_fail",
    "assignment__subject__name",
    "assignment__subject__short_name",
    "assignment__group__name",
    "assignment__group__is_whole_class",
    "assignment__group__school_class_id",
    *(
        f"{role}__person__{name}"
        for role in ("teacher", "substitute")
        for name in ("last_name", "first_name", "middle_name")
    ),
)


def diary_week(*, child: DiaryChild, years: list[AcademicYear], starts_on: date) -> DiaryWeek:
    """Monday to Saturday (Sunday too when it has lessons) of a student: lessons with times,
    topics, homework with files, the student's marks and attendance; 8 queries whatever the
    class size or the number of marks."""
    student = child.student
    starts_on = week_start(starts_on)
    ends_on = starts_on + timedelta(days=6)
    spans = [span for span in _spans(child) if span.overlaps(starts_on, ends_on)]
    class_ids = sorted({span.school_class.pk for span in spans})
    year_of_class = {span.school_class.pk: span.school_class.year_id for span in spans}
    year_ids = [year.pk for year in years]

    lessons_in_week = Lesson.objects.filter(
        _in_groups(student, class_ids, prefix="assignment__"),
        date__range=(starts_on, ends_on),
    )
    lessons = list(
        lessons_in_week.select_related(
            "assignment__subject",
            "assignment__group",
            "teacher__person",
            "substitute__person",
        )
        .only(*LESSON_FIELDS)
        .order_by("date", "period", "assignment__subject__name")
    )
    lesson_ids = [lesson.pk for lesson in lessons] or [0]
    bells = {
        (bell.year_id, bell.number): bell
        for bell in BellPeriod.objects.filter(year_id__in=year_ids)
    }
    # Only the week's lessons are filtered in SQL and the others' individual homework is
    # dropped here: a condition on `student` lets SQLite pick the index of every homework
    # without a student in the region (hundreds of thousands of rows) over the week's lessons.
    homework = sorted(
        (
            row
            for row in Homework.objects.filter(lesson__in=lesson_ids)
            if row.student_id in (None, student.pk)
        ),
        key=lambda row: (row.student_id is not None, row.pk),
    )
    files: dict[int, list[DiaryFile]] = defaultdict(list)
    for file in HomeworkFile.objects.filter(
        homework__in=[row.pk for row in homework] or [0]
    ).order_by("name", "id"):
        files[file.homework_id].append(DiaryFile(pk=file.pk, name=file.name, size=file.size))
    marks: dict[int, list[Mark]] = defaultdict(list)
    for mark in Mark.objects.filter(student=student, lesson__in=lesson_ids).order_by("id"):
        marks[mark.lesson_id].append(mark)
    attendance = {
        row.lesson_id: row
        for row in Attendance.objects.filter(student=student, lesson__in=lesson_ids)
    }
    holidays = list(
        Holiday.objects.filter(year_id__in=year_ids, starts_on__lte=ends_on, ends_on__gte=starts_on)
    )

    homework_of: dict[int, list[DiaryHomework]] = defaultdict(list)
    for row in homework:
        homework_of[row.lesson_id].append(
            DiaryHomework(
                text=row.text, is_individual=row.student_id is not None, files=files[row.pk]
            )
        )
    days = [DiaryDay(date=starts_on + timedelta(days=offset)) for offset in range(7)]
    for day in days:
        day.holiday = next(
            (
                holiday.name
                for holiday in holidays
                if holiday.starts_on <= day.date <= holiday.ends_on
            ),
            "",
        )
    for lesson in lessons:
        class_id = lesson.assignment.group.school_class_id
        if not any(span.school_class.pk == class_id and span.covers(lesson.date) for span in spans):
            continue
        days[lesson.date.weekday()].lessons.append(
            DiaryLesson(
                lesson=lesson,
                bell=bells.get((year_of_class[class_id], lesson.period)),
                homework=homework_of[lesson.pk],
                marks=marks[lesson.pk],
                attendance=attendance.get(lesson.pk),
            )
        )
    if not days[6].lessons:
        days = days[:6]
    announcements = list(
        diary_announcements(
            organization_id=student.organization_id,
            class_ids=[span.school_class.pk for span in _spans(child)],
            until=child.until,
        )[:WEEK_ANNOUNCEMENTS]
    )
    return DiaryWeek(
        child=child, starts_on=starts_on, ends_on=ends_on, days=days, announcements=announcements
    )


# --- Marks by subject ---------------------------------------------------------------------------


@dataclass
class TermMarks:
    term: Term
    marks: list[Mark] = field(default_factory=list)
    period_mark: str = ""

    @property
    def average(self) -> Decimal | None:
        return weighted_average((mark.value, mark.weight) for mark in self.marks)


@dataclass
class SubjectMarks:
    subject: Subject
    terms: list[TermMarks]
    halves: dict[int, str] = field(default_factory=dict)
    year_mark: str = ""
    exam_mark: str = ""
    final_mark: str = ""

    half_marks: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class DiaryMarks:
    child: DiaryChild
    year: AcademicYear
    terms: list[Term]
    subjects: list[SubjectMarks]
    half_numbers: list[int]
    has_exam: bool
    has_final: bool


def diary_marks(*, child: DiaryChild, year: AcademicYear) -> DiaryMarks:
    """The student's marks of a year by subject: current marks and the weighted average of each
    term, then term, half-year, year, exam and final marks (3 queries)."""
    student = child.student
    class_ids = sorted(
        {span.school_class.pk for span in _spans(child) if span.school_class.year_id == year.pk}
    )
    terms = list(year.terms.order_by("number"))
    assignments = TeachingAssignment.objects.filter(_in_groups(student, class_ids)).select_related(
        "subject"
    )
    subjects: dict[int, Subject] = {row.subject_id: row.subject for row in assignments}
    marks = Mark.objects.filter(student=student, assignment__group__school_class__year=year)
    if child.until is not None:
        marks = marks.filter(
            Q(lesson__date__lte=child.until)
            | Q(lesson__isnull=True, updated_at__date__lte=child.until)
        )
    marks = marks.select_related("lesson", "assignment__subject").order_by("lesson__date", "id")

    rows: dict[int, SubjectMarks] = {}

    def row_of(subject: Subject) -> SubjectMarks:
        if subject.pk not in rows:
            rows[subject.pk] = SubjectMarks(
                subject=subject, terms=[TermMarks(term=term) for term in terms]
            )
        return rows[subject.pk]

    for subject in subjects.values():
        row_of(subject)
    half_numbers: set[int] = set()
    has_exam = has_final = False
    for mark in marks:
        row = row_of(mark.assignment.subject)
        if mark.kind == MarkKind.CURRENT:
            cell = next((cell for cell in row.terms if cell.term.contains(mark.lesson.date)), None)
            if cell is not None:
                cell.marks.append(mark)
        elif mark.kind == MarkKind.TERM:
            cell = next(
                (cell for cell in row.terms if cell.term.number == mark.period_number), None
            )
            if cell is not None:
                cell.period_mark = mark.value
        elif mark.kind == MarkKind.HALF:
            row.halves[mark.period_number] = mark.value
            half_numbers.add(mark.period_number)
        elif mark.kind == MarkKind.YEAR:
            row.year_mark = mark.value
        elif mark.kind == MarkKind.EXAM:
            row.exam_mark = mark.value
            has_exam = True
        elif mark.kind == MarkKind.FINAL:
            row.final_mark = mark.value
            has_final = True
    for row in rows.values():
        row.half_marks = [(number, row.halves.get(number, "")) for number in sorted(half_numbers)]
    return DiaryMarks(
        child=child,
        year=year,
        terms=terms,
        subjects=sorted(rows.values(), key=lambda row: (row.subject.name, row.subject.pk)),
        half_numbers=sorted(half_numbers),
        has_exam=has_exam,
        has_final=has_final,
    )


def diary_announcement_list(*, child: DiaryChild):
    """All announcements the student reads: the school's and their classes', newest first."""
    return diary_announcements(
        organization_id=child.student.organization_id,
        class_ids=[span.school_class.pk for span in _spans(child)],
        until=child.until,
    )
