"""Which students a batch update works with: the whole school, a parallel or a class, as the
filters of «Управление → Ученики» set them (seed 002, steps 3 and 9)."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from parta.core import calendar
from parta.exchange import policies
from parta.exchange.models import ImportRun
from parta.identity.models import Membership
from parta.orgs.models import Organization
from parta.school.models import AcademicYear, SchoolClass
from parta.school.selectors.calendar import current_year
from parta.school.selectors.classes import roster_day
from parta.students.models import ClassEnrolment, Guardianship, Student


@dataclass(frozen=True)
class Scope:
    organization: Organization
    year: AcademicYear | None
    day: date
    grade: int | None = None
    school_class: SchoolClass | None = None

    def year_classes(self) -> QuerySet[SchoolClass]:
        """All classes of the school's current year (for the filters)."""
        if self.year is None:
            return SchoolClass.objects.none()
        return SchoolClass.objects.filter(year=self.year).select_related("year")

    def classes(self) -> QuerySet[SchoolClass]:
        """The year's classes in the scope."""
        classes = self.year_classes()
        if self.school_class is not None:
            return classes.filter(pk=self.school_class.pk)
        if self.grade is not None:
            return classes.filter(grade=self.grade)
        return classes

    @property
    def is_whole_school(self) -> bool:
        return self.grade is None and self.school_class is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "grade": self.grade,
            "school_class": self.school_class.pk if self.school_class else None,
        }

    def query(self) -> dict[str, Any]:
        """The page's GET parameters for this scope."""
        return {
            key: value
            for key, value in (
                ("grade", self.grade),
                ("school_class", self.school_class.pk if self.school_class else None),
            )
            if value is not None
        }


def _number(text: Any) -> int | None:
    text = str(text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def batch_scope(*, viewer: Membership, grade: Any = None, school_class: Any = None) -> Scope | None:
    """The scope the filters name, or None if the viewer may not exchange the school's data."""
    organization = viewer.organization
    if organization is None or not policies.can_exchange(viewer, organization):
        return None
    year = current_year(organization.pk)
    chosen_class = None
    class_id = _number(school_class)
    if class_id is not None and year is not None:
        chosen_class = SchoolClass.objects.filter(year=year, pk=class_id).first()
    chosen_grade = _number(grade)
    if chosen_class is not None:
        chosen_grade = chosen_class.grade
    return Scope(
        organization=organization,
        year=year,
        day=roster_day(year) if year is not None else calendar.today(),
        grade=chosen_grade,
        school_class=chosen_class,
    )


def scope_enrolments(scope: Scope) -> QuerySet[ClassEnrolment]:
    """The stays in the scope's classes on the scope's day, with students and classes."""
    return (
        ClassEnrolment.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=scope.day),
            school_class__in=scope.classes(),
            starts_on__lte=scope.day,
        )
        .select_related("student__person", "school_class")
        .order_by(
            "school_class__grade",
            "school_class__letter",
            "student__person__last_name",
            "student__person__first_name",
            "student__person__middle_name",
            "student_id",
        )
    )


def scope_unenrolled(scope: Scope) -> QuerySet[Student]:
    """Cards of the school never put into a class: part of the whole school's scope only."""
    if not scope.is_whole_school:
        return Student.objects.none()
    return (
        Student.objects.filter(organization=scope.organization, enrolments__isnull=True)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "person__middle_name", "pk")
    )


def scope_students(scope: Scope) -> Iterator[tuple[Student, SchoolClass | None]]:
    """The scope's students with their class, in the class list's order, read in chunks."""
    for enrolment in scope_enrolments(scope).iterator(chunk_size=2000):
        yield enrolment.student, enrolment.school_class
    for student in scope_unenrolled(scope).iterator(chunk_size=2000):
        yield student, None


def students_by_id(scope: Scope, ids: set[int]) -> dict[int, tuple[Student, SchoolClass | None]]:
    """Of these student ids, the scope's students with their class."""
    found = {
        enrolment.student_id: (enrolment.student, enrolment.school_class)
        for enrolment in scope_enrolments(scope).filter(student_id__in=ids).order_by()
    }
    found.update(
        (student.pk, (student, None))
        for student in scope_unenrolled(scope).filter(pk__in=ids).order_by()
    )
    return found


def scope_guardianships(scope: Scope) -> QuerySet[Guardianship]:
    """The parents of the scope's students, with both people."""
    ids = Q(student_id__in=scope_enrolments(scope).order_by().values("student_id"))
    if scope.is_whole_school:
        ids |= Q(student_id__in=scope_unenrolled(scope).order_by().values("pk"))
    return (
        Guardianship.objects.filter(ids)
        .select_related("guardian", "student__person")
        .order_by(
            "student__person__last_name",
            "student__person__first_name",
            "student__person__middle_name",
            "student_id",
            "guardian__last_name",
            "pk",
        )
    )


def guardianships_by_id(scope: Scope, ids: set[int]) -> dict[int, Guardianship]:
    """Of these guardianship ids, those of the scope's students, with both people."""
    guardianships = list(
        Guardianship.objects.filter(pk__in=ids).select_related("guardian", "student__person")
    )
    student_ids = {guardianship.student_id for guardianship in guardianships}
    in_scope = set(
        scope_enrolments(scope)
        .filter(student_id__in=student_ids)
        .order_by()
        .values_list("student_id", flat=True)
    )
    if scope.is_whole_school:
        in_scope.update(
            scope_unenrolled(scope)
            .filter(pk__in=student_ids)
            .order_by()
            .values_list("pk", flat=True)
        )
    return {g.pk: g for g in guardianships if g.student_id in in_scope}


def repeated_persons(ids: set[int]) -> set[int]:
    """Of these people, those who may stand in more than one row of a file: a parent of several
    children, a student who is a parent too."""
    rows = Counter(
        Guardianship.objects.filter(guardian_id__in=ids).values_list("guardian_id", flat=True)
    )
    rows.update(
        Student.objects.filter(person_id__in=ids).values_list("person_id", flat=True).distinct()
    )
    return {pk for pk, count in rows.items() if count > 1}


def students_outside(scope: Scope, ids: set[int]) -> set[int]:
    """Of these student ids, those of the school's students (outside the scope, then)."""
    return set(
        Student.objects.filter(organization=scope.organization, pk__in=ids).values_list(
            "pk", flat=True
        )
    )


def visible_runs(viewer: Membership) -> QuerySet[ImportRun]:
    """Batch-update runs of the viewer's school, if the viewer may exchange its data."""
    organization = viewer.organization
    if organization is None or not policies.can_exchange(viewer, organization):
        return ImportRun.objects.none()
    return ImportRun.objects.filter(
        organization=organization, kind=ImportRun.Kind.BATCH_UPDATE
    ).select_related("author__person")
