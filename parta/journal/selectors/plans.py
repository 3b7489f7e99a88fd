"""Lesson plans (КТП): a teacher's plans of the year against the curriculum and the lessons
their journals have, and one plan with its topics."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from parta.identity.models import Membership
from parta.journal import policies
from parta.journal.models import Lesson, LessonPlan, LessonPlanItem
from parta.orgs.models import Subject
from parta.school.models import AcademicYear, CurriculumLine, TeachingAssignment
from parta.school.policies import is_teacher


@dataclass
class PlanJournal:
    """A journal the plan fills: one group's lessons of the subject in the year."""

    assignment: TeachingAssignment
    lessons: int = 0
    without_topic: int = 0


@dataclass
class PlanSummary:
    """A teacher's subject in a parallel: the plan (if started) against the curriculum."""

    teacher: Membership
    subject: Subject
    grade: int
    plan: LessonPlan | None = None
    topics: int = 0
    hours: int = 0
    hours_per_week: Decimal | None = None
    journals: list[PlanJournal] = field(default_factory=list)

    @property
    def lessons(self) -> int:
        """The most lessons any of the teacher's groups has in the year."""
        return max((journal.lessons for journal in self.journals), default=0)

    @property
    def covers_lessons(self) -> bool:
        return self.hours >= self.lessons


@dataclass
class PlansIndex:
    year: AcademicYear
    rows: list[PlanSummary]
    is_leader: bool
    teachers: list[Membership]
    teacher: Membership | None


@dataclass
class PlanPage:
    plan: LessonPlan
    items: list[LessonPlanItem]
    summary: PlanSummary
    can_manage: bool


def _assignments() -> QuerySet[TeachingAssignment]:
    return TeachingAssignment.objects.select_related(
        "group__school_class", "subject", "teacher__person"
    ).order_by("group__school_class__grade", "group__school_class__letter", "group__name")


def _journals(assignments: list[TeachingAssignment]) -> dict[int, PlanJournal]:
    counts = (
        Lesson.objects.filter(assignment__in=[a.pk for a in assignments])
        .values("assignment")
        .annotate(total=Count("id"), without_topic=Count("id", filter=Q(topic="")))
        .values_list("assignment", "total", "without_topic")
    )
    journals = {assignment.pk: PlanJournal(assignment=assignment) for assignment in assignments}
    for assignment_id, total, without_topic in counts:
        journals[assignment_id].lessons = total
        journals[assignment_id].without_topic = without_topic
    return journals


def _curriculum(year: AcademicYear) -> dict[tuple[int, int], Decimal]:
    return {
        (grade, subject_id): hours
        for grade, subject_id, hours in CurriculumLine.objects.filter(year=year).values_list(
            "grade", "subject_id", "hours_per_week"
        )
    }


def plans_index(*, viewer: Membership, year: AcademicYear, teacher_id: int | None) -> PlansIndex:
    """Plans of the year by teacher, subject and parallel, in five queries: a teacher's own, or
    the whole school's for its leaders (optionally one teacher's)."""
    is_leader = policies.can_view_school_plans(viewer, year.organization)
    school_assignments = _assignments().filter(group__school_class__year=year)
    if not is_leader:
        teacher_id = viewer.pk if is_teacher(viewer) else -1
        school_assignments = school_assignments.filter(teacher_id=teacher_id)
    assignments = list(school_assignments)
    teachers = {a.teacher_id: a.teacher for a in assignments}
    plans = list(
        LessonPlan.objects.filter(policies.visible_plans(viewer), year=year)
        .select_related("subject", "teacher__person")
        .annotate(topic_count=Count("items"), hour_count=Sum("items__hours"))
    )
    teachers.update({plan.teacher_id: plan.teacher for plan in plans})
    if teacher_id is not None:
        assignments = [a for a in assignments if a.teacher_id == teacher_id]
        plans = [plan for plan in plans if plan.teacher_id == teacher_id]
    curriculum = _curriculum(year)
    journals = _journals(assignments)
    rows: dict[tuple[int, int, int], PlanSummary] = {}
    for assignment in assignments:
        key = (assignment.teacher_id, assignment.subject_id, assignment.group.school_class.grade)
        row = rows.setdefault(
            key,
            PlanSummary(
                teacher=assignment.teacher,
                subject=assignment.subject,
                grade=key[2],
                hours_per_week=curriculum.get((key[2], key[1])),
            ),
        )
        row.journals.append(journals[assignment.pk])
    for plan in plans:
        key = (plan.teacher_id, plan.subject_id, plan.grade)
        row = rows.setdefault(
            key,
            PlanSummary(
                teacher=plan.teacher,
                subject=plan.subject,
                grade=plan.grade,
                hours_per_week=curriculum.get((plan.grade, plan.subject_id)),
            ),
        )
        row.plan, row.topics, row.hours = plan, plan.topic_count, plan.hour_count or 0
    ordered = sorted(
        rows.values(),
        key=lambda row: (row.teacher.person.short_name, row.grade, row.subject.name),
    )
    return PlansIndex(
        year=year,
        rows=ordered,
        is_leader=is_leader,
        teachers=sorted(teachers.values(), key=lambda member: member.person.short_name),
        teacher=teachers.get(teacher_id) if teacher_id is not None else None,
    )


def visible_plans(viewer: Membership) -> QuerySet[LessonPlan]:
    """Plans the viewer may open, ready for `plan_page` (a 404 for any other)."""
    return LessonPlan.objects.filter(policies.visible_plans(viewer)).select_related(
        "year__organization", "subject", "teacher__person"
    )


def plan_assignments(plan: LessonPlan) -> QuerySet[TeachingAssignment]:
    """The plan teacher's journals of the plan's subject in its parallel."""
    return _assignments().filter(
        teacher_id=plan.teacher_id,
        subject_id=plan.subject_id,
        group__school_class__year_id=plan.year_id,
        group__school_class__grade=plan.grade,
    )


def plan_items(plan: LessonPlan) -> list[LessonPlanItem]:
    """The plan's topics in order."""
    return list(plan.items.order_by("number"))


def plan_page(*, viewer: Membership, plan: LessonPlan) -> PlanPage:
    """A plan's topics and the journals it fills, in four queries whatever its size."""
    items = plan_items(plan)
    assignments = list(plan_assignments(plan))
    line = (
        CurriculumLine.objects.filter(
            year_id=plan.year_id, grade=plan.grade, subject=plan.subject_id
        )
        .values_list("hours_per_week", flat=True)
        .first()
    )
    summary = PlanSummary(
        teacher=plan.teacher,
        subject=plan.subject,
        grade=plan.grade,
        plan=plan,
        topics=len(items),
        hours=sum(item.hours for item in items),
        hours_per_week=line,
        journals=list(_journals(assignments).values()),
    )
    return PlanPage(
        plan=plan,
        items=items,
        summary=summary,
        can_manage=policies.can_manage_plan(viewer, plan),
    )
