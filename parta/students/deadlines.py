"""Deadline control of the movement book (seed 004, 3.3.3.2 and 3.3.4.4).

The regulation's deadlines for entering orders:
- enrolment (other than the 1st class) and withdrawal: within 2 working days of the event;
- enrolment in the 1st class: within 3 working days of the decision to enrol;
- enrolment in the 10th class: by 31 August of the current academic year;
- transfer to the next year and repeating the year (not the 9th): by 31 August of the year's end;
- graduation from the 9th or the 11th and repeating the 9th: by 1 July of the year's end.
An order is entered on the date it was created in parta (the region's time zone); it is late by
the working days between the deadline and that date (`core.calendar`), so an order entered on
the weekend after a deadline is not late.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from parta.core import calendar
from parta.orgs.models import Organization
from parta.students.models import MovementOrder, OrderLine

Kind = MovementOrder.Kind

#: Working days allowed after the event, per kind of order.
EVENT_DAYS = {Kind.ENROL: 2, Kind.WITHDRAW: 2, Kind.ENROL_FIRST: 3}
#: Kinds with a dated deadline.
BY_1_JULY = frozenset({Kind.GRADUATE_9, Kind.GRADUATE_11})
BY_31_AUGUST = frozenset({Kind.PROMOTE, Kind.REPEAT, Kind.ENROL_TENTH})
CONTROLLED = (
    Kind.ENROL_FIRST,
    Kind.ENROL_TENTH,
    Kind.ENROL,
    Kind.PROMOTE,
    Kind.REPEAT,
    Kind.GRADUATE_9,
    Kind.GRADUATE_11,
    Kind.WITHDRAW,
)


def working_days_between(after: date, until: date) -> int:
    """Working days in (after, until]."""
    count, day = 0, after
    while day < until:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


def _year_end(order: MovementOrder, lines: list[OrderLine]) -> int | None:
    """The calendar year in which the academic year of the order's classes ends."""
    if order.kind == Kind.ENROL_TENTH:
        return next((line.to_class.year.starts_on.year for line in lines if line.to_class), None)
    return next((line.from_class.year.ends_on.year for line in lines if line.from_class), None)


def deadline(order: MovementOrder, lines: list[OrderLine]) -> date | None:
    """The last day to enter the order in, or None when the regulation sets none (or the event
    date is unknown)."""
    if order.kind in EVENT_DAYS:
        if order.event_on is None:
            return None
        return calendar.add_working_days(order.event_on, EVENT_DAYS[order.kind])
    year = _year_end(order, lines)
    if year is None:
        return None
    ninth_repeats = order.kind == Kind.REPEAT and any(
        line.from_class is not None and line.from_class.grade == 9 for line in lines
    )
    if order.kind in BY_1_JULY or ninth_repeats:
        return date(year, 7, 1)
    if order.kind in BY_31_AUGUST:
        return date(year, 8, 31)
    return None


def entered_on(order: MovementOrder) -> date:
    return timezone.localdate(order.created_at)


@dataclass(frozen=True)
class LateOrder:
    order: MovementOrder
    students: int
    deadline: date
    entered_on: date
    days_late: int


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    total: int
    late: int


@dataclass(frozen=True)
class DeadlineReport:
    """Applied orders entered between two dates: counts per kind and the late ones."""

    organization: Organization
    starts_on: date
    ends_on: date
    counts: list[KindCount]
    late: list[LateOrder]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.counts)

    @property
    def late_total(self) -> int:
        return sum(row.late for row in self.counts)


def movement_report(
    *, organization: Organization, starts_on: date, ends_on: date
) -> DeadlineReport:
    """Orders of the school signed between the dates, checked against the regulation's
    deadlines (two queries)."""
    orders = (
        MovementOrder.objects.filter(
            organization=organization,
            kind__in=CONTROLLED,
            applied_at__isnull=False,
            signed_on__range=(starts_on, ends_on),
        )
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.select_related("from_class__year", "to_class__year"),
            )
        )
        .order_by("signed_on", "id")
    )
    totals = dict.fromkeys(CONTROLLED, 0)
    late_counts = dict.fromkeys(CONTROLLED, 0)
    late = []
    for order in orders:
        lines = list(order.lines.all())
        totals[order.kind] += 1
        last_day = deadline(order, lines)
        if last_day is None:
            continue
        days_late = working_days_between(last_day, entered_on(order))
        if days_late == 0:
            continue
        late_counts[order.kind] += 1
        late.append(
            LateOrder(
                order=order,
                students=len(lines),
                deadline=last_day,
                entered_on=entered_on(order),
                days_late=days_late,
            )
        )
    counts = [
        KindCount(
            kind=kind, label=str(Kind(kind).label), total=totals[kind], late=late_counts[kind]
        )
        for kind in CONTROLLED
    ]
    return DeadlineReport(
        organization=organization,
        starts_on=starts_on,
        ends_on=ends_on,
        counts=counts,
        late=late,
    )
