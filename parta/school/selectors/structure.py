"""Reads of «Планирование»: a school's years with their calendar, bells and curriculum."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from parta.core import calendar
from parta.identity.models import Membership
from parta.orgs.models import Organization, Subject
from parta.school.models import (
    AcademicYear,
    BellPeriod,
    CurriculumLine,
    DayTransfer,
    Holiday,
    SchoolClass,
    Term,
)
from parta.school.policies import Action, can, visible_schools
from parta.school.selectors.calendar import years_current_first

#: Parallels of a general school, 1st to 11th.
ALL_GRADES = list(range(1, 12))


def visible_school(*, viewer: Membership, organization_id: int) -> Organization | None:
    """The school if the viewer may see its structure (own school or a subordinate one)."""
    return (
        Organization.objects.filter(visible_schools(viewer, Action.VIEW_STRUCTURE))
        .filter(pk=organization_id)
        .first()
    )


def _visible_organizations(viewer: Membership) -> QuerySet[Organization]:
    return Organization.objects.filter(visible_schools(viewer, Action.VIEW_STRUCTURE))


def visible_years(viewer: Membership) -> QuerySet[AcademicYear]:
    """Years of the schools whose structure the viewer may see."""
    return AcademicYear.objects.filter(
        organization__in=_visible_organizations(viewer)
    ).select_related("organization")


def visible_terms(viewer: Membership) -> QuerySet[Term]:
    return Term.objects.filter(year__in=visible_years(viewer)).select_related("year__organization")


def visible_holidays(viewer: Membership) -> QuerySet[Holiday]:
    return Holiday.objects.filter(year__in=visible_years(viewer)).select_related(
        "year__organization"
    )


def visible_transfers(viewer: Membership) -> QuerySet[DayTransfer]:
    return DayTransfer.objects.filter(year__in=visible_years(viewer)).select_related(
        "year__organization"
    )


def _pick_year(years: list[AcademicYear], year_id: int | None) -> AcademicYear | None:
    if year_id is None:
        return years[0] if years else None
    return next((year for year in years if year.pk == year_id), None)


@dataclass(frozen=True)
class CurriculumSummary:
    grade: int
    subjects: int
    hours: Decimal


@dataclass(frozen=True)
class PlanningPage:
    """Everything «Планирование» shows for one school and one of its years."""

    organization: Organization
    years: list[AcademicYear]
    year: AcademicYear | None
    today: date
    can_manage: bool
    can_close: bool
    can_create_year: bool
    terms: list[Term] = field(default_factory=list)
    holidays: list[Holiday] = field(default_factory=list)
    transfers: list[DayTransfer] = field(default_factory=list)
    bells: list[BellPeriod] = field(default_factory=list)
    curriculum: list[CurriculumSummary] = field(default_factory=list)

    def holiday(self, pk: int | None) -> Holiday | None:
        return next((holiday for holiday in self.holidays if holiday.pk == pk), None)

    def transfer(self, pk: int | None) -> DayTransfer | None:
        return next((transfer for transfer in self.transfers if transfer.pk == pk), None)


def planning_page(
    *, viewer: Membership, organization: Organization, year_id: int | None = None
) -> PlanningPage | None:
    """The school's years, current first, and the chosen year's calendar, bells and curriculum
    summary, in a fixed number of queries; None when the year is not the school's."""
    today = calendar.today()
    years = years_current_first(organization, today)
    year = _pick_year(years, year_id)
    if year_id is not None and year is None:
        return None
    may_manage = can(viewer, Action.MANAGE_STRUCTURE, organization)
    may_close = can(viewer, Action.CLOSE_TERMS, organization)
    if year is None:
        return PlanningPage(
            organization=organization,
            years=years,
            year=None,
            today=today,
            can_manage=False,
            can_close=False,
            can_create_year=may_manage,
        )
    writable = may_manage and not year.is_archived
    curriculum = [
        CurriculumSummary(grade=row["grade"], subjects=row["subjects"], hours=row["hours"])
        for row in CurriculumLine.objects.filter(year=year)
        .values("grade")
        .annotate(subjects=Count("id"), hours=Sum("hours_per_week"))
        .order_by("grade")
    ]
    return PlanningPage(
        organization=organization,
        years=years,
        year=year,
        today=today,
        can_manage=writable,
        can_close=may_close and not year.is_archived,
        can_create_year=may_manage,
        terms=list(year.terms.order_by("number")),
        holidays=list(year.holidays.order_by("starts_on", "pk")),
        transfers=list(year.transfers.order_by("on")),
        bells=list(year.bells.order_by("number")),
        curriculum=curriculum,
    )


@dataclass(frozen=True)
class CurriculumRow:
    subject: Subject
    cells: list[CurriculumLine | None]


@dataclass(frozen=True)
class CurriculumPage:
    """Учебный план of a year: parallels × subjects, and the lines of the parallel being edited."""

    organization: Organization
    years: list[AcademicYear]
    year: AcademicYear | None
    grades: list[int]
    rows: list[CurriculumRow]
    can_manage: bool
    grade: int | None = None
    subjects: list[Subject] = field(default_factory=list)
    lines: dict[int, CurriculumLine] = field(default_factory=dict)

    @property
    def all_grades(self) -> list[int]:
        return ALL_GRADES


def curriculum_page(
    *,
    viewer: Membership,
    organization: Organization,
    year_id: int | None = None,
    grade: int | None = None,
) -> CurriculumPage | None:
    """The year's curriculum table and, for a manager, the subject catalogue to edit one parallel;
    None when the year is not the school's."""
    years = years_current_first(organization, calendar.today())
    year = _pick_year(years, year_id)
    if year_id is not None and year is None:
        return None
    may_manage = (
        year is not None
        and not year.is_archived
        and can(viewer, Action.MANAGE_STRUCTURE, organization)
    )
    if year is None:
        return CurriculumPage(
            organization=organization, years=years, year=None, grades=[], rows=[], can_manage=False
        )
    lines = list(
        CurriculumLine.objects.filter(year=year).select_related("subject").order_by("grade")
    )
    class_grades = set(
        SchoolClass.objects.filter(year=year).values_list("grade", flat=True).distinct()
    )
    grades = sorted(class_grades | {line.grade for line in lines}) or ALL_GRADES
    if grade is not None and grade not in grades:
        grades = sorted({*grades, grade})
    by_subject: dict[int, dict[int, CurriculumLine]] = {}
    subjects: dict[int, Subject] = {}
    for line in lines:
        by_subject.setdefault(line.subject_id, {})[line.grade] = line
        subjects[line.subject_id] = line.subject
    rows = [
        CurriculumRow(subject=subject, cells=[by_subject[subject.pk].get(g) for g in grades])
        for subject in sorted(subjects.values(), key=lambda subject: subject.name)
    ]
    editing = grade if may_manage else None
    return CurriculumPage(
        organization=organization,
        years=years,
        year=year,
        grades=grades,
        rows=rows,
        can_manage=may_manage,
        grade=editing,
        subjects=list(Subject.objects.order_by("name")) if editing is not None else [],
        lines={line.subject_id: line for line in lines if line.grade == editing},
    )
