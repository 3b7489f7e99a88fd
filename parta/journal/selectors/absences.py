"""The class teacher's page of absences: who missed which lessons, by student and day."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from parta.core import calendar
from parta.identity.models import Membership
from parta.journal import policies
from parta.journal.models import Attendance, CorrectionPermit
from parta.journal.services.attendance import ABSENCE_KINDS
from parta.school.models import AcademicYear, SchoolClass, Term


@dataclass
class AbsenceRow:
    attendance: Attendance
    #: Why this absence cannot be changed (a closed term), or None.
    block: str | None


@dataclass
class AbsenceDay:
    day: date
    rows: list[AbsenceRow] = field(default_factory=list)

    @property
    def open_ids(self) -> list[int]:
        return [row.attendance.pk for row in self.rows if row.block is None]

    @property
    def kinds(self) -> set[str]:
        return {row.attendance.kind for row in self.rows}


@dataclass
class StudentAbsences:
    student_id: int
    name: str
    sort_key: tuple[str, str, str, int]
    days: list[AbsenceDay] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(day.rows) for day in self.days)


def absences_class(*, viewer: Membership, class_id: int) -> SchoolClass | None:
    """The class whose absence reasons the viewer may correct, or None."""
    school_class = (
        SchoolClass.objects.filter(pk=class_id, organization_id=viewer.organization_id)
        .select_related("organization", "year", "class_teacher__person")
        .first()
    )
    if school_class is None or not policies.can_set_absence_reasons(viewer, school_class):
        return None
    return school_class


def class_absences(
    *, school_class: SchoolClass, starts_on: date, ends_on: date
) -> list[StudentAbsences]:
    """Absences (Н, Б, У) at the class's lessons between the dates, by student and day (3
    queries, whatever the size of the class)."""
    attendance = (
        Attendance.objects.filter(
            lesson__assignment__group__school_class=school_class,
            lesson__date__range=(starts_on, ends_on),
            kind__in=ABSENCE_KINDS,
        )
        .select_related("student__person", "lesson__assignment__subject")
        .order_by("lesson__date", "lesson__period", "pk")
    )
    year = school_class.year
    terms = list(year.terms.all())
    permits = set(
        CorrectionPermit.objects.filter(
            term__year=year, valid_until__gte=calendar.today()
        ).values_list("term_id", "assignment_id")
    )
    students: dict[int, StudentAbsences] = {}
    for row in attendance:
        person = row.student.person
        entry = students.get(row.student_id)
        if entry is None:
            entry = students[row.student_id] = StudentAbsences(
                student_id=row.student_id,
                name=person.full_name,
                sort_key=(person.last_name, person.first_name, person.middle_name, row.student_id),
            )
        lesson = row.lesson
        if not entry.days or entry.days[-1].day != lesson.date:
            entry.days.append(AbsenceDay(day=lesson.date))
        term = next((term for term in terms if term.contains(lesson.date)), None)
        entry.days[-1].rows.append(
            AbsenceRow(
                attendance=row,
                block=_block(year, term, lesson.assignment_id, permits),
            )
        )
    return sorted(students.values(), key=lambda entry: entry.sort_key)


def _block(
    year: AcademicYear, term: Term | None, assignment_id: int, permits: set[tuple[int, int]]
) -> str | None:
    """`locks.edit_block` for many rows at once, with the permits read in one query."""
    if year.is_archived:
        return _("The academic year %(year)s is archived: its journals are read-only.") % {
            "year": year
        }
    if term is None:
        return _("The date is outside the terms of the academic year.")
    if term.is_closed and (term.pk, assignment_id) not in permits:
        return _("%(term)s is closed: a correction needs the deputy head's permission.") % {
            "term": term.name
        }
    return None
