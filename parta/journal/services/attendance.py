"""The class teacher's correction of the reasons of absence (seed 004, 3.3.5).

"Классный руководитель производит в электронном журнале не позднее 2 рабочих дней корректировку
причин пропуска уроков после предоставления обучающимся документа о причине пропуска": Н (no
reason known), Б (illness) and У (excused) replace one another; ОП (late) is not an absence.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership
from parta.journal import policies
from parta.journal.grading import ATTENDANCE_LETTER
from parta.journal.locks import edit_block, term_on
from parta.journal.models import Attendance
from parta.students.models import ClassEnrolment

ABSENCE_KINDS = (Attendance.Kind.ABSENT, Attendance.Kind.ILL, Attendance.Kind.EXCUSED)


@transaction.atomic
def set_absence_reason(*, actor: Membership, attendance_ids: list[int], kind: str) -> int:
    """Give absences of one class the reason Н, Б or У; returns how many changed."""
    if kind not in ABSENCE_KINDS:
        raise ValidationError(
            _("The reason of an absence is Н, Б or У."), code="absence_reason_unknown"
        )
    wanted = set(attendance_ids)
    rows = list(
        Attendance.objects.select_for_update()
        .filter(pk__in=wanted)
        .select_related(
            "student__person",
            "lesson__assignment__subject",
            "lesson__assignment__group__school_class__organization",
            "lesson__assignment__group__school_class__year",
        )
        .order_by("lesson__date", "lesson__period", "pk")
    )
    if not wanted or len(rows) != len(wanted):
        raise ValidationError(
            _("Choose absences from the list: some of them no longer exist."),
            code="absence_missing",
        )
    classes = {row.lesson.assignment.group.school_class for row in rows}
    if len(classes) != 1:
        raise ValidationError(
            _("Absences of one class are corrected at a time."), code="absence_other_class"
        )
    (school_class,) = classes
    if not policies.can_set_absence_reasons(actor, school_class):
        raise PermissionDenied
    _check_rows(rows, school_class)
    changed = 0
    for row in rows:
        if row.kind == kind:
            continue
        before = row.kind
        row.kind = kind
        row.author = actor
        row.save(update_fields=["kind", "author", "updated_at"])
        audit.record(
            actor=actor,
            action="journal.attendance_reason_set",
            target=row.lesson,
            before={"student": str(row.student), "attendance": ATTENDANCE_LETTER[before]},
            after={"student": str(row.student), "attendance": ATTENDANCE_LETTER[kind]},
            organization_id=school_class.organization_id,
        )
        changed += 1
    return changed


def _check_rows(rows: list[Attendance], school_class) -> None:
    """Only absences of the class's own students, in journals that are open for editing."""
    if any(row.kind not in ABSENCE_KINDS for row in rows):
        raise ValidationError(
            _("ОП marks lateness, not an absence: its reason is not corrected."),
            code="absence_is_late",
        )
    enrolments: dict[int, list[ClassEnrolment]] = {}
    for enrolment in ClassEnrolment.objects.filter(
        school_class=school_class, student_id__in={row.student_id for row in rows}
    ):
        enrolments.setdefault(enrolment.student_id, []).append(enrolment)
    for row in rows:
        if not any(e.covers(row.lesson.date) for e in enrolments.get(row.student_id, ())):
            raise ValidationError(
                _("%(name)s was not in %(class)s on %(date)s.")
                % {
                    "name": row.student.person.short_name,
                    "class": school_class,
                    "date": row.lesson.date.strftime("%d.%m.%Y"),
                },
                code="student_not_in_class",
            )
    terms = list(school_class.year.terms.all())
    checked: set[tuple[int, int | None]] = set()
    for row in rows:
        assignment = row.lesson.assignment
        term = term_on(terms, row.lesson.date)
        key = (assignment.pk, term.pk if term else None)
        if key in checked:
            continue
        checked.add(key)
        block = edit_block(assignment=assignment, term=term)
        if block:
            raise ValidationError(block, code="journal_closed")
