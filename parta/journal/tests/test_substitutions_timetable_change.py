"""Lessons follow a change of the timetable from a date; what took place before stays."""

from datetime import date

from parta.journal.models import Lesson, Mark
from parta.journal.services.cells import save_cell
from parta.journal.services.lessons import refresh_lessons
from parta.school.models import AcademicYear, TimetableEntry
from parta.school.services.timetable import remove_entry, save_entry

CHANGE_ON = date(2026, 11, 30)
PAST_MONDAY = date(2026, 11, 23)


def mondays(school, key: str) -> list[tuple[date, int]]:
    return list(
        school.lessons(key).filter(date__week_day=2).values_list("date", "period")
    )  # Django's week_day: 1 is Sunday, 2 is Monday


def test_math_moves_to_the_fourth_lesson_from_the_30th_and_past_lessons_stay(region, school):
    math = school.assignments["math_5a"]
    marked = school.lessons("math_5a").get(date=PAST_MONDAY, period=1)
    save_cell(
        actor=region.member("teacher"),
        lesson=marked,
        student=school.students["student"],
        text="5",
        seen="",
    )
    old = TimetableEntry.objects.get(assignment=math, weekday=0, period=1)

    save_entry(
        actor=region.member("deputy_head"),
        assignment=math,
        weekday=0,
        period=4,
        room="21",
        starts_on=CHANGE_ON,
        replaces=old,
    )
    refresh_lessons(year=AcademicYear.objects.get(pk=school.year.pk))

    lessons = mondays(school, "math_5a")
    assert lessons, "the year has Monday lessons of mathematics"
    assert all(period == 4 for day, period in lessons if day >= CHANGE_ON)
    assert all(period == 1 for day, period in lessons if day < CHANGE_ON)
    assert (CHANGE_ON, 4) in lessons
    assert (PAST_MONDAY, 1) in lessons
    marked.refresh_from_db()
    assert (marked.date, marked.period, marked.entry_id) == (PAST_MONDAY, 1, old.pk)
    assert Mark.objects.filter(lesson=marked, value="5").exists()
    # Other days of mathematics did not move.
    assert school.lessons("math_5a").filter(date=date(2026, 12, 2), period=1).exists()


def test_a_refreshed_year_needs_no_second_pass(region, school):
    math = school.assignments["math_5a"]
    old = TimetableEntry.objects.get(assignment=math, weekday=0, period=1)
    save_entry(
        actor=region.member("deputy_head"),
        assignment=math,
        weekday=0,
        period=4,
        room="21",
        starts_on=CHANGE_ON,
        replaces=old,
    )
    year = AcademicYear.objects.get(pk=school.year.pk)

    assert refresh_lessons(year=year) is not None
    assert refresh_lessons(year=AcademicYear.objects.get(pk=school.year.pk)) is None


def test_removing_a_lesson_from_the_timetable_removes_its_future_lessons(region, school):
    history = TimetableEntry.objects.get(
        assignment=school.assignments["history_5a"], weekday=1, period=3
    )

    remove_entry(actor=region.member("deputy_head"), entry=history, starts_on=CHANGE_ON)
    refresh_lessons(year=AcademicYear.objects.get(pk=school.year.pk))

    tuesdays = Lesson.objects.filter(
        assignment=school.assignments["history_5a"], date__week_day=3
    ).values_list("date", flat=True)
    assert tuesdays
    assert all(day < CHANGE_ON for day in tuesdays)
