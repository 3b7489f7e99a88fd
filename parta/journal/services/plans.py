"""Календарно-тематическое планирование: a teacher's topics for a subject in a parallel, and
filling the topics of lessons from it.

Seed 004, 3.3.5: the teacher enters the КТП by class and subject; the topics then go into the
journal's lessons in order, an item of N hours taking N lessons.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership
from parta.journal import policies
from parta.journal.locks import edit_block, term_on
from parta.journal.models import Homework, Lesson, LessonPlan, LessonPlanItem
from parta.journal.plan_files import PlanRow, read_plan
from parta.orgs.models import Subject
from parta.school.models import AcademicYear, TeachingAssignment
from parta.school.policies import is_teacher

MAX_TOPIC_LENGTH = 500
MAX_HOMEWORK_LENGTH = 500
MIN_HOURS = 1
MAX_HOURS = 10


@dataclass(frozen=True)
class PlanApplied:
    """What filling the topics of one journal from a plan did."""

    filled: int
    homework_added: int
    hours_left: int
    first_on: date | None = None
    last_on: date | None = None


def _row_errors(rows: Sequence[PlanRow]) -> list[ValidationError]:
    """Every mistake of every row, each with its code and the row (`params["row"]`)."""
    errors: list[ValidationError] = []

    def error(message: str, code: str, row: PlanRow, **params: object) -> None:
        errors.append(ValidationError(message, code=code, params={"row": row.line, **params}))

    for position, row in enumerate(rows, start=1):
        if not row.topic.strip():
            error(_("Row %(row)s: the topic is missing."), "topic_missing", row)
        elif len(row.topic) > MAX_TOPIC_LENGTH:
            error(
                _("Row %(row)s: the topic is longer than %(limit)s characters."),
                "topic_too_long",
                row,
                limit=MAX_TOPIC_LENGTH,
            )
        if row.hours is None or not MIN_HOURS <= row.hours <= MAX_HOURS:
            error(
                _(
                    "Row %(row)s: hours must be a whole number from %(min)s to %(max)s, not «%(value)s»."
                ),
                "hours_invalid",
                row,
                min=MIN_HOURS,
                max=MAX_HOURS,
                value=row.hours_text or row.hours,
            )
        if len(row.homework) > MAX_HOMEWORK_LENGTH:
            error(
                _("Row %(row)s: the homework is longer than %(limit)s characters."),
                "homework_too_long",
                row,
                limit=MAX_HOMEWORK_LENGTH,
            )
        if row.number is None and row.number_text:
            error(
                _("Row %(row)s: the number «%(value)s» is not a whole number."),
                "number_invalid",
                row,
                value=row.number_text,
            )
        elif row.number is not None and row.number != position:
            error(
                _(
                    "Row %(row)s: number %(number)s where %(expected)s is expected: the topics "
                    "are numbered 1, 2, 3… without gaps or repeats."
                ),
                "number_out_of_order",
                row,
                number=row.number,
                expected=position,
            )
    return errors


def _locked_plan(*, actor: Membership, plan: LessonPlan) -> LessonPlan:
    plan = (
        LessonPlan.objects.select_for_update(of=("self",))
        .select_related("year__organization", "subject")
        .get(pk=plan.pk)
    )
    if not policies.can_manage_plan(actor, plan):
        raise PermissionDenied
    return plan


def _summary(items: Sequence[LessonPlanItem]) -> dict[str, int]:
    return {"plan_topics": len(items), "plan_hours": sum(item.hours for item in items)}


def _replace_items(
    *, actor: Membership, plan: LessonPlan, rows: Sequence[PlanRow], action: str
) -> list[LessonPlanItem]:
    errors = _row_errors(rows)
    if errors:
        raise ValidationError(errors)
    before = list(plan.items.order_by("number"))
    items = [
        LessonPlanItem(
            plan=plan,
            number=position,
            topic=" ".join(row.topic.split()),
            hours=row.hours,
            homework=row.homework.strip(),
        )
        for position, row in enumerate(rows, start=1)
    ]

    def content(rows: Sequence[LessonPlanItem]) -> list[tuple]:
        return [(item.number, item.topic, item.hours, item.homework) for item in rows]

    if action == "journal.plan_saved" and content(before) == content(items):
        return before
    plan.items.all().delete()
    created = LessonPlanItem.objects.bulk_create(items)
    audit.record(
        actor=actor,
        action=action,
        target=plan,
        before=_summary(before),
        after=_summary(created),
        organization_id=plan.year.organization_id,
    )
    return created


def _teaches(*, actor: Membership, year: AcademicYear, subject: Subject, grade: int) -> bool:
    return TeachingAssignment.objects.filter(
        teacher=actor,
        subject=subject,
        group__school_class__year=year,
        group__school_class__grade=grade,
    ).exists()


@transaction.atomic
def create_plan(
    *, actor: Membership, year: AcademicYear, subject: Subject, grade: int
) -> LessonPlan:
    """Start the teacher's plan for a subject in a parallel they teach (or return the existing
    one)."""
    if not is_teacher(actor) or actor.organization_id != year.organization_id:
        raise PermissionDenied
    if year.is_archived:
        raise ValidationError(
            _("The academic year %(year)s is archived.") % {"year": year}, code="year_archived"
        )
    if not _teaches(actor=actor, year=year, subject=subject, grade=grade):
        raise ValidationError(
            _("You do not teach %(subject)s in grade %(grade)s this year.")
            % {"subject": subject, "grade": grade},
            code="not_taught",
        )
    plan, created = LessonPlan.objects.get_or_create(
        year=year, teacher=actor, subject=subject, grade=grade
    )
    if created:
        audit.record(
            actor=actor,
            action="journal.plan_created",
            target=plan,
            after={"subject": subject.name, "grade": grade},
            organization_id=year.organization_id,
        )
    return plan


@transaction.atomic
def save_plan_items(
    *, actor: Membership, plan: LessonPlan, rows: Sequence[PlanRow]
) -> list[LessonPlanItem]:
    """Replace the plan's topics with the rows, in their order; nothing changes on any error."""
    plan = _locked_plan(actor=actor, plan=plan)
    return _replace_items(actor=actor, plan=plan, rows=rows, action="journal.plan_saved")


@transaction.atomic
def import_plan_items(*, actor: Membership, plan: LessonPlan, upload) -> list[LessonPlanItem]:
    """Replace the plan's topics with those of an .xlsx file, every row checked first."""
    plan = _locked_plan(actor=actor, plan=plan)
    rows = read_plan(upload)
    return _replace_items(actor=actor, plan=plan, rows=rows, action="journal.plan_imported")


@transaction.atomic
def apply_plan(
    *, actor: Membership, plan: LessonPlan, assignment: TeachingAssignment
) -> PlanApplied:
    """Fill the topics of a journal's lessons from the plan, in date order.

    The plan lines up with the year's lessons by position: an item of N hours takes the next N
    lessons. Lessons that already have a topic keep it and lessons of closed terms are not
    touched, but both use up their place, so filling again later continues where the plan
    stands instead of starting over. The item's homework becomes the lesson's common homework
    when it has none.
    """
    plan = _locked_plan(actor=actor, plan=plan)
    assignment = TeachingAssignment.objects.select_related("group__school_class__year").get(
        pk=assignment.pk
    )
    school_class = assignment.group.school_class
    if assignment.teacher_id != actor.pk or school_class.organization_id != actor.organization_id:
        raise PermissionDenied
    if (
        assignment.subject_id != plan.subject_id
        or school_class.grade != plan.grade
        or school_class.year_id != plan.year_id
    ):
        raise ValidationError(
            _("The journal %(journal)s is not of this plan's subject and parallel.")
            % {"journal": assignment},
            code="plan_mismatch",
        )
    items = list(plan.items.order_by("number"))
    if not items:
        raise ValidationError(_("The plan has no topics yet."), code="plan_empty")
    terms = list(school_class.year.terms.all())
    blocks = {term.pk: edit_block(assignment=assignment, term=term) for term in terms}
    lessons = (
        Lesson.objects.select_for_update(of=("self",))
        .filter(assignment=assignment)
        .annotate(
            has_homework=Exists(
                Homework.objects.filter(lesson=OuterRef("pk"), student__isnull=True)
            )
        )
        .order_by("date", "period")
    )
    slots = [item for item in items for _hour in range(item.hours)]
    lessons = list(lessons)
    filled: list[Lesson] = []
    homework: list[Homework] = []
    now = timezone.now()
    for lesson, item in zip(lessons, slots, strict=False):
        term = term_on(terms, lesson.date)
        if lesson.topic or term is None or blocks[term.pk]:
            continue
        lesson.topic = item.topic[:MAX_TOPIC_LENGTH]
        lesson.updated_at = now
        filled.append(lesson)
        if item.homework and not lesson.has_homework:
            homework.append(Homework(lesson=lesson, text=item.homework))
    Lesson.objects.bulk_update(filled, ["topic", "updated_at"], batch_size=500)
    Homework.objects.bulk_create(homework, batch_size=500)
    result = PlanApplied(
        filled=len(filled),
        homework_added=len(homework),
        hours_left=max(0, len(slots) - len(lessons)),
        first_on=filled[0].date if filled else None,
        last_on=filled[-1].date if filled else None,
    )
    if filled:
        audit.record(
            actor=actor,
            action="journal.plan_applied",
            target=plan,
            after={
                "plan_journal": str(assignment),
                "lessons_filled": result.filled,
                "homework_added": result.homework_added,
                "first_lesson_on": result.first_on.isoformat(),
                "last_lesson_on": result.last_on.isoformat(),
            },
            organization_id=plan.year.organization_id,
        )
    return result
