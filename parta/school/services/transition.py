"""The school's part of the transition to the next academic year (seed 004, 3.3.3.2, «в части
перехода на следующий учебный год»).

The new year starts as a copy of the old one: the same kind of periods with the terms and
holidays a year later, the bell schedule, the curriculum, every class one parallel up (5«А» →
6«А») with its class teacher, subgroups, teaching assignments and timetable. The graduating
parallels 9 and 11 are not promoted: their students leave through graduation orders (seed 004,
3.3.3.2: «приказы о выпуске обучающихся из 9-х, либо из 11-х классов»), and 10th grades are formed
by enrolment orders. The students' part (enrolments in the new classes) lives in the students app,
which also orchestrates the whole transition in one transaction.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership
from parta.school.models import (
    TERM_COUNT,
    AcademicYear,
    BellPeriod,
    CurriculumLine,
    Holiday,
    SchoolClass,
    StudyGroup,
    TeachingAssignment,
    Term,
    TimetableEntry,
)
from parta.school.services.classes import active_teachers
from parta.school.services.guards import check_manage, locked_year

Actor = Membership | audit.SystemActor

#: Parallels whose students graduate by order instead of moving up a class.
GRADUATING_GRADES = frozenset({9, 11})
MAX_YEAR_DAYS = 366


def promoted_grade(grade: int) -> int | None:
    """The parallel a class moves to next year, or None when it graduates."""
    if grade in GRADUATING_GRADES or grade >= 12:
        return None
    return grade + 1


def next_year_dates(year: AcademicYear) -> tuple[date, date]:
    """The default dates of the year after this one: the same days a year later."""
    return _shifted(year.starts_on), _shifted(year.ends_on)


def _shifted(day: date) -> date:
    """The same day a year later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def check_new_year(year: AcademicYear, starts_on: date | None, ends_on: date | None) -> None:
    """Refuse dates that cannot hold the year after `year` (nothing is written)."""
    if starts_on is None or ends_on is None:
        raise ValidationError(
            _("Enter the first and the last day of the new academic year."), code="dates_missing"
        )
    if ends_on <= starts_on:
        raise ValidationError(
            _("The academic year must end after it starts."), code="year_dates_reversed"
        )
    if (ends_on - starts_on).days > MAX_YEAR_DAYS:
        raise ValidationError(
            _("An academic year cannot be longer than a calendar year."), code="year_too_long"
        )
    if starts_on <= year.ends_on:
        raise ValidationError(
            _("The new academic year must start after %(end)s, the last day of %(year)s.")
            % {"end": _day(year.ends_on), "year": year},
            code="year_not_after",
        )
    existing = (
        AcademicYear.objects.filter(organization_id=year.organization_id)
        .filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .first()
    )
    if existing is not None:
        raise ValidationError(
            _(
                "The school already has the academic year %(year)s (%(start)s – %(end)s) at those dates."
            )
            % {"year": existing, "start": _day(existing.starts_on), "end": _day(existing.ends_on)},
            code="year_exists",
        )


def _equal_terms(starts_on: date, ends_on: date, count: int) -> list[tuple[date, date]]:
    days = (ends_on - starts_on).days + 1
    bounds, start = [], starts_on
    for number in range(1, count + 1):
        end = starts_on + timedelta(days=days * number // count - 1)
        bounds.append((start, end))
        start = end + timedelta(days=1)
    return bounds


def _new_terms(year: AcademicYear, starts_on: date, ends_on: date) -> list[tuple[date, date]]:
    """The old terms a year later, kept inside the new year; equal parts if they do not fit."""
    count = TERM_COUNT[AcademicYear.TermKind(year.term_kind)]
    old = list(year.terms.order_by("number"))
    bounds = [
        (max(_shifted(term.starts_on), starts_on), min(_shifted(term.ends_on), ends_on))
        for term in old
    ]
    fits = len(bounds) == count and all(start <= end for start, end in bounds)
    fits = fits and all(bounds[i][1] < bounds[i + 1][0] for i in range(len(bounds) - 1))
    return bounds if fits else _equal_terms(starts_on, ends_on, count)


@dataclass(frozen=True)
class YearCopy:
    """What `copy_year` made: the new year and where each old class and group went."""

    old_year: AcademicYear
    year: AcademicYear
    classes: dict[int, SchoolClass] = field(default_factory=dict)
    groups: dict[int, StudyGroup] = field(default_factory=dict)
    not_promoted: list[SchoolClass] = field(default_factory=list)
    skipped_assignments: list[TeachingAssignment] = field(default_factory=list)


@transaction.atomic
def copy_year(*, actor: Actor, year: AcademicYear, starts_on: date, ends_on: date) -> YearCopy:
    """Open the next academic year as a copy of `year`, with every class one parallel up.

    A class teacher or a subject teacher who no longer works at the school is not carried over
    (the class is left without a class teacher, the assignment and its timetable are not copied).
    The new year's lessons are generated by the journal from its timetable (marked stale).
    """
    year = locked_year(year)
    check_manage(actor, year)
    check_new_year(year, starts_on, ends_on)
    organization = year.organization
    new_year = AcademicYear.objects.create(
        organization=organization, starts_on=starts_on, ends_on=ends_on, term_kind=year.term_kind
    )
    Term.objects.bulk_create(
        [
            Term(year=new_year, number=number, starts_on=start, ends_on=end)
            for number, (start, end) in enumerate(_new_terms(year, starts_on, ends_on), start=1)
        ]
    )
    holidays = []
    for holiday in year.holidays.all():
        first, last = _shifted(holiday.starts_on), _shifted(holiday.ends_on)
        first, last = max(first, starts_on), min(last, ends_on)
        if first <= last:
            holidays.append(
                Holiday(
                    year=new_year,
                    kind=holiday.kind,
                    name=holiday.name,
                    starts_on=first,
                    ends_on=last,
                )
            )
    Holiday.objects.bulk_create(holidays)
    BellPeriod.objects.bulk_create(
        [
            BellPeriod(
                year=new_year, number=bell.number, starts_at=bell.starts_at, ends_at=bell.ends_at
            )
            for bell in year.bells.all()
        ]
    )
    CurriculumLine.objects.bulk_create(
        [
            CurriculumLine(
                year=new_year,
                grade=line.grade,
                subject_id=line.subject_id,
                hours_per_week=line.hours_per_week,
                is_pass_fail=line.is_pass_fail,
            )
            for line in year.curriculum.all()
        ]
    )
    teachers = set(active_teachers(organization).values_list("pk", flat=True))
    result = YearCopy(old_year=year, year=new_year)
    old_classes = list(SchoolClass.objects.filter(year=year).order_by("grade", "letter"))
    for old in old_classes:
        grade = promoted_grade(old.grade)
        if grade is None:
            result.not_promoted.append(old)
            continue
        result.classes[old.pk] = SchoolClass.objects.create(
            year=new_year,
            organization=organization,
            grade=grade,
            letter=old.letter,
            class_teacher_id=old.class_teacher_id if old.class_teacher_id in teachers else None,
            previous=old,
        )
    old_groups = list(StudyGroup.objects.filter(school_class_id__in=list(result.classes)))
    for group in old_groups:
        result.groups[group.pk] = StudyGroup.objects.create(
            school_class=result.classes[group.school_class_id],
            name=group.name,
            is_whole_class=group.is_whole_class,
        )
    new_assignments: dict[int, TeachingAssignment] = {}
    old_assignments = TeachingAssignment.objects.filter(
        group_id__in=list(result.groups)
    ).select_related("group__school_class", "subject", "teacher__person")
    for assignment in old_assignments.order_by("pk"):
        if assignment.teacher_id not in teachers:
            result.skipped_assignments.append(assignment)
            continue
        new_assignments[assignment.pk] = TeachingAssignment.objects.create(
            group=result.groups[assignment.group_id],
            subject_id=assignment.subject_id,
            teacher_id=assignment.teacher_id,
            is_pass_fail=assignment.is_pass_fail,
        )
    # The timetable as it stood at the end of the old year, valid for the whole new one.
    entries = TimetableEntry.objects.filter(
        assignment_id__in=list(new_assignments), ends_on__gte=year.ends_on
    ).order_by("pk")
    TimetableEntry.objects.bulk_create(
        [
            TimetableEntry(
                assignment=new_assignments[entry.assignment_id],
                weekday=entry.weekday,
                period=entry.period,
                room=entry.room,
                starts_on=starts_on,
                ends_on=ends_on,
            )
            for entry in entries
        ]
    )
    new_year.mark_lessons_stale(since=starts_on)
    audit.record(
        actor=actor,
        action="school.year_transition",
        target=new_year,
        before={"year": str(year)},
        after={
            "year": str(new_year),
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "classes": {
                str(old): str(new)
                for old, new in (
                    (old, result.classes[old.pk]) for old in old_classes if old.pk in result.classes
                )
            },
            "not_promoted": [str(old) for old in result.not_promoted],
            "assignments_not_copied": [str(a) for a in result.skipped_assignments],
        },
        organization_id=organization.pk,
    )
    return result


@transaction.atomic
def archive_year(*, actor: Actor, year: AcademicYear) -> AcademicYear:
    """Close a finished year for good: from now on it can only be viewed."""
    year = locked_year(year)
    check_manage(actor, year)
    year.is_archived = True
    year.save(update_fields=["is_archived"])
    audit.record(
        actor=actor,
        action="school.year_archived",
        target=year,
        before={"is_archived": False},
        after={"is_archived": True},
        organization_id=year.organization_id,
    )
    return year
