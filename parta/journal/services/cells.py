"""Writing a journal cell: the marks and the attendance of one student at one lesson."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parta.core import audit, calendar
from parta.identity.models import Membership
from parta.journal import policies
from parta.journal.grading import CellValue, parse_cell
from parta.journal.locks import edit_block, term_on
from parta.journal.models import WORK_WEIGHTS, Attendance, Lesson, Mark
from parta.students.models import Student
from parta.students.selectors import rosters as student_selectors


@dataclass(frozen=True)
class CellConflict(Exception):
    """The cell changed after the teacher saw it: nothing is saved, the current value is shown."""

    current: CellValue
    changed_by: str

    @property
    def message(self) -> str:
        return _("%(name)s has just changed this cell to «%(value)s». Check it and save again.") % {
            "name": self.changed_by,
            "value": self.current.text or "—",
        }


def current_cell(*, lesson: Lesson, student: Student) -> tuple[CellValue, str]:
    """The cell as stored, and who changed it last."""
    marks = list(
        Mark.objects.filter(lesson=lesson, student=student)
        .select_related("author__person")
        .order_by("id")
    )
    attendance = (
        Attendance.objects.filter(lesson=lesson, student=student)
        .select_related("author__person")
        .first()
    )
    rows = [*marks, attendance] if attendance else marks
    latest = max(rows, key=lambda row: row.updated_at, default=None)
    value = CellValue(
        marks=tuple(mark.value for mark in marks),
        attendance=attendance.kind if attendance else "",
    )
    return value, latest.author.person.short_name if latest else ""


def check_lesson_writable(*, actor: Membership, lesson: Lesson) -> None:
    """Refuse unless the actor teaches the lesson and its term is open."""
    if not policies.can_write_lesson(actor, lesson):
        raise PermissionDenied
    assignment = lesson.assignment
    terms = list(assignment.group.school_class.year.terms.all())
    block = edit_block(assignment=assignment, term=term_on(terms, lesson.date))
    if block:
        raise ValidationError(block, code="journal_closed")


def check_student_in_lesson(*, student: Student, lesson: Lesson) -> None:
    """Refuse unless the student was in the lesson's group on its date."""
    if not student_selectors.is_in_group(
        student=student, group=lesson.assignment.group, on=lesson.date
    ):
        raise ValidationError(
            _("%(name)s was not in %(group)s on %(date)s.")
            % {
                "name": student.person.short_name,
                "group": lesson.assignment.group,
                "date": lesson.date.strftime("%d.%m.%Y"),
            },
            code="student_not_in_group",
        )


def _record_cell(
    action: str,
    actor: Membership,
    lesson: Lesson,
    student: Student,
    before: CellValue,
    value: CellValue,
) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=lesson,
        before={"student": str(student), "marks": before.text},
        after={"student": str(student), "marks": value.text},
        organization_id=lesson.organization_id,
    )


def save_cell(
    *, actor: Membership, lesson: Lesson, student: Student, text: str, seen: str
) -> CellValue:
    """Put what the teacher typed into a cell.

    `seen` is the cell's text as the page showed it: when someone else has changed the cell
    since, nothing is written and the conflict is logged, so no mark disappears without a trace.
    """
    # The conflict is raised only after its transaction has committed: raised inside it, the
    # exception would roll the audit entry of the refused write back.
    result = _save_cell(actor=actor, lesson=lesson, student=student, text=text, seen=seen)
    if isinstance(result, CellConflict):
        raise result
    return result


@transaction.atomic
def _save_cell(
    *, actor: Membership, lesson: Lesson, student: Student, text: str, seen: str
) -> CellValue | CellConflict:
    lesson = (
        Lesson.objects.select_for_update()
        .select_related("assignment__group__school_class__year", "assignment__subject")
        .get(pk=lesson.pk)
    )
    check_lesson_writable(actor=actor, lesson=lesson)
    value = parse_cell(text, pass_fail=lesson.assignment.is_pass_fail)
    if not value.is_empty and lesson.date > calendar.today():
        raise ValidationError(
            _("The lesson of %(date)s has not taken place yet.")
            % {"date": lesson.date.strftime("%d.%m.%Y")},
            code="future_lesson",
        )
    check_student_in_lesson(student=student, lesson=lesson)
    before, changed_by = current_cell(lesson=lesson, student=student)
    if before.text != seen.strip():
        _record_cell("journal.cell_conflict", actor, lesson, student, before, value)
        return CellConflict(current=before, changed_by=changed_by)
    if before == value:
        return value
    _write_marks(actor=actor, lesson=lesson, student=student, before=before, value=value)
    _record_cell("journal.cell_saved", actor, lesson, student, before, value)
    return value


def _write_marks(
    *, actor: Membership, lesson: Lesson, student: Student, before: CellValue, value: CellValue
) -> None:
    if before.marks != value.marks:
        Mark.objects.filter(lesson=lesson, student=student).delete()
        Mark.objects.bulk_create(
            [
                Mark(
                    student=student,
                    assignment_id=lesson.assignment_id,
                    lesson=lesson,
                    value=mark,
                    work_type=lesson.work_type,
                    weight=WORK_WEIGHTS[lesson.work_type],
                    author=actor,
                )
                for mark in value.marks
            ]
        )
    if before.attendance != value.attendance:
        # The lesson row is locked and `before` was read under the lock: no upsert needed.
        stored = Attendance.objects.filter(lesson=lesson, student=student)
        if not value.attendance:
            stored.delete()
        elif before.attendance:
            stored.update(kind=value.attendance, author=actor, updated_at=timezone.now())
        else:
            Attendance.objects.create(
                lesson=lesson, student=student, kind=value.attendance, author=actor
            )
