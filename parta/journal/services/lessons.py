"""Lessons follow the timetable: generated for the year, kept in step when the timetable changes.

Lessons that already hold a topic, homework, marks or attendance are never removed: past lessons
stay as they took place, and a change of the timetable moves only the empty future ones.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from parta.core import audit, calendar
from parta.identity.models import Membership
from parta.journal.models import Attendance, Homework, Lesson, Mark
from parta.school.models import AcademicYear, TimetableEntry
from parta.school.selectors.calendar import school_calendar


@dataclass(frozen=True)
class LessonSync:
    created: int
    updated: int
    removed: int
    kept: int


def _has_content() -> Q:
    return (
        ~Q(topic="")
        | Exists(Mark.objects.filter(lesson=OuterRef("pk")))
        | Exists(Attendance.objects.filter(lesson=OuterRef("pk")))
        | Exists(Homework.objects.filter(lesson=OuterRef("pk")))
    )


SYNC_ACTOR = audit.SystemActor("Расписание")


def refresh_lessons(*, year: AcademicYear) -> LessonSync | None:
    """Bring lessons in step with a changed timetable, holidays or transfers, once per change.

    The school app marks the year (`AcademicYear.mark_lessons_stale`); journal pages call this
    before reading lessons, so a change shows on the next page without a background worker.
    """
    if year.lessons_stale_from is None:
        return None
    with transaction.atomic():
        locked = AcademicYear.objects.select_for_update().get(pk=year.pk)
        if locked.lessons_stale_from is None:
            return None
        result = sync_lessons(actor=SYNC_ACTOR, year=locked, starts_on=locked.lessons_stale_from)
        locked.lessons_stale_from = None
        locked.save(update_fields=["lessons_stale_from"])
    year.lessons_stale_from = None
    return result


@transaction.atomic
def sync_lessons(
    *, actor: Membership | audit.SystemActor, year: AcademicYear, starts_on: date | None = None
) -> LessonSync:
    """Make the year's lessons from `starts_on` (today by default) match its timetable."""
    first = max(starts_on or calendar.today(), year.starts_on)
    school = school_calendar(year)
    entries = list(
        TimetableEntry.objects.filter(
            assignment__group__school_class__year=year, ends_on__gte=first
        ).select_related("assignment")
    )
    by_weekday: dict[int, list[TimetableEntry]] = {}
    for entry in entries:
        by_weekday.setdefault(entry.weekday, []).append(entry)
    wanted: dict[tuple[int, date, int], TimetableEntry] = {}
    for day, weekday in school.school_days(first, year.ends_on):
        for entry in by_weekday.get(weekday, ()):
            if entry.starts_on <= day <= entry.ends_on:
                wanted[(entry.assignment_id, day, entry.period)] = entry
    existing = Lesson.objects.filter(
        assignment__group__school_class__year=year, date__gte=first
    ).annotate(has_content=_has_content())
    to_update: list[Lesson] = []
    to_remove: list[int] = []
    kept = 0
    orphans: list[Lesson] = []
    fields = ("id", "assignment_id", "date", "period", "entry_id", "room", "teacher_id")
    for lesson in existing.only(*fields, "substitute_id"):
        entry = wanted.pop((lesson.assignment_id, lesson.date, lesson.period), None)
        if entry is None:
            orphans.append(lesson)
            continue
        # A substitution (замена) chose its own room: the timetable's does not override it.
        room = lesson.room if lesson.substitute_id else entry.room
        slot = (entry.pk, room, entry.assignment.teacher_id)
        if (lesson.entry_id, lesson.room, lesson.teacher_id) != slot:
            lesson.entry_id, lesson.room, lesson.teacher_id = slot
            to_update.append(lesson)
    for lesson in orphans:
        if not lesson.has_content:
            to_remove.append(lesson.pk)
            continue
        # A filled lesson moved to another period of the same day takes its content along.
        moved = next(
            (key for key in wanted if key[:2] == (lesson.assignment_id, lesson.date)), None
        )
        if moved is None:
            kept += 1
            continue
        entry = wanted.pop(moved)
        lesson.period, lesson.entry_id, lesson.room = moved[2], entry.pk, entry.room
        lesson.teacher_id = entry.assignment.teacher_id
        to_update.append(lesson)
    Lesson.objects.filter(pk__in=to_remove).delete()
    Lesson.objects.bulk_update(to_update, ["period", "entry", "room", "teacher"], batch_size=1000)
    Lesson.objects.bulk_create(
        [
            Lesson(
                organization_id=year.organization_id,
                assignment_id=entry.assignment_id,
                teacher_id=entry.assignment.teacher_id,
                entry=entry,
                date=day,
                period=period,
                room=entry.room,
            )
            for (_assignment, day, period), entry in wanted.items()
        ],
        batch_size=1000,
    )
    result = LessonSync(
        created=len(wanted), updated=len(to_update), removed=len(to_remove), kept=kept
    )
    if result.created or result.updated or result.removed:
        audit.record(
            actor=actor,
            action="journal.lessons_generated",
            target=year,
            after={
                "starts_on": first.isoformat(),
                "created": result.created,
                "updated": result.updated,
                "removed": result.removed,
                "kept": result.kept,
            },
            organization_id=year.organization_id,
        )
    return result
