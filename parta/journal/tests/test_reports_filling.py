"""Journal filling per teacher against the regulation's deadlines (seed 004, 3.3.5)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core.testing.personas import SYSTEM
from parta.journal.models import Lesson, Mark, MarkKind
from parta.journal.tests.test_reports_results import html_rows, number, put, sheet_rows
from parta.students.services.enrolment import enrol_student

SPAN = {"from": "2026-11-16", "to": "2026-11-24"}


def filling_url(region, **query):
    url = reverse("journal:report-filling", args=[region.school.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def lesson_on(school, key, day):
    return school.lessons(key).get(date=day)


def row_of(report, member):
    return next(row for row in report.rows if row.teacher.pk == member.pk)


def test_filling_counts_lessons_topics_marks_and_overdue_per_teacher(client, region, school):
    # given in 16–24 November the teacher's lessons: one with a topic, one with a mark, and one
    # with both (filled in time); today is Wednesday the 25th, so lessons up to Monday 23rd
    # are past the one working day of the regulation
    Lesson.objects.filter(pk=lesson_on(school, "math_5a", date(2026, 11, 16)).pk).update(
        topic="Дроби"
    )
    put(region, lesson_on(school, "math_5a", date(2026, 11, 17)), school.students["student"], "5")
    filled = lesson_on(school, "math_5a", date(2026, 11, 18))
    Lesson.objects.filter(pk=filled.pk).update(topic="Сложение дробей")
    put(region, filled, school.students["pupil_2"], "4")
    region.login(client, "deputy_head")
    # when
    report = client.get(filling_url(region, **SPAN)).context["report"]
    # then: math 5А and 5Б every weekday (7 each), English on Mon, Wed, Fri (4)
    row = row_of(report, region.members["teacher"])
    assert (row.held, row.without_topic, row.without_marks) == (18, 16, 16)
    assert report.cutoff == date(2026, 11, 23)
    assert row.overdue == 16 - 1  # the lessons of the 24th are not overdue yet; one is filled
    assert row.missing_term_marks == 0  # no term ended in the span
    assert report.rows[0].teacher.pk == region.members["teacher"].pk


def test_a_substitute_answers_for_the_lessons_they_taught(client, region, school):
    lesson = lesson_on(school, "math_5a", date(2026, 11, 16))
    Lesson.objects.filter(pk=lesson.pk).update(substitute=region.members["director"])
    region.login(client, "deputy_head")
    report = client.get(filling_url(region, **SPAN)).context["report"]
    assert row_of(report, region.members["teacher"]).held == 17
    director = row_of(report, region.members["director"])
    assert director.held == 3 + 1  # history on 17, 19 and 24 November, and the substitution


def test_missing_term_marks_count_after_the_term_ended(client, region, school):
    # given the first quarter ended on 24 October; one term mark is in
    Mark.objects.create(
        student=school.students["student"],
        assignment=school.assignments["math_5a"],
        kind=MarkKind.TERM,
        period_number=1,
        value="5",
        author=region.members["teacher"],
    )
    region.login(client, "deputy_head")
    report = client.get(filling_url(region, **{"from": "2026-09-01"})).context["report"]
    assert [term.number for term in report.ended_terms] == [1]
    # math 5А (3 students) + English group (2) + math 5Б (2) − the one mark in
    assert row_of(report, region.members["teacher"]).missing_term_marks == 6
    assert row_of(report, region.members["director"]).missing_term_marks == 3


def test_rows_link_to_the_teachers_journals(client, region, school):
    region.login(client, "director")
    response = client.get(filling_url(region))
    row = row_of(response.context["report"], region.members["teacher"])
    urls = {url for _journal, url in row.journal_links}
    expected = {
        f"/journal/{school.assignments[key].pk}/" for key in ("math_5a", "english_5a", "math_5b")
    }
    assert urls == expected
    for url in expected:
        assert f'href="{url}"'.encode() in response.content


def test_filling_defaults_to_the_year_so_far(client, region, school):
    region.login(client, "deputy_head")
    report = client.get(filling_url(region)).context["report"]
    assert (report.starts_on, report.ends_on) == (school.year.starts_on, date(2026, 11, 25))


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-13-01"},
        {"to": "вчера"},
        {"from": "2026-11-20", "to": "2026-11-10"},
    ],
)
def test_bad_parameters_give_a_message_not_a_report(client, region, school, query):
    region.login(client, "deputy_head")
    response = client.get(filling_url(region, **query))
    assert response.status_code == 200
    assert response.context["report"] is None
    assert b'data-testid="report-errors"' in response.content


def test_filling_xlsx_holds_the_same_numbers_as_the_page(client, region, school):
    region.login(client, "deputy_head")
    page = client.get(filling_url(region, **SPAN))
    _sheet, rows = sheet_rows(client.get(filling_url(region, **SPAN, format="xlsx")))
    page_rows = [cells for testid, cells in html_rows(page) if testid == "filling-row"]
    assert len(page_rows) == len(rows) == 3
    for cells, sheet_row in zip(page_rows, rows, strict=True):
        assert sheet_row[0] == cells[1]
        assert [number(text) for text in cells[3:]] == sheet_row[2:]


def test_filling_costs_the_same_queries_for_3_and_30_students(
    client, region, school, django_assert_num_queries
):
    region.login(client, "deputy_head")
    url = filling_url(region, **{"from": "2026-09-01"})
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for index in range(27):
        enrol_student(
            actor=SYSTEM,
            school_class=school.class_5a,
            on=date(2026, 9, 1),
            person_fields={
                "last_name": f"Ученик{index:02d}",
                "first_name": "Иван",
                "middle_name": "Иванович",
                "sex": "male",
                "birth_date": date(2015, 1, 1),
            },
        )
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert row_of(response.context["report"], region.members["teacher"]).missing_term_marks == 34
