"""Holidays and day transfers reach the journal: lessons follow the changed calendar."""

from datetime import date

from parta.journal.models import Lesson
from parta.journal.services.cells import save_cell
from parta.journal.services.lessons import refresh_lessons
from parta.school.models import AcademicYear, Weekday
from parta.school.services.structure import delete_holiday, save_holiday, save_transfer

WEEK = (date(2026, 11, 23), date(2026, 11, 29))


def lessons_of_week(year: AcademicYear):
    return Lesson.objects.filter(
        assignment__group__school_class__year=year, date__range=WEEK
    ).order_by("date", "period")


def test_holiday_over_a_week_removes_its_empty_lessons_and_keeps_marked_ones(school, region):
    marked = school.lessons("math_5a").get(date=date(2026, 11, 23))
    save_cell(
        actor=region.member("teacher"),
        lesson=marked,
        student=school.students["student"],
        text="5",
        seen="",
    )
    assert lessons_of_week(school.year).count() > 1
    next_week = Lesson.objects.filter(date=date(2026, 11, 30)).count()

    result = save_holiday(
        actor=region.member("deputy_head"),
        year=school.year,
        kind="vacation",
        name="Карантин",
        starts_on=WEEK[0],
        ends_on=WEEK[1],
    )
    year = AcademicYear.objects.get(pk=school.year.pk)
    assert year.lessons_stale_from == WEEK[0]
    refresh_lessons(year=year)

    assert result.warning
    assert list(lessons_of_week(school.year)) == [marked]
    assert marked.marks.count() == 1
    assert Lesson.objects.filter(date=date(2026, 11, 30)).count() == next_week
    assert AcademicYear.objects.get(pk=school.year.pk).lessons_stale_from is None


def test_deleting_the_holiday_brings_the_lessons_back(school, region):
    deputy = region.member("deputy_head")
    before = lessons_of_week(school.year).count()
    holiday = save_holiday(
        actor=deputy,
        year=school.year,
        kind="vacation",
        name="Карантин",
        starts_on=WEEK[0],
        ends_on=WEEK[1],
    ).row
    refresh_lessons(year=AcademicYear.objects.get(pk=school.year.pk))
    assert lessons_of_week(school.year).count() == 0

    delete_holiday(actor=deputy, holiday=holiday)
    refresh_lessons(year=AcademicYear.objects.get(pk=school.year.pk))

    assert lessons_of_week(school.year).count() == before


def test_saturday_transfer_gets_the_lessons_of_the_weekday_it_works_as(school, region):
    saturday = date(2026, 12, 5)
    assert not Lesson.objects.filter(date=saturday).exists()

    save_transfer(
        actor=region.member("deputy_head"),
        year=school.year,
        on=saturday,
        works_as=Weekday.MONDAY,
    )
    refresh_lessons(year=AcademicYear.objects.get(pk=school.year.pk))

    monday = Lesson.objects.filter(date=date(2026, 11, 30))
    assert Lesson.objects.filter(date=saturday).count() == monday.count()
