"""Period marks: term, half-year, year, exam and final marks of a journal (seed 004, 3.3.5:
entered "не позднее дня завершения учебного периода" by the subject teacher)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parta.core import audit, calendar
from parta.identity.models import Membership
from parta.journal import policies
from parta.journal.grading import CellValue, parse_period_mark
from parta.journal.locks import edit_block
from parta.journal.models import Mark
from parta.journal.selectors.grid import PeriodColumn, period_columns, period_text, year_terms
from parta.journal.services.cells import CellConflict
from parta.school.models import TeachingAssignment
from parta.students.models import Student
from parta.students.selectors.rosters import group_roster


def _column(assignment: TeachingAssignment, kind: str, number: int) -> PeriodColumn:
    year = assignment.group.school_class.year
    for column in period_columns(year, year_terms(year)):
        if column.kind == kind and column.number == number:
            return column
    raise ValidationError(
        _("This journal has no such column of period marks."), code="unknown_period"
    )


def set_period_mark(
    *,
    actor: Membership,
    assignment: TeachingAssignment,
    student: Student,
    kind: str,
    number: int,
    text: str,
    seen: str,
) -> str:
    """Put a term, half-year, year, exam or final mark; empty text removes it.

    `seen` is the mark as the page showed it: when someone else has changed it since, nothing is
    written and the conflict is logged. Returns the mark as the grid shows it.
    """
    # Raised after its transaction commits, so the conflict's audit entry is kept.
    result = _set_period_mark(
        actor=actor,
        assignment=assignment,
        student=student,
        kind=kind,
        number=number,
        text=text,
        seen=seen,
    )
    if isinstance(result, CellConflict):
        raise result
    return result


@transaction.atomic
def _set_period_mark(
    *,
    actor: Membership,
    assignment: TeachingAssignment,
    student: Student,
    kind: str,
    number: int,
    text: str,
    seen: str,
) -> str | CellConflict:
    # Locking the journal serialises writers of one column, so a new mark cannot be inserted twice.
    assignment = (
        TeachingAssignment.objects.select_for_update()
        .select_related("group__school_class__year", "group__school_class__organization")
        .get(pk=assignment.pk)
    )
    if not policies.can_set_period_marks(actor, assignment):
        raise PermissionDenied
    column = _column(assignment, kind, number)
    block = edit_block(assignment=assignment, term=column.lock_term)
    if block:
        raise ValidationError(block, code="journal_closed")
    value = parse_period_mark(text, pass_fail=assignment.is_pass_fail)
    if value:
        _check_can_be_marked(assignment=assignment, student=student, column=column)
    current = (
        Mark.objects.filter(student=student, assignment=assignment, kind=kind, period_number=number)
        .select_related("author__person")
        .first()
    )
    before = current.value if current else ""
    about = {"student": str(student), "period": column.title}
    if period_text(before) != seen.strip():
        audit.record(
            actor=actor,
            action="journal.cell_conflict",
            target=assignment,
            before={**about, "value": period_text(before)},
            after={**about, "value": period_text(value)},
            organization_id=actor.organization_id,
        )
        return CellConflict(
            current=CellValue(marks=(before,) if before else ()),
            changed_by=current.author.person.short_name if current else "",
        )
    if before == value:
        return period_text(value)
    if not value:
        current.delete()
    elif current is None:
        Mark.objects.create(
            student=student,
            assignment=assignment,
            kind=kind,
            period_number=number,
            value=value,
            author=actor,
        )
    else:
        current.value = value
        current.author = actor
        current.save(update_fields=["value", "author", "updated_at"])
    audit.record(
        actor=actor,
        action="journal.period_mark_set",
        target=assignment,
        before={**about, "value": period_text(before)},
        after={**about, "value": period_text(value)},
        organization_id=actor.organization_id,
    )
    return period_text(value)


def _check_can_be_marked(
    *, assignment: TeachingAssignment, student: Student, column: PeriodColumn
) -> None:
    if column.starts_on > calendar.today():
        raise ValidationError(
            _("%(period)s has not begun yet: its mark cannot be set.") % {"period": column.title},
            code="future_period",
        )
    roster = group_roster(
        group=assignment.group, starts_on=column.starts_on, ends_on=column.ends_on
    )
    if not any(row.student.pk == student.pk for row in roster):
        raise ValidationError(
            _("%(name)s was not in %(group)s during %(period)s.")
            % {
                "name": student.person.short_name,
                "group": assignment.group,
                "period": column.title,
            },
            code="student_not_in_group",
        )
