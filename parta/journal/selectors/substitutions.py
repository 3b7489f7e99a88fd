"""Замены: the school's lessons of a date with the teachers free to take them."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from parta.core import calendar
from parta.identity.models import Membership, MembershipRole, OrgRole
from parta.journal.locks import edit_block, term_on
from parta.journal.models import CorrectionPermit, Lesson
from parta.orgs.models import Organization
from parta.school.models import AcademicYear, BellPeriod, SchoolClass, Term
from parta.school.selectors.timetable import LessonChange


def active_teachers(*, organization_id: int, on: date) -> QuerySet[Membership]:
    """The school's staff in the teacher's role, working on the date."""
    return (
        Membership.objects.filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=on),
            Q(ends_on__isnull=True) | Q(ends_on__gte=on),
            Exists(MembershipRole.objects.filter(membership=OuterRef("pk"), role=OrgRole.TEACHER)),
            organization_id=organization_id,
            kind=Membership.Kind.STAFF,
            is_archived=False,
        )
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "person__middle_name", "pk")
    )


@dataclass(frozen=True)
class SubstitutionRow:
    lesson: Lesson
    bell: BellPeriod | None
    candidates: list[Membership]


@dataclass(frozen=True)
class ClassLessons:
    school_class: SchoolClass
    rows: list[SubstitutionRow]


@dataclass(frozen=True)
class SubstitutionDay:
    organization: Organization
    on: date
    year: AcademicYear | None
    term: Term | None
    #: Why the date's lessons cannot be changed (archived year, outside terms, closed term).
    block: str | None
    #: Lessons of a closed term still open under a correction permit.
    permitted_assignment_ids: frozenset[int]
    classes: list[ClassLessons] = field(default_factory=list)

    @property
    def lesson_count(self) -> int:
        return sum(len(group.rows) for group in self.classes)

    def row_of(self, lesson_id: int) -> SubstitutionRow | None:
        return next(
            (row for group in self.classes for row in group.rows if row.lesson.pk == lesson_id),
            None,
        )


def substitution_day(
    *, organization: Organization, year: AcademicYear | None, on: date, with_candidates: bool
) -> SubstitutionDay:
    """The date's lessons by class and period, with free teachers for each, in fixed queries."""
    if year is None or not year.contains(on):
        return SubstitutionDay(
            organization=organization,
            on=on,
            year=year,
            term=None,
            block=None,
            permitted_assignment_ids=frozenset(),
        )
    lessons = list(
        Lesson.objects.filter(organization_id=organization.pk, date=on)
        .select_related(
            "assignment__subject",
            "assignment__group__school_class__year",
            "teacher__person",
            "substitute__person",
        )
        .order_by(
            "assignment__group__school_class__grade",
            "assignment__group__school_class__letter",
            "period",
            "assignment__group__name",
        )
    )
    terms = list(year.terms.all())
    term = term_on(terms, on)
    block, permitted = _block(year, term, lessons)
    bells = {bell.number: bell for bell in year.bells.all()}
    teachers = (
        list(active_teachers(organization_id=organization.pk, on=on)) if with_candidates else []
    )
    busy: dict[int, set[int]] = {}
    for lesson in lessons:
        acting = lesson.substitute_id or lesson.teacher_id
        busy.setdefault(lesson.period, set()).add(acting)
    classes: list[ClassLessons] = []
    for lesson in lessons:
        school_class = lesson.assignment.group.school_class
        if not classes or classes[-1].school_class.pk != school_class.pk:
            classes.append(ClassLessons(school_class=school_class, rows=[]))
        taken = busy.get(lesson.period, set())
        candidates = [
            teacher
            for teacher in teachers
            if teacher.pk != lesson.teacher_id
            and (teacher.pk == lesson.substitute_id or teacher.pk not in taken)
        ]
        classes[-1].rows.append(
            SubstitutionRow(lesson=lesson, bell=bells.get(lesson.period), candidates=candidates)
        )
    return SubstitutionDay(
        organization=organization,
        on=on,
        year=year,
        term=term,
        block=block,
        permitted_assignment_ids=permitted,
        classes=classes,
    )


def _block(
    year: AcademicYear, term: Term | None, lessons: list[Lesson]
) -> tuple[str | None, frozenset[int]]:
    """The date's lock, once for all its lessons (they share the year and the term)."""
    if not lessons:
        return None, frozenset()
    if year.is_archived or term is None or not term.is_closed:
        return edit_block(assignment=lessons[0].assignment, term=term), frozenset()
    permitted = frozenset(
        CorrectionPermit.objects.filter(term=term, valid_until__gte=calendar.today()).values_list(
            "assignment_id", flat=True
        )
    )
    blocked = next((lesson for lesson in lessons if lesson.assignment_id not in permitted), None)
    if blocked is None:
        return None, permitted
    return edit_block(assignment=blocked.assignment, term=term), permitted


def lesson_of_school(*, organization: Organization, lesson_id: int) -> Lesson | None:
    """A lesson of the school, for setting its substitute."""
    return (
        Lesson.objects.filter(pk=lesson_id, organization_id=organization.pk)
        .select_related("assignment__group__school_class__year", "entry")
        .first()
    )


def week_changes(year: AcademicYear, starts_on: date, ends_on: date) -> list[LessonChange]:
    """The year's lessons with a substitute between the dates, for the timetable page."""
    lessons = (
        Lesson.objects.filter(
            assignment__group__school_class__year=year,
            date__range=(starts_on, ends_on),
            substitute__isnull=False,
        )
        .select_related("assignment__subject", "assignment__group__school_class")
        .select_related("substitute__person")
        .order_by("date", "period")
    )
    return [
        LessonChange(
            lesson_id=lesson.pk,
            on=lesson.date,
            period=lesson.period,
            assignment_id=lesson.assignment_id,
            school_class_id=lesson.assignment.group.school_class_id,
            teacher_id=lesson.teacher_id,
            substitute_id=lesson.substitute_id,
            substitute_name=lesson.substitute.person.short_name,
            subject=lesson.assignment.subject.name,
            group=str(lesson.assignment.group),
            room=lesson.room,
        )
        for lesson in lessons
    ]
