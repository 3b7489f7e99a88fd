"""The Russian working-day calendar: deadlines of the regulation count working days (seed 004)."""

from datetime import date, timedelta

from django.utils import timezone

#: (month, day) of the non-working public holidays (Labour Code, art. 112).
PUBLIC_HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    {(1, day) for day in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}
)
#: New Year holidays are not carried over to a weekday when they fall on a weekend.
NOT_CARRIED_OVER = frozenset((1, day) for day in range(1, 9))


def today() -> date:
    """Today in the region's time zone."""
    return timezone.localdate()


def _carried_over_days(year: int) -> set[date]:
    """Weekdays off because a public holiday fell on a weekend (the next working day rests)."""
    days: set[date] = set()
    for month, day in sorted(PUBLIC_HOLIDAYS - NOT_CARRIED_OVER):
        holiday = date(year, month, day)
        if holiday.weekday() >= 5:
            rest = holiday + timedelta(days=1)
            while rest.weekday() >= 5 or (rest.month, rest.day) in PUBLIC_HOLIDAYS or rest in days:
                rest += timedelta(days=1)
            days.add(rest)
    return days


def is_working_day(day: date) -> bool:
    """Whether offices work on this day: not a weekend, public holiday or carried-over rest day."""
    if day.weekday() >= 5 or (day.month, day.day) in PUBLIC_HOLIDAYS:
        return False
    return day not in _carried_over_days(day.year)


def add_working_days(day: date, count: int) -> date:
    """The working day that comes `count` working days after `day`."""
    result = day
    while count > 0:
        result += timedelta(days=1)
        if is_working_day(result):
            count -= 1
    return result
