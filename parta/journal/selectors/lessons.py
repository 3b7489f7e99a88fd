"""The lesson page and the homework files it hands out."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef

from parta.core import calendar
from parta.identity.models import Membership
from parta.journal import deadlines, policies
from parta.journal.locks import edit_block, term_on
from parta.journal.models import Homework, HomeworkFile, Lesson, Mark
from parta.school.models import BellPeriod
from parta.students.models import Student
from parta.students.selectors import rosters as student_selectors

LESSON_RELATED = (
    "assignment__group__school_class__organization",
    "assignment__group__school_class__year",
    "assignment__subject",
    "assignment__teacher__person",
    "teacher__person",
    "substitute__person",
)


@dataclass
class HomeworkRow:
    homework: Homework
    files: list[HomeworkFile] = field(default_factory=list)


@dataclass
class LessonPage:
    """A lesson with its homework, the group's students on its date and the regulation's day."""

    lesson: Lesson
    bell: BellPeriod | None
    can_edit: bool
    #: Why the lesson's own teacher cannot change it now (a closed term, an archived year).
    block: str | None
    common: HomeworkRow | None
    individual: list[HomeworkRow]
    students: list[Student]
    has_marks: bool
    deadline: date
    is_overdue: bool

    @property
    def is_filled(self) -> bool:
        return bool(self.lesson.topic) and self.has_marks

    @property
    def deadline_state(self) -> str:
        """«met» once topic and marks are in, «overdue» past the deadline, «open» before it."""
        if self.is_filled:
            return "met"
        return "overdue" if self.is_overdue else "open"


def lesson_page(*, viewer: Membership, lesson_id: int) -> LessonPage | None:
    """The lesson for whoever may see its journal, in a fixed number of queries; else None."""
    lesson = (
        Lesson.objects.filter(pk=lesson_id, organization_id=viewer.organization_id)
        .select_related(*LESSON_RELATED)
        .annotate(has_marks=Exists(Mark.objects.filter(lesson=OuterRef("pk"))))
        .first()
    )
    if lesson is None or not policies.can_view_journal(viewer, lesson.assignment):
        return None
    school_class = lesson.assignment.group.school_class
    terms = list(school_class.year.terms.all())
    block = edit_block(assignment=lesson.assignment, term=term_on(terms, lesson.date))
    bell = BellPeriod.objects.filter(year_id=school_class.year_id, number=lesson.period).first()
    files: dict[int, list[HomeworkFile]] = {}
    for homework_file in HomeworkFile.objects.filter(homework__lesson=lesson).order_by("id"):
        files.setdefault(homework_file.homework_id, []).append(homework_file)
    common: HomeworkRow | None = None
    individual: list[HomeworkRow] = []
    for homework in Homework.objects.filter(lesson=lesson).select_related("student__person"):
        row = HomeworkRow(homework=homework, files=files.get(homework.pk, []))
        if homework.student_id is None:
            common = common or row
        else:
            individual.append(row)
    individual.sort(key=lambda row: _name_key(row.homework.student))
    roster = student_selectors.group_roster(
        group=lesson.assignment.group, starts_on=lesson.date, ends_on=lesson.date
    )
    has_marks = lesson.has_marks  # type: ignore[attr-defined]
    return LessonPage(
        lesson=lesson,
        bell=bell,
        can_edit=policies.can_write_lesson(viewer, lesson) and block is None,
        block=block,
        common=common,
        individual=individual,
        students=[row.student for row in roster if row.covers(lesson.date)],
        has_marks=has_marks,
        deadline=deadlines.lesson_fill_deadline(lesson.date),
        is_overdue=deadlines.is_lesson_overdue(
            lesson_date=lesson.date,
            has_topic=bool(lesson.topic),
            has_marks=has_marks,
            today=calendar.today(),
        ),
    )


def _name_key(student: Student | None) -> tuple[str, str, int]:
    if student is None:
        return ("", "", 0)
    return (student.person.last_name, student.person.first_name, student.pk)


def writable_homework(*, lesson: Lesson, homework_id: int) -> Homework | None:
    """Homework of this lesson, for attaching a file."""
    return Homework.objects.filter(lesson=lesson, pk=homework_id).first()


def lesson_file(*, lesson: Lesson, file_id: int) -> HomeworkFile | None:
    """A file of this lesson's homework, for removing it."""
    return (
        HomeworkFile.objects.filter(homework__lesson=lesson, pk=file_id)
        .select_related("homework__student")
        .first()
    )


def group_student(*, page: LessonPage, student_id: int) -> Student | None:
    """A student of the lesson's group on its date, as listed on the page."""
    return next((student for student in page.students if student.pk == student_id), None)


def homework_file_for_download(*, viewer: Membership, file_id: int) -> HomeworkFile | None:
    """The homework file when the viewer may download it (`can_download_homework_file`)."""
    homework_file = (
        HomeworkFile.objects.filter(
            pk=file_id, homework__lesson__organization_id=viewer.organization_id
        )
        .select_related(
            "homework__student",
            "homework__lesson__assignment__group__school_class__organization",
        )
        .first()
    )
    if homework_file is None or not policies.can_download_homework_file(viewer, homework_file):
        return None
    return homework_file
