"""Reads of «Классы»: the classes of a year by parallel, and one class's card (groups and
teaching assignments; its students are read by the students app)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from parta.core import calendar
from parta.identity.models import Membership
from parta.orgs.models import Organization, Subject
from parta.school import policies
from parta.school.models import AcademicYear, SchoolClass, StudyGroup, TeachingAssignment
from parta.school.policies import Action, can, visible_schools
from parta.school.selectors.calendar import years_current_first
from parta.school.services.classes import active_teachers, grade_range


def visible_school(*, viewer: Membership, organization_id: int) -> Organization | None:
    """The school if the viewer may see its structure (own school or a subordinate one)."""
    return (
        Organization.objects.filter(visible_schools(viewer, Action.VIEW_STRUCTURE))
        .filter(pk=organization_id)
        .first()
    )


def roster_day(year: AcademicYear, today: date | None = None) -> date:
    """The day whose class lists a year shows: today, or the nearest day of the year."""
    today = today or calendar.today()
    return min(max(today, year.starts_on), year.ends_on)


@dataclass(frozen=True)
class ClassRow:
    school_class: SchoolClass
    students: int
    subgroups: list[StudyGroup]


@dataclass(frozen=True)
class Parallel:
    grade: int
    rows: list[ClassRow]


@dataclass(frozen=True)
class ClassList:
    """«Классы» of one school and year: parallels with their classes."""

    organization: Organization
    years: list[AcademicYear]
    year: AcademicYear | None
    on: date | None
    parallels: list[Parallel]
    can_manage: bool
    can_open_classes: bool
    can_move_to_next_year: bool = False
    grades: tuple[int, int] = (1, 11)
    teachers: list[Membership] = field(default_factory=list)

    @property
    def class_count(self) -> int:
        return sum(len(parallel.rows) for parallel in self.parallels)


def class_list(
    *, viewer: Membership, organization: Organization, year_id: int | None = None
) -> ClassList | None:
    """The year's classes by parallel, each with its class teacher, students on the roster day and
    subgroups, in a fixed number of queries; None when the year is not the school's."""
    today = calendar.today()
    years = years_current_first(organization, today)
    if year_id is None:
        year = years[0] if years else None
    else:
        year = next((year for year in years if year.pk == year_id), None)
        if year is None:
            return None
    may_manage = can(viewer, Action.MANAGE_STRUCTURE, organization)
    own = viewer.organization_id == organization.pk
    if year is None:
        return ClassList(
            organization=organization,
            years=years,
            year=None,
            on=None,
            parallels=[],
            can_manage=False,
            can_open_classes=own,
            grades=grade_range(organization),
        )
    on = roster_day(year, today)
    # Enrolments belong to the students app; only their number is read here.
    present = Q(enrolments__starts_on__lte=on) & (
        Q(enrolments__ends_on__isnull=True) | Q(enrolments__ends_on__gte=on)
    )
    classes = (
        SchoolClass.objects.filter(year=year)
        .select_related("class_teacher__person")
        .annotate(students_now=Count("enrolments__student", filter=present, distinct=True))
        .prefetch_related(
            Prefetch(
                "groups",
                queryset=StudyGroup.objects.filter(is_whole_class=False).order_by("name"),
                to_attr="subgroups",
            )
        )
        .order_by("grade", "letter")
    )
    parallels: dict[int, list[ClassRow]] = {}
    for school_class in classes:
        school_class.year = year
        parallels.setdefault(school_class.grade, []).append(
            ClassRow(
                school_class=school_class,
                students=school_class.students_now,
                subgroups=school_class.subgroups,
            )
        )
    writable = may_manage and not year.is_archived
    return ClassList(
        organization=organization,
        years=years,
        year=year,
        on=on,
        parallels=[Parallel(grade=grade, rows=rows) for grade, rows in parallels.items()],
        can_manage=writable,
        can_open_classes=own and can(viewer, Action.VIEW_STRUCTURE, organization),
        # The move issues the year-end movement orders: the deputy head, who closes the year.
        can_move_to_next_year=writable and can(viewer, Action.CLOSE_TERMS, organization),
        grades=grade_range(organization),
        teachers=list(active_teachers(organization)) if writable else [],
    )


def visible_classes(viewer: Membership) -> QuerySet[SchoolClass]:
    """Classes whose card the viewer may open, with their year and school."""
    return SchoolClass.objects.filter(policies.visible_classes(viewer)).select_related(
        "year__organization", "organization", "class_teacher__person", "previous__year"
    )


def visible_groups(viewer: Membership) -> QuerySet[StudyGroup]:
    """Groups of the classes whose card the viewer may open."""
    return StudyGroup.objects.filter(
        school_class__in=SchoolClass.objects.filter(policies.visible_classes(viewer))
    ).select_related(
        "school_class__year__organization",
        "school_class__organization",
        "school_class__class_teacher__person",
    )


def visible_assignments(viewer: Membership) -> QuerySet[TeachingAssignment]:
    """Teaching assignments of the classes whose card the viewer may open."""
    return TeachingAssignment.objects.filter(
        group__school_class__in=SchoolClass.objects.filter(policies.visible_classes(viewer))
    ).select_related(
        "group__school_class__year__organization",
        "group__school_class__organization",
        "subject",
        "teacher__person",
    )


@dataclass(frozen=True)
class GroupRow:
    group: StudyGroup
    assignments: list[TeachingAssignment]


@dataclass(frozen=True)
class ClassCard:
    """One class: its subgroups and teaching assignments, and what the viewer may change."""

    school_class: SchoolClass
    year: AcademicYear
    on: date
    whole_class: StudyGroup | None
    subgroups: list[GroupRow]
    assignments: list[TeachingAssignment]
    can_manage: bool
    groups: list[StudyGroup] = field(default_factory=list)
    teachers: list[Membership] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)


def class_card(*, viewer: Membership, class_id: int) -> ClassCard | None:
    """The class card's school part in a fixed number of queries; None when not visible."""
    school_class = visible_classes(viewer).filter(pk=class_id).first()
    if school_class is None:
        return None
    year = school_class.year
    groups = list(school_class.groups.order_by("-is_whole_class", "name"))
    assignments = list(
        TeachingAssignment.objects.filter(group__school_class=school_class)
        .select_related("subject", "teacher__person")
        .order_by("subject__name", "group__name")
    )
    by_group: dict[int, list[TeachingAssignment]] = {}
    group_by_id = {group.pk: group for group in groups}
    for group in groups:
        group.school_class = school_class
    for assignment in assignments:
        assignment.group = group_by_id[assignment.group_id]
        by_group.setdefault(assignment.group_id, []).append(assignment)
    whole = next((group for group in groups if group.is_whole_class), None)
    may_manage = not year.is_archived and can(
        viewer, Action.MANAGE_STRUCTURE, school_class.organization
    )
    return ClassCard(
        school_class=school_class,
        year=year,
        on=roster_day(year),
        whole_class=whole,
        subgroups=[
            GroupRow(group=group, assignments=by_group.get(group.pk, []))
            for group in groups
            if not group.is_whole_class
        ],
        assignments=assignments,
        can_manage=may_manage,
        groups=groups,
        teachers=list(active_teachers(school_class.organization)) if may_manage else [],
        subjects=list(Subject.objects.order_by("name")) if may_manage else [],
    )
