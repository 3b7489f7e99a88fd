"""Who is in a class or a group on which dates, and whose diary a parent may open."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from parta.identity.models import Membership
from parta.school.models import SchoolClass, StudyGroup
from parta.students.models import ClassEnrolment, Guardianship, Student


@dataclass
class RosterRow:
    """A student of a group with the spans of dates they were in its class."""

    student: Student
    spans: list[tuple[date, date | None]] = field(default_factory=list)

    def covers(self, day: date) -> bool:
        return any(start <= day and (end is None or day <= end) for start, end in self.spans)


def _overlapping(starts_on: date, ends_on: date) -> Q:
    return Q(starts_on__lte=ends_on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))


def group_roster(*, group: StudyGroup, starts_on: date, ends_on: date) -> list[RosterRow]:
    """Students who were in the group at any time between the dates, in alphabetical order."""
    enrolments = ClassEnrolment.objects.filter(
        _overlapping(starts_on, ends_on), school_class_id=group.school_class_id
    ).select_related("student__person")
    if not group.is_whole_class:
        enrolments = enrolments.filter(student__group_rows__group=group)
    rows: dict[int, RosterRow] = {}
    for enrolment in enrolments.order_by("starts_on"):
        row = rows.setdefault(enrolment.student_id, RosterRow(student=enrolment.student))
        row.spans.append((enrolment.starts_on, enrolment.ends_on))
    return sorted(rows.values(), key=lambda row: _name_key(row.student))


def _name_key(student: Student) -> tuple[str, str, str, int]:
    person = student.person
    return (person.last_name, person.first_name, person.middle_name, student.pk)


def class_students(*, school_class: SchoolClass, on: date) -> QuerySet[Student]:
    """Students in the class on the date."""
    return (
        Student.objects.filter(
            Q(enrolments__ends_on__isnull=True) | Q(enrolments__ends_on__gte=on),
            enrolments__school_class=school_class,
            enrolments__starts_on__lte=on,
        )
        .select_related("person")
        .distinct()
    )


def is_in_group(*, student: Student, group: StudyGroup, on: date) -> bool:
    """Whether the student sat in this group on the date."""
    enrolled = ClassEnrolment.objects.filter(
        _overlapping(on, on), student=student, school_class_id=group.school_class_id
    )
    if not group.is_whole_class:
        enrolled = enrolled.filter(student__group_rows__group=group)
    return enrolled.exists()


@dataclass(frozen=True)
class DiaryChild:
    """A student whose diary the viewer may open, with the last day of their data."""

    student: Student
    school_class: SchoolClass | None
    until: date | None


def diary_children(member: Membership) -> list[DiaryChild]:
    """The student themself, or the parent's children in this organisation (2 queries)."""
    if member.is_archived or member.organization_id is None:
        return []
    if member.kind == Membership.Kind.STUDENT:
        students = Student.objects.filter(membership=member)
    elif member.kind == Membership.Kind.GUARDIAN:
        students = Student.objects.filter(
            pk__in=Guardianship.objects.filter(guardian_id=member.person_id).values("student"),
            organization_id=member.organization_id,
        )
    else:
        return []
    students = students.select_related("person").prefetch_related("enrolments__school_class")
    children = []
    for student in sorted(students, key=_name_key):
        enrolments = sorted(student.enrolments.all(), key=lambda row: row.starts_on)
        if not enrolments:
            continue
        last = enrolments[-1]
        children.append(
            DiaryChild(student=student, school_class=last.school_class, until=last.ends_on)
        )
    return children
