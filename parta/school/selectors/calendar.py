"""Which days of a year have lessons, and by which weekday's timetable."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from parta.core import calendar
from parta.orgs.models import Organization
from parta.school.models import AcademicYear, Holiday, Term


@dataclass(frozen=True)
class SchoolCalendar:
    """A year's terms, holidays and day transfers, loaded once."""

    year: AcademicYear
    terms: list[Term]
    holidays: list[Holiday]
    transfers: dict[date, int]

    def timetable_weekday(self, day: date) -> int | None:
        """The weekday whose timetable runs on the day, or None when there are no lessons."""
        if not self.year.contains(day):
            return None
        if day in self.transfers:
            return self.transfers[day]
        if day.weekday() == 6 or any(h.starts_on <= day <= h.ends_on for h in self.holidays):
            return None
        if day.weekday() < 5 and not calendar.is_working_day(day):
            return None
        if not any(term.contains(day) for term in self.terms):
            return None
        return day.weekday()

    def school_days(self, starts_on: date, ends_on: date) -> Iterator[tuple[date, int]]:
        """(day, weekday of its timetable) for every day with lessons between the dates."""
        day = max(starts_on, self.year.starts_on)
        last = min(ends_on, self.year.ends_on)
        while day <= last:
            weekday = self.timetable_weekday(day)
            if weekday is not None:
                yield day, weekday
            day += timedelta(days=1)

    def term_of(self, day: date) -> Term | None:
        return next((term for term in self.terms if term.contains(day)), None)


def school_calendar(year: AcademicYear) -> SchoolCalendar:
    """The calendar of a year, in three queries."""
    return SchoolCalendar(
        year=year,
        terms=list(year.terms.order_by("number")),
        holidays=list(year.holidays.all()),
        transfers=dict(year.transfers.values_list("on", "works_as")),
    )


def current_year(organization_id: int, on: date | None = None) -> AcademicYear | None:
    """The school's year containing the date (today by default), else its latest one."""
    on = on or calendar.today()
    years = AcademicYear.objects.filter(organization_id=organization_id)
    return (
        years.filter(starts_on__lte=on, ends_on__gte=on).first()
        or years.order_by("-starts_on").first()
    )


def years_current_first(organization: Organization, today: date) -> list[AcademicYear]:
    """The school's years, newest first, except that the one containing `today` leads."""
    years = list(AcademicYear.objects.filter(organization=organization).order_by("-starts_on"))
    for year in years:
        year.organization = organization
    current = next((year for year in years if year.contains(today)), None)
    if current is None:
        return years
    return [current, *(year for year in years if year.pk != current.pk)]
