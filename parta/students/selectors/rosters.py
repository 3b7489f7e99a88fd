"""Who is in a class or a group on which dates, and whose diary a parent may open."""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from parta.identity.models import Membership
from parta.school.models import (
    AcademicYear,
    SchoolClass,
    StudyGroup,
    TeachingAssignment,
    TimetableEntry,
)
from parta.school.services.classes import active_teachers
from parta.school.services.transition import GRADUATING_GRADES, promoted_grade
from parta.students.models import ClassEnrolment, GroupMembership, Guardianship, Student


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


# --- The class card's students, subgroup lists, the transition preview ------------------------


@dataclass(frozen=True)
class ClassRosterRow:
    """A student of the class with their dates in it, parents and subgroups."""

    student: Student
    starts_on: date
    ends_on: date | None
    guardians: list[Guardianship]
    groups: list[StudyGroup]


@dataclass(frozen=True)
class GroupMembers:
    group: StudyGroup
    students: list[Student]


@dataclass(frozen=True)
class ClassRoster:
    """Who is in a class on a date, who was in it at other times of the year, and its subgroups."""

    school_class: SchoolClass
    on: date
    present: list[ClassRosterRow]
    others: list[ClassRosterRow]
    groups: list[GroupMembers]


def class_roster(*, school_class: SchoolClass, on: date) -> ClassRoster:
    """The class's students on the date with their join and leave dates, parents and subgroups,
    in four queries whatever the size of the class."""
    enrolments = list(
        ClassEnrolment.objects.filter(school_class=school_class)
        .select_related("student__person")
        .prefetch_related(
            Prefetch(
                "student__guardianships",
                queryset=Guardianship.objects.select_related("guardian").order_by(
                    "guardian__last_name", "guardian__first_name", "pk"
                ),
            )
        )
        .order_by("starts_on", "pk")
    )
    subgroups = list(
        StudyGroup.objects.filter(school_class=school_class, is_whole_class=False).order_by("name")
    )
    member_rows = GroupMembership.objects.filter(group__in=subgroups).values_list(
        "group_id", "student_id"
    )
    groups_of: dict[int, list[StudyGroup]] = {}
    by_id = {group.pk: group for group in subgroups}
    for group_id, student_id in member_rows:
        groups_of.setdefault(student_id, []).append(by_id[group_id])
    latest: dict[int, ClassEnrolment] = {}
    for enrolment in enrolments:
        if (
            enrolment.covers(on)
            or enrolment.student_id not in latest
            or not latest[enrolment.student_id].covers(on)
        ):
            latest[enrolment.student_id] = enrolment
    present, others = [], []
    for enrolment in latest.values():
        row = ClassRosterRow(
            student=enrolment.student,
            starts_on=enrolment.starts_on,
            ends_on=enrolment.ends_on,
            guardians=list(enrolment.student.guardianships.all()),
            groups=groups_of.get(enrolment.student_id, []),
        )
        (present if enrolment.covers(on) else others).append(row)
    present.sort(key=lambda row: _name_key(row.student))
    others.sort(key=lambda row: _name_key(row.student))
    members = [
        GroupMembers(
            group=group,
            students=[row.student for row in present if group in row.groups],
        )
        for group in subgroups
    ]
    return ClassRoster(
        school_class=school_class, on=on, present=present, others=others, groups=members
    )


@dataclass(frozen=True)
class GroupChecklist:
    """The class's students on a date, and which of them are on the subgroup's list."""

    group: StudyGroup
    on: date
    students: list[Student]
    member_ids: set[int]


def group_checklist(*, group: StudyGroup, on: date) -> GroupChecklist:
    """The checklist of a subgroup: the class's students on the date (two queries)."""
    students = sorted(class_students(school_class=group.school_class, on=on), key=_name_key)
    member_ids = set(group.member_rows.values_list("student_id", flat=True))
    return GroupChecklist(group=group, on=on, students=students, member_ids=member_ids)


@dataclass(frozen=True)
class PromotionRow:
    """One class of the old year: its students at the end and where they go."""

    school_class: SchoolClass
    students: list[Student]
    next_grade: int | None
    keeps_class_teacher: bool = True

    @property
    def next_name(self) -> str:
        if self.next_grade is None:
            return ""
        return f"{self.next_grade}{self.school_class.letter}"

    @property
    def graduates(self) -> bool:
        return self.school_class.grade in GRADUATING_GRADES


def year_end_rows(*, year: AcademicYear) -> list[PromotionRow]:
    """Every class of the year with the students still in it on the last day (their stay not
    closed), alphabetically, in two queries."""
    classes = list(
        SchoolClass.objects.filter(year=year)
        .select_related("class_teacher__person")
        .order_by("grade", "letter")
    )
    enrolments = (
        ClassEnrolment.objects.filter(
            school_class__year=year, ends_on__isnull=True, starts_on__lte=year.ends_on
        )
        .select_related("student__person")
        .order_by("pk")
    )
    students: dict[int, list[Student]] = {}
    for enrolment in enrolments:
        students.setdefault(enrolment.school_class_id, []).append(enrolment.student)
    return [
        PromotionRow(
            school_class=school_class,
            students=sorted(students.get(school_class.pk, []), key=_name_key),
            next_grade=promoted_grade(school_class.grade),
        )
        for school_class in classes
    ]


@dataclass(frozen=True)
class TransitionPreview:
    """What moving to the next year would do, read without writing anything."""

    year: AcademicYear
    rows: list[PromotionRow]
    repeaters: frozenset[int]
    assignments: int
    skipped_assignments: list[TeachingAssignment]
    timetable_entries: int

    def _count(self, rows: list[PromotionRow]) -> int:
        return sum(1 for row in rows for s in row.students if s.pk not in self.repeaters)

    @property
    def promoted_students(self) -> int:
        return self._count([r for r in self.rows if r.next_grade is not None])

    @property
    def graduating_students(self) -> int:
        return self._count([row for row in self.rows if row.graduates])

    @property
    def repeating_students(self) -> int:
        return sum(1 for row in self.rows for s in row.students if s.pk in self.repeaters)

    @property
    def students(self) -> list[Student]:
        return [student for row in self.rows for student in row.students]


def transition_preview(*, year: AcademicYear, repeaters: Iterable[int] = ()) -> TransitionPreview:
    """The year's classes with each student's fate — up a class, graduation from the 9th and
    11th, repeating when ticked — and the assignments that cannot be copied, in a fixed number
    of queries."""
    teachers = set(active_teachers(year.organization).values_list("pk", flat=True))
    rows = [
        replace(row, keeps_class_teacher=row.school_class.class_teacher_id in teachers)
        for row in year_end_rows(year=year)
    ]
    promoted_ids = [row.school_class.pk for row in rows if row.next_grade is not None]
    assignments = list(
        TeachingAssignment.objects.filter(group__school_class_id__in=promoted_ids)
        .select_related("group__school_class", "subject", "teacher__person")
        .order_by("group__school_class__grade", "group__school_class__letter", "subject__name")
    )
    copied = [a.pk for a in assignments if a.teacher_id in teachers]
    return TransitionPreview(
        year=year,
        rows=rows,
        repeaters=frozenset(repeaters),
        assignments=len(copied),
        skipped_assignments=[a for a in assignments if a.teacher_id not in teachers],
        timetable_entries=TimetableEntry.objects.filter(
            assignment_id__in=copied, ends_on__gte=year.ends_on
        ).count(),
    )


def years_to_move_from(organization_id: int) -> list[AcademicYear]:
    """The school's years not yet archived, latest first (the transition starts from one)."""
    return list(
        AcademicYear.objects.filter(organization_id=organization_id, is_archived=False)
        .select_related("organization")
        .order_by("-starts_on")
    )
