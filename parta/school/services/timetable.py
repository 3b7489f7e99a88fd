"""Changing the weekly timetable from a date: entries close and open, lessons follow.

Seed 004, 3.3.3.2: the deputy head creates and corrects the timetable. A change from a date
ends the old entry the day before and opens a new one, so lessons that already took place keep
the entry they were generated from; the journal brings later lessons in step
(`AcademicYear.mark_lessons_stale`).
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership
from parta.school.models import AcademicYear, TeachingAssignment, TimetableEntry, Weekday
from parta.school.services.guards import check_manage


def _entry_state(entry: TimetableEntry) -> dict:
    return {
        "assignment": str(entry.assignment),
        "teacher": entry.assignment.teacher.person.short_name,
        "weekday": entry.get_weekday_display(),
        "period": entry.period,
        "room": entry.room,
        "starts_on": entry.starts_on.isoformat(),
        "ends_on": entry.ends_on.isoformat(),
    }


def _day_name(weekday: int) -> str:
    return str(Weekday(weekday).label)


def _check_date(year: AcademicYear, starts_on: date) -> None:
    if not year.contains(starts_on):
        raise ValidationError(
            _("The date %(date)s is outside the academic year %(year)s (%(start)s – %(end)s).")
            % {
                "date": starts_on.strftime("%d.%m.%Y"),
                "year": year,
                "start": year.starts_on.strftime("%d.%m.%Y"),
                "end": year.ends_on.strftime("%d.%m.%Y"),
            },
            code="date_outside_year",
        )


def _lock_year(actor: Membership | audit.SystemActor, year: AcademicYear) -> AcademicYear:
    """The year row locked for the change, so two editors cannot book one slot at once."""
    locked = AcademicYear.objects.select_related("organization").select_for_update().get(pk=year.pk)
    check_manage(actor, locked)
    return locked


def _slot_entries(*, weekday: int, period: int, starts_on: date, ends_on: date):
    return (
        TimetableEntry.objects.filter(
            weekday=weekday, period=period, starts_on__lte=ends_on, ends_on__gte=starts_on
        )
        .select_related("assignment__subject", "assignment__group__school_class")
        .select_related("assignment__teacher__person")
        .order_by("starts_on", "pk")
    )


def _conflicts(
    *,
    year: AcademicYear,
    assignment: TeachingAssignment,
    weekday: int,
    period: int,
    room: str,
    starts_on: date,
    ends_on: date,
    replaces: TimetableEntry | None,
) -> list[ValidationError]:
    """What else already takes this group, teacher or room in the slot on overlapping dates."""
    errors: list[ValidationError] = []
    bells = set(year.bells.values_list("number", flat=True))
    if bells and period not in bells:
        errors.append(
            ValidationError(
                _("There is no lesson %(period)s in the bell schedule (lessons: %(numbers)s).")
                % {"period": period, "numbers": ", ".join(str(n) for n in sorted(bells))},
                code="period_not_in_bells",
            )
        )
    group = assignment.group
    school_class = group.school_class
    # A whole-class lesson takes every subgroup; two different subgroups may share a slot.
    same_group = Q(assignment__group__school_class=school_class)
    if not group.is_whole_class:
        same_group &= Q(assignment__group=group) | Q(assignment__group__is_whole_class=True)
    same_teacher = Q(assignment__teacher_id=assignment.teacher_id)
    same_room = (
        Q(room__iexact=room, assignment__group__school_class__organization_id=year.organization_id)
        if room
        else Q(pk__in=[])
    )
    others = _slot_entries(weekday=weekday, period=period, starts_on=starts_on, ends_on=ends_on)
    if replaces is not None:
        others = others.exclude(pk=replaces.pk)
    for other in others.filter(same_group | same_teacher | same_room):
        facts = {
            "day": _day_name(weekday),
            "period": period,
            "group": other.assignment.group,
            "subject": other.assignment.subject.name,
            "teacher": other.assignment.teacher.person.short_name,
            "room": other.room,
            "start": other.starts_on.strftime("%d.%m.%Y"),
            "end": other.ends_on.strftime("%d.%m.%Y"),
        }
        other_group = other.assignment.group
        # One message per clashing lesson, naming the first of: group, teacher, room.
        if other_group.school_class_id == school_class.pk and (
            group.is_whole_class or other_group.is_whole_class or other_group.pk == group.pk
        ):
            message = _(
                "%(group)s already has %(subject)s (%(teacher)s) at lesson %(period)s "
                "on %(day)s from %(start)s to %(end)s."
            )
            code = "group_busy"
        elif other.assignment.teacher_id == assignment.teacher_id:
            message = _(
                "%(teacher)s already teaches %(subject)s in %(group)s at lesson "
                "%(period)s on %(day)s from %(start)s to %(end)s."
            )
            code = "teacher_busy"
        else:
            message = _(
                "Room %(room)s is taken by %(group)s (%(subject)s, %(teacher)s) at lesson "
                "%(period)s on %(day)s from %(start)s to %(end)s."
            )
            code = "room_busy"
        errors.append(ValidationError(message % facts, code=code))
    return errors


@transaction.atomic
def save_entry(
    *,
    actor: Membership | audit.SystemActor,
    assignment: TeachingAssignment,
    weekday: int,
    period: int,
    room: str,
    starts_on: date,
    replaces: TimetableEntry | None = None,
) -> TimetableEntry:
    """Put a lesson of a class into the weekly timetable from a date, or change one from a date.

    The changed entry ends the day before `starts_on` (or goes, when it would only have started
    then); the new one runs from `starts_on` to the end of the changed entry, or of the year.
    """
    year = _lock_year(actor, assignment.group.school_class.year)
    room = (room or "").strip()
    if weekday not in Weekday.values:
        raise ValidationError(
            _("Lessons take place from Monday to Saturday: choose one of these days."),
            code="bad_weekday",
        )
    if period < 1:
        raise ValidationError(_("The lesson number must be 1 or more."), code="bad_period")
    _check_date(year, starts_on)
    ends_on = year.ends_on
    if replaces is not None:
        replaces = (
            TimetableEntry.objects.select_for_update()
            .select_related("assignment__group__school_class", "assignment__subject")
            .select_related("assignment__teacher__person")
            .get(pk=replaces.pk)
        )
        if replaces.assignment.group.school_class_id != assignment.group.school_class_id:
            raise ValidationError(
                _("A lesson of %(class)s can only be changed into a lesson of the same class.")
                % {"class": replaces.assignment.group.school_class},
                code="other_class",
            )
        if replaces.ends_on < starts_on:
            raise ValidationError(
                _("This lesson is no longer in the timetable on %(date)s.")
                % {"date": starts_on.strftime("%d.%m.%Y")},
                code="entry_ended",
            )
        ends_on = replaces.ends_on
        unchanged = (
            replaces.assignment_id == assignment.pk
            and (replaces.weekday, replaces.period, replaces.room) == (weekday, period, room)
            and replaces.starts_on <= starts_on
        )
        if unchanged:
            return replaces
    errors = _conflicts(
        year=year,
        assignment=assignment,
        weekday=weekday,
        period=period,
        room=room,
        starts_on=starts_on,
        ends_on=ends_on,
        replaces=replaces,
    )
    if errors:
        raise ValidationError(errors)
    before = None
    if replaces is not None:
        before = _entry_state(replaces)
        _end_entry(replaces, starts_on)
    entry = TimetableEntry.objects.create(
        assignment=assignment,
        weekday=weekday,
        period=period,
        room=room,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    year.mark_lessons_stale(since=starts_on)
    _keep_in_step(assignment.group.school_class.year, year)
    audit.record(
        actor=actor,
        action="school.timetable_changed",
        target=entry,
        before=before,
        after=_entry_state(entry),
        organization_id=year.organization_id,
    )
    return entry


@transaction.atomic
def remove_entry(
    *, actor: Membership | audit.SystemActor, entry: TimetableEntry, starts_on: date
) -> None:
    """Take a lesson out of the weekly timetable from a date; earlier weeks keep it."""
    entry = (
        TimetableEntry.objects.select_for_update()
        .select_related("assignment__group__school_class__year", "assignment__subject")
        .select_related("assignment__teacher__person")
        .get(pk=entry.pk)
    )
    year = _lock_year(actor, entry.assignment.group.school_class.year)
    _check_date(year, starts_on)
    if entry.ends_on < starts_on:
        raise ValidationError(
            _("This lesson is no longer in the timetable on %(date)s.")
            % {"date": starts_on.strftime("%d.%m.%Y")},
            code="entry_ended",
        )
    audit.record(
        actor=actor,
        action="school.timetable_entry_removed",
        target=entry,
        before=_entry_state(entry),
        after={"removed_from": starts_on.isoformat()},
        organization_id=year.organization_id,
    )
    _end_entry(entry, starts_on)
    year.mark_lessons_stale(since=starts_on)


def _end_entry(entry: TimetableEntry, starts_on: date) -> None:
    """Close the entry the day before the date, or delete it when it starts on or after it."""
    if entry.starts_on >= starts_on:
        entry.delete()
    else:
        entry.ends_on = starts_on - timedelta(days=1)
        entry.save(update_fields=["ends_on"])


def _keep_in_step(held: AcademicYear, locked: AcademicYear) -> None:
    """Let the caller's copy of the year see the stale mark, so `refresh_lessons` acts on it."""
    held.lessons_stale_from = locked.lessons_stale_from
