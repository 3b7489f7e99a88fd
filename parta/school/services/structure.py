"""The deputy head's «Планирование»: the academic year, its terms, holidays, day transfers, bells
and the curriculum (seed 004, 3.3.3.2).

Every change to the calendar of a year (terms, holidays, transfers) marks the year's lessons
stale from the earliest date it touches, so the journal regenerates them on its next page.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parta.core import audit, calendar
from parta.identity.models import Membership
from parta.orgs.models import Organization, Subject
from parta.school.models import (
    TERM_COUNT,
    AcademicYear,
    BellPeriod,
    CurriculumLine,
    DayTransfer,
    Holiday,
    Term,
    TimetableEntry,
    Weekday,
)
from parta.school.policies import Action, can
from parta.school.selectors.structure import ALL_GRADES
from parta.school.services.guards import check_manage, locked_year, taken_by_another

Actor = Membership | audit.SystemActor

#: Seed 004, 3.3.3.2: holidays are entered no later than two weeks before they start.
HOLIDAY_NOTICE = timedelta(days=14)
#: Seed 004, 3.3.3.2: a day transfer is entered no later than two working days before the day.
TRANSFER_NOTICE_WORKING_DAYS = 2


T = TypeVar("T")


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What a write changed: the row, whether it is new, and a regulation warning, if any."""

    row: T
    created: bool = False
    changed: bool = True
    warning: str | None = None


@dataclass(frozen=True)
class YearCreated:
    year: AcademicYear
    terms: list[Term] = field(default_factory=list)


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _check_inside_year(year: AcademicYear, starts_on: date, ends_on: date, what: str) -> None:
    if not (year.contains(starts_on) and year.contains(ends_on)):
        raise ValidationError(
            _("%(what)s must lie inside the academic year %(year)s (%(start)s – %(end)s).")
            % {
                "what": what,
                "year": year,
                "start": _day(year.starts_on),
                "end": _day(year.ends_on),
            },
            code="outside_year",
        )


def _check_order(starts_on: date, ends_on: date, what: str) -> None:
    if starts_on > ends_on:
        raise ValidationError(
            _("%(what)s: the first day %(start)s comes after the last day %(end)s.")
            % {"what": what, "start": _day(starts_on), "end": _day(ends_on)},
            code="dates_reversed",
        )


# --- Year -------------------------------------------------------------------------------------


def default_term_boundaries(
    starts_on: date, ends_on: date, term_kind: str
) -> list[tuple[date, date]]:
    """The year cut into its number of terms of nearly equal length, one after another."""
    count = TERM_COUNT[AcademicYear.TermKind(term_kind)]
    days = (ends_on - starts_on).days + 1
    boundaries = []
    start = starts_on
    for number in range(1, count + 1):
        end = starts_on + timedelta(days=days * number // count - 1)
        boundaries.append((start, end))
        start = end + timedelta(days=1)
    return boundaries


@transaction.atomic
def create_year(
    *, actor: Actor, organization: Organization, starts_on: date, ends_on: date, term_kind: str
) -> YearCreated:
    """Open a new academic year of the school with its default terms (editable afterwards)."""
    year = AcademicYear(
        organization=organization, starts_on=starts_on, ends_on=ends_on, term_kind=term_kind
    )
    check_manage(actor, year)
    if term_kind not in AcademicYear.TermKind.values:
        raise ValidationError(_("Choose the kind of periods."), code="term_kind")
    if ends_on <= starts_on:
        raise ValidationError(
            _("The academic year must end after it starts."), code="year_dates_reversed"
        )
    if (ends_on - starts_on).days > 366:
        raise ValidationError(
            _("An academic year cannot be longer than a calendar year."), code="year_too_long"
        )
    overlapping = (
        AcademicYear.objects.select_for_update()
        .filter(organization=organization, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            _("The dates overlap the academic year %(year)s (%(start)s – %(end)s) of this school.")
            % {
                "year": overlapping,
                "start": _day(overlapping.starts_on),
                "end": _day(overlapping.ends_on),
            },
            code="year_overlap",
        )
    year.save()
    terms = Term.objects.bulk_create(
        [
            Term(year=year, number=number, starts_on=start, ends_on=end)
            for number, (start, end) in enumerate(
                default_term_boundaries(starts_on, ends_on, term_kind), start=1
            )
        ]
    )
    audit.record(
        actor=actor,
        action="school.year_saved",
        target=year,
        after={
            **audit.snapshot(year, ["starts_on", "ends_on", "term_kind"]),
            "terms": [[t.starts_on.isoformat(), t.ends_on.isoformat()] for t in terms],
        },
        organization_id=organization.pk,
    )
    return YearCreated(year=year, terms=terms)


# --- Terms ------------------------------------------------------------------------------------


def _term_label(year: AcademicYear, number: int) -> str:
    return Term(year=year, number=number).name


def _validate_terms(year: AcademicYear, boundaries: Sequence[tuple[date, date]]) -> None:
    count = TERM_COUNT[AcademicYear.TermKind(year.term_kind)]
    if len(boundaries) != count:
        raise ValidationError(
            _("A year in %(kind)s has %(count)s periods, not %(given)s.")
            % {"kind": year.get_term_kind_display(), "count": count, "given": len(boundaries)},
            code="term_count",
        )
    for number, (start, end) in enumerate(boundaries, start=1):
        label = _term_label(year, number)
        if start is None or end is None:
            raise ValidationError(
                _("%(term)s: enter both its first and last day.") % {"term": label},
                code="term_dates_missing",
            )
        _check_order(start, end, label)
        _check_inside_year(year, start, end, label)
    for number in range(1, count):
        (start, end), (next_start, next_end) = boundaries[number - 1], boundaries[number]
        if next_start <= end:
            code = "term_overlap" if next_end >= start else "term_order"
            message = (
                _(
                    "%(first)s (%(start)s – %(end)s) overlaps %(second)s (%(next_start)s – %(next_end)s)."
                )
                if code == "term_overlap"
                else _(
                    "%(second)s (%(next_start)s – %(next_end)s) must come after %(first)s (%(start)s – %(end)s)."
                )
            )
            raise ValidationError(
                message
                % {
                    "first": _term_label(year, number),
                    "second": _term_label(year, number + 1),
                    "start": _day(start),
                    "end": _day(end),
                    "next_start": _day(next_start),
                    "next_end": _day(next_end),
                },
                code=code,
            )


@transaction.atomic
def save_terms(
    *, actor: Actor, year: AcademicYear, boundaries: Sequence[tuple[date, date]]
) -> list[Term]:
    """Set the boundaries of the year's terms; returns the terms whose dates changed."""
    year = locked_year(year)
    check_manage(actor, year)
    _validate_terms(year, boundaries)
    terms = {term.number: term for term in Term.objects.select_for_update().filter(year=year)}
    before = [
        [t.starts_on.isoformat(), t.ends_on.isoformat()]
        for t in sorted(terms.values(), key=lambda t: t.number)
    ]
    changed: list[Term] = []
    earliest: date | None = None
    for number, (start, end) in enumerate(boundaries, start=1):
        term = terms.get(number) or Term(year=year, number=number)
        if term.pk and (term.starts_on, term.ends_on) == (start, end):
            continue
        if term.is_closed:
            raise ValidationError(
                _("%(term)s is closed: open it again to change its dates.") % {"term": term.name},
                code="term_closed",
            )
        touched = min(start, term.starts_on) if term.pk else start
        earliest = touched if earliest is None else min(earliest, touched)
        term.starts_on, term.ends_on = start, end
        changed.append(term)
    if not changed:
        return []
    for term in changed:
        term.save()
    after = [[start.isoformat(), end.isoformat()] for start, end in boundaries]
    year.mark_lessons_stale(since=earliest or year.starts_on)
    audit.record(
        actor=actor,
        action="school.terms_saved",
        target=year,
        before={"terms": before},
        after={"terms": after},
        organization_id=year.organization_id,
    )
    return changed


def _check_close(actor: Actor, term: Term) -> tuple[Term, AcademicYear]:
    year = locked_year(term.year)
    if not isinstance(actor, audit.SystemActor) and not can(
        actor, Action.CLOSE_TERMS, year.organization
    ):
        raise PermissionDenied
    check_manage(actor, year)
    locked = Term.objects.select_for_update().get(pk=term.pk)
    locked.year = year
    return locked, year


@transaction.atomic
def close_term(*, actor: Actor, term: Term) -> Saved[Term]:
    """Close a period: its journals become read-only (a correction needs a permit)."""
    term, year = _check_close(actor, term)
    if term.is_closed:
        return Saved(term, changed=False)
    term.closed_at = timezone.now()
    term.save(update_fields=["closed_at"])
    audit.record(
        actor=actor,
        action="school.term_closed",
        target=term,
        before={"closed_at": None},
        after=audit.snapshot(term, ["closed_at"]),
        organization_id=year.organization_id,
    )
    return Saved(term)


@transaction.atomic
def reopen_term(*, actor: Actor, term: Term) -> Saved[Term]:
    """Open a closed period again for editing."""
    term, year = _check_close(actor, term)
    if not term.is_closed:
        return Saved(term, changed=False)
    before = audit.snapshot(term, ["closed_at"])
    term.closed_at = None
    term.save(update_fields=["closed_at"])
    audit.record(
        actor=actor,
        action="school.term_reopened",
        target=term,
        before=before,
        after={"closed_at": None},
        organization_id=year.organization_id,
    )
    return Saved(term)


# --- Calendar entries: holidays and day transfers ---------------------------------------------

CalendarEntry = TypeVar("CalendarEntry", Holiday, DayTransfer)


def _save_calendar_entry(
    *,
    actor: Actor,
    year: AcademicYear,
    entry: CalendarEntry,
    before: dict[str, Any],
    fields: list[str],
    action: str,
    stale_since: date | None,
    warning: Callable[[], str | None],
) -> Saved[CalendarEntry]:
    """Save a holiday or transfer filled in by its service, if it changed, and audit it.

    `stale_since` is the earliest day whose lessons change, None when its dates did not; only
    then is the regulation's late-entry `warning` given.
    """
    after = audit.snapshot(entry, fields)
    if before == after:
        return Saved(entry, changed=False)
    created = entry.pk is None
    entry.save()
    if stale_since is not None:
        year.mark_lessons_stale(since=stale_since)
    old, new = audit.changed(before, after)
    audit.record(
        actor=actor,
        action=action,
        target=entry,
        before=old or None,
        after=new,
        organization_id=year.organization_id,
    )
    return Saved(entry, created=created, warning=warning() if stale_since is not None else None)


def _delete_calendar_entry(
    *,
    actor: Actor,
    year: AcademicYear,
    entry: Holiday | DayTransfer,
    fields: list[str],
    action: str,
    stale_since: date,
) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=entry,
        before=audit.snapshot(entry, fields),
        organization_id=year.organization_id,
    )
    year.mark_lessons_stale(since=stale_since)
    entry.delete()


# --- Holidays ---------------------------------------------------------------------------------

HOLIDAY_FIELDS = ["kind", "name", "starts_on", "ends_on"]


def holiday_warning(starts_on: date) -> str | None:
    """The regulation's notice for holidays entered less than two weeks before they start."""
    if calendar.today() + HOLIDAY_NOTICE <= starts_on:
        return None
    return _(
        "Saved, but late: the regulation asks for holidays to be entered no later than two "
        "weeks before they start (by %(deadline)s)."
    ) % {"deadline": _day(starts_on - HOLIDAY_NOTICE)}


@transaction.atomic
def save_holiday(
    *,
    actor: Actor,
    year: AcademicYear,
    kind: str,
    name: str,
    starts_on: date,
    ends_on: date,
    holiday: Holiday | None = None,
) -> Saved[Holiday]:
    """Add holidays (каникулы) or a public holiday to the year, or change one."""
    year = locked_year(year)
    check_manage(actor, year)
    name = name.strip()
    if kind not in Holiday.Kind.values:
        raise ValidationError(_("Choose the kind of holiday."), code="holiday_kind")
    if not name:
        raise ValidationError(_("Name the holidays."), code="holiday_name")
    what = _("The holidays «%(name)s»") % {"name": name}
    _check_order(starts_on, ends_on, what)
    _check_inside_year(year, starts_on, ends_on, what)
    if holiday is not None:
        holiday = Holiday.objects.select_for_update().get(pk=holiday.pk, year=year)
        before = audit.snapshot(holiday, HOLIDAY_FIELDS)
        touched = min(starts_on, holiday.starts_on)
        dates_changed = (holiday.starts_on, holiday.ends_on) != (starts_on, ends_on)
    else:
        holiday = Holiday(year=year)
        before, touched, dates_changed = {}, starts_on, True
    holiday.kind, holiday.name, holiday.starts_on, holiday.ends_on = kind, name, starts_on, ends_on
    return _save_calendar_entry(
        actor=actor,
        year=year,
        entry=holiday,
        before=before,
        fields=HOLIDAY_FIELDS,
        action="school.holiday_saved",
        stale_since=touched if dates_changed else None,
        warning=lambda: holiday_warning(starts_on),
    )


@transaction.atomic
def delete_holiday(*, actor: Actor, holiday: Holiday) -> Holiday:
    """Remove holidays from the year: their days have lessons again."""
    year = locked_year(holiday.year)
    check_manage(actor, year)
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    _delete_calendar_entry(
        actor=actor,
        year=year,
        entry=holiday,
        fields=HOLIDAY_FIELDS,
        action="school.holiday_deleted",
        stale_since=holiday.starts_on,
    )
    return holiday


# --- Day transfers ----------------------------------------------------------------------------

TRANSFER_FIELDS = ["on", "works_as", "reason"]


def transfer_warning(on: date) -> str | None:
    """The regulation's notice for a transfer entered less than two working days ahead."""
    if calendar.add_working_days(calendar.today(), TRANSFER_NOTICE_WORKING_DAYS) <= on:
        return None
    return _(
        "Saved, but late: the regulation asks for a school day transfer to be entered no later "
        "than two working days before the day (%(day)s)."
    ) % {"day": _day(on)}


@transaction.atomic
def save_transfer(
    *,
    actor: Actor,
    year: AcademicYear,
    on: date,
    works_as: int,
    reason: str = "",
    transfer: DayTransfer | None = None,
) -> Saved[DayTransfer]:
    """Перенос учебного дня: on this date the school works by another weekday's timetable."""
    year = locked_year(year)
    check_manage(actor, year)
    if works_as not in Weekday.values:
        raise ValidationError(
            _("Choose the weekday, Monday to Saturday, whose timetable runs on that day."),
            code="transfer_weekday",
        )
    if not year.contains(on):
        raise ValidationError(
            _("The day %(day)s is outside the academic year %(year)s (%(start)s – %(end)s).")
            % {
                "day": _day(on),
                "year": year,
                "start": _day(year.starts_on),
                "end": _day(year.ends_on),
            },
            code="outside_year",
        )
    same_day = DayTransfer.objects.filter(year=year, on=on)
    if taken_by_another(same_day, transfer):
        raise ValidationError(
            _("The day %(day)s already has a transfer: change that one instead.")
            % {"day": _day(on)},
            code="transfer_duplicate",
        )
    if transfer is not None:
        transfer = DayTransfer.objects.select_for_update().get(pk=transfer.pk, year=year)
        before = audit.snapshot(transfer, TRANSFER_FIELDS)
        touched = min(on, transfer.on)
    else:
        transfer = DayTransfer(year=year)
        before, touched = {}, on
    dates_changed = before.get("on") != on.isoformat() or before.get("works_as") != works_as
    transfer.on, transfer.works_as, transfer.reason = on, works_as, reason.strip()
    return _save_calendar_entry(
        actor=actor,
        year=year,
        entry=transfer,
        before=before,
        fields=TRANSFER_FIELDS,
        action="school.transfer_saved",
        stale_since=touched if dates_changed else None,
        warning=lambda: transfer_warning(on),
    )


@transaction.atomic
def delete_transfer(*, actor: Actor, transfer: DayTransfer) -> DayTransfer:
    """Cancel a day transfer: the day goes back to its own timetable (or to no lessons)."""
    year = locked_year(transfer.year)
    check_manage(actor, year)
    transfer = DayTransfer.objects.select_for_update().get(pk=transfer.pk)
    _delete_calendar_entry(
        actor=actor,
        year=year,
        entry=transfer,
        fields=TRANSFER_FIELDS,
        action="school.transfer_deleted",
        stale_since=transfer.on,
    )
    return transfer


# --- Bells ------------------------------------------------------------------------------------


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


@transaction.atomic
def save_bells(
    *, actor: Actor, year: AcademicYear, rows: Sequence[tuple[int, time, time]]
) -> list[BellPeriod]:
    """Replace the year's bell schedule: (lesson number, start, end) for lessons 1, 2, …"""
    year = locked_year(year)
    check_manage(actor, year)
    rows = sorted(rows, key=lambda row: row[0])
    for index, (number, starts_at, ends_at) in enumerate(rows, start=1):
        if number != index:
            raise ValidationError(
                _("Lessons are numbered 1, 2, 3… without gaps: lesson %(number)s is missing.")
                % {"number": index},
                code="bell_numbers",
            )
        if starts_at is None or ends_at is None:
            raise ValidationError(
                _("Lesson %(number)s: enter its start and end.") % {"number": number},
                code="bell_missing",
            )
        if ends_at <= starts_at:
            raise ValidationError(
                _("Lesson %(number)s must end after it starts (%(start)s – %(end)s).")
                % {"number": number, "start": _hhmm(starts_at), "end": _hhmm(ends_at)},
                code="bell_reversed",
            )
        if index > 1 and starts_at < rows[index - 2][2]:
            raise ValidationError(
                _(
                    "Lesson %(number)s starts at %(start)s, before lesson %(previous)s ends at %(end)s."
                )
                % {
                    "number": number,
                    "start": _hhmm(starts_at),
                    "previous": index - 1,
                    "end": _hhmm(rows[index - 2][2]),
                },
                code="bell_overlap",
            )
    used = (
        TimetableEntry.objects.filter(
            assignment__group__school_class__year=year, period__gt=len(rows)
        )
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    if used is not None:
        raise ValidationError(
            _(
                "The timetable has lessons numbered %(number)s: keep that many lessons in the bell schedule."
            )
            % {"number": used},
            code="bell_in_use",
        )
    existing = list(BellPeriod.objects.select_for_update().filter(year=year).order_by("number"))
    before = [[b.number, _hhmm(b.starts_at), _hhmm(b.ends_at)] for b in existing]
    after = [[number, _hhmm(start), _hhmm(end)] for number, start, end in rows]
    if before == after:
        return existing
    BellPeriod.objects.filter(year=year).delete()
    bells = BellPeriod.objects.bulk_create(
        [
            BellPeriod(year=year, number=number, starts_at=start, ends_at=end)
            for number, start, end in rows
        ]
    )
    audit.record(
        actor=actor,
        action="school.bells_saved",
        target=year,
        before={"bells": before},
        after={"bells": after},
        organization_id=year.organization_id,
    )
    return bells


# --- Curriculum -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurriculumInput:
    """One line of the учебный план as entered: a subject, its weekly hours, pass/fail or not."""

    subject: Subject
    hours_per_week: Decimal
    is_pass_fail: bool = False


def _line_state(line: CurriculumLine | CurriculumInput) -> list[Any]:
    return [str(Decimal(line.hours_per_week).normalize()), line.is_pass_fail]


@transaction.atomic
def save_curriculum(
    *, actor: Actor, year: AcademicYear, grade: int, lines: Sequence[CurriculumInput]
) -> list[CurriculumLine]:
    """Set the учебный план of one parallel: subjects missing from `lines` leave it."""
    year = locked_year(year)
    check_manage(actor, year)
    if grade not in ALL_GRADES:
        raise ValidationError(
            _("Choose a parallel from %(first)s to %(last)s.")
            % {"first": ALL_GRADES[0], "last": ALL_GRADES[-1]},
            code="grade",
        )
    seen: set[int] = set()
    for line in lines:
        if line.subject.pk in seen:
            raise ValidationError(
                _("%(subject)s appears twice in the curriculum of parallel %(grade)s.")
                % {"subject": line.subject, "grade": grade},
                code="curriculum_duplicate",
            )
        seen.add(line.subject.pk)
        if line.hours_per_week is None or line.hours_per_week <= 0:
            raise ValidationError(
                _("%(subject)s: the hours a week must be more than zero.")
                % {"subject": line.subject},
                code="curriculum_hours",
            )
        if line.hours_per_week >= 100 or line.hours_per_week.as_tuple().exponent < -1:
            raise ValidationError(
                _("%(subject)s: enter the hours a week like 2 or 1.5.") % {"subject": line.subject},
                code="curriculum_hours_format",
            )
    existing = {
        line.subject_id: line
        for line in CurriculumLine.objects.select_for_update()
        .filter(year=year, grade=grade)
        .select_related("subject")
    }
    before = {str(line.subject): _line_state(line) for line in existing.values()}
    after = {str(line.subject): _line_state(line) for line in lines}
    if before == after:
        return list(existing.values())
    CurriculumLine.objects.filter(year=year, grade=grade).exclude(subject_id__in=seen).delete()
    saved: list[CurriculumLine] = []
    for line in lines:
        row = existing.get(line.subject.pk) or CurriculumLine(
            year=year, grade=grade, subject=line.subject
        )
        if row.pk is None or _line_state(row) != _line_state(line):
            row.hours_per_week, row.is_pass_fail = line.hours_per_week, line.is_pass_fail
            row.save()
        saved.append(row)
    old, new = audit.changed(before, after)
    for subject in before.keys() - after.keys():
        old[subject], new[subject] = before[subject], None
    audit.record(
        actor=actor,
        action="school.curriculum_saved",
        target=year,
        before={"grade": grade, "lines": old},
        after={"grade": grade, "lines": new},
        organization_id=year.organization_id,
    )
    return saved
