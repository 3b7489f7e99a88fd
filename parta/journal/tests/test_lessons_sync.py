"""Lessons follow the timetable: generated for the year, moved when it changes, kept when filled."""

from datetime import date

from parta.core.models import AuditEntry
from parta.core.testing.personas import SYSTEM
from parta.journal.models import Lesson
from parta.journal.services.cells import save_cell
from parta.journal.services.lessons import refresh_lessons, sync_lessons
from parta.school.models import DayTransfer, Holiday, TimetableEntry


def test_lessons_follow_the_timetable_skipping_holidays_and_public_holidays(school):
    lessons = school.lessons("math_5a")
    dates = set(lessons.values_list("date", flat=True))
    assert date(2026, 9, 1) in dates  # Tuesday, first day
    assert date(2026, 10, 27) not in dates  # autumn holidays
    assert date(2026, 11, 4) not in dates  # public holiday, a Wednesday
    assert not any(day.weekday() >= 5 for day in dates)
    # Five a week: Mon–Fri, one period each.
    week = lessons.filter(date__range=(date(2026, 11, 23), date(2026, 11, 29)))
    assert [(lesson.date.weekday(), lesson.period) for lesson in week] == [
        (0, 1), (1, 2), (2, 1), (3, 2), (4, 1)
    ]  # fmt: skip
    assert all(lesson.teacher_id == school.assignments["math_5a"].teacher_id for lesson in week)


def test_generating_again_changes_nothing(school):
    before = Lesson.objects.count()
    result = sync_lessons(actor=SYSTEM, year=school.year, starts_on=school.year.starts_on)
    assert (result.created, result.updated, result.removed) == (0, 0, 0)
    assert Lesson.objects.count() == before


def test_a_new_holiday_removes_empty_lessons_and_keeps_filled_ones(school, region):
    filled = school.lessons("math_5a").get(date=date(2026, 11, 24))
    save_cell(
        actor=region.member("teacher"),
        lesson=filled,
        student=school.students["student"],
        text="5",
        seen="",
    )
    Holiday.objects.create(
        year=school.year, name="Карантин", starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 27)
    )
    school.year.mark_lessons_stale(date(2026, 11, 23))

    result = refresh_lessons(year=school.year)

    week = school.lessons("math_5a").filter(date__range=(date(2026, 11, 23), date(2026, 11, 27)))
    assert list(week) == [filled]
    assert result.kept >= 1
    school.year.refresh_from_db()
    assert school.year.lessons_stale_from is None
    assert AuditEntry.objects.filter(action="journal.lessons_generated").exists()


def test_a_saturday_working_as_monday_gets_mondays_lessons(school):
    DayTransfer.objects.create(year=school.year, on=date(2026, 11, 28), works_as=0)
    school.year.mark_lessons_stale(date(2026, 11, 28))
    refresh_lessons(year=school.year)
    saturday = Lesson.objects.filter(
        date=date(2026, 11, 28), assignment=school.assignments["math_5a"]
    )
    assert [lesson.period for lesson in saturday] == [1]


def test_a_timetable_change_moves_future_lessons_and_keeps_the_past(school, today):
    entry = TimetableEntry.objects.get(assignment=school.assignments["math_5a"], weekday=0)
    change = date(2026, 11, 30)
    TimetableEntry.objects.create(
        assignment=entry.assignment,
        weekday=0,
        period=4,
        room="22",
        starts_on=change,
        ends_on=entry.ends_on,
    )
    entry.ends_on = date(2026, 11, 29)
    entry.save()
    school.year.mark_lessons_stale(change)
    refresh_lessons(year=school.year)
    mondays = school.lessons("math_5a").filter(date__week_day=2)
    assert {lesson.period for lesson in mondays.filter(date__lt=change)} == {1}
    assert {lesson.period for lesson in mondays.filter(date__gte=change)} == {4}
    assert {lesson.room for lesson in mondays.filter(date__gte=change)} == {"22"}


def test_a_new_teacher_takes_future_lessons_only(school, region, today):
    assignment = school.assignments["math_5a"]
    assignment.teacher = region.members["deputy_head"]
    assignment.save()
    school.year.mark_lessons_stale(today)
    refresh_lessons(year=school.year)
    lessons = school.lessons("math_5a")
    assert {lesson.teacher_id for lesson in lessons.filter(date__lt=today)} == {
        region.members["teacher"].pk
    }
    assert {lesson.teacher_id for lesson in lessons.filter(date__gte=today)} == {
        region.members["deputy_head"].pk
    }
