"""Students at risk: a weighted average below the threshold or too many lessons missed."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core.testing.personas import SYSTEM
from parta.core.testing.school import TODAY
from parta.journal.models import Lesson, WorkType
from parta.journal.tests.test_reports_results import (
    html_rows,
    number,
    put,
    sheet_rows,
    term_lessons,
)
from parta.students.services.enrolment import enrol_student


def risk_url(region, **query):
    url = reverse("journal:report-risk", args=[region.school.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


@pytest.fixture
def marked(region, school):
    """Math of the second quarter: Алексеева 5, 4 (control) → 4.25; Борисов 3, 2 (control)
    → 2.25; Васильева misses two lessons (Н, Б) and is late once."""
    students = school.students
    math = term_lessons(school, "math_5a")
    put(region, math[0], students["student"], "5")
    put(region, math[1], students["student"], "4", WorkType.CONTROL)
    put(region, math[0], students["pupil_2"], "3")
    put(region, math[1], students["pupil_2"], "2")
    put(region, math[2], students["pupil_3"], "н")
    put(region, math[3], students["pupil_3"], "б")
    put(region, math[4], students["pupil_3"], "оп")
    return school


def rows_by_student(report):
    return {row.student.pk: row for row in report.rows}


def test_a_low_weighted_average_puts_a_student_at_risk(client, region, marked):
    region.login(client, "deputy_head")
    report = client.get(risk_url(region)).context["report"]
    rows = rows_by_student(report)
    pupil_2 = marked.students["pupil_2"]
    assert list(rows) == [pupil_2.pk]
    assert [(s.name, s.average) for s in rows[pupil_2.pk].subjects] == [
        ("Математика", Decimal("2.25"))
    ]
    assert (report.threshold, report.absence_percent) == (Decimal("3.0"), 30)


@pytest.mark.parametrize(("threshold", "flagged"), [("2.25", False), ("2.26", True), ("2,5", True)])
def test_the_threshold_compares_the_average_as_shown(client, region, marked, threshold, flagged):
    region.login(client, "deputy_head")
    report = client.get(risk_url(region, threshold=threshold)).context["report"]
    assert (marked.students["pupil_2"].pk in rows_by_student(report)) is flagged


def test_many_missed_lessons_put_a_student_at_risk(client, region, marked):
    region.login(client, "teacher")
    report = client.get(risk_url(region, absence_percent=1)).context["report"]
    row = rows_by_student(report)[marked.students["pupil_3"].pk]
    # Васильева sits in the whole-class lessons of 5А, not in the English subgroup
    lessons = Lesson.objects.filter(
        assignment__group=marked.group(marked.class_5a),
        date__range=(marked.terms[1].starts_on, TODAY),
    ).count()
    assert (row.lessons, row.missed, row.subjects) == (lessons, 2, [])
    assert row.missed_percent == (Decimal(200) / lessons).quantize(Decimal("0.1"))
    assert row.many_absences


def test_lateness_is_not_a_missed_lesson(client, region, marked):
    region.login(client, "deputy_head")
    report = client.get(risk_url(region, absence_percent=1)).context["report"]
    assert rows_by_student(report)[marked.students["pupil_3"].pk].missed == 2


def test_one_class_narrows_the_report(client, region, marked):
    region.login(client, "deputy_head")
    report = client.get(risk_url(region, **{"class": marked.class_5b.pk})).context["report"]
    assert report.classes == [marked.class_5b]
    assert report.rows == []


@pytest.mark.parametrize(
    "query",
    [
        {"threshold": "abc"},
        {"threshold": "7"},
        {"threshold": "0.5"},
        {"threshold": "3.005"},
        {"absence_percent": "0"},
        {"absence_percent": "101"},
        {"absence_percent": "много"},
        {"term": "5"},
        {"class": "x"},
    ],
)
def test_bad_parameters_give_a_message_not_a_report(client, region, school, query):
    region.login(client, "deputy_head")
    response = client.get(risk_url(region, **query))
    assert response.status_code == 200
    assert response.context["report"] is None
    assert b'data-testid="report-errors"' in response.content


def test_risk_xlsx_holds_the_same_numbers_as_the_page(client, region, marked):
    region.login(client, "deputy_head")
    page = client.get(risk_url(region, absence_percent=1))
    _sheet, rows = sheet_rows(client.get(risk_url(region, absence_percent=1, format="xlsx")))
    page_rows = [cells for testid, cells in html_rows(page) if testid == "risk-row"]
    assert len(page_rows) == len(rows) == 2
    for cells, sheet_row in zip(page_rows, rows, strict=True):
        assert sheet_row[0] == cells[1]
        assert sheet_row[1] == cells[2]
        assert [number(text) for text in cells[4:7]] == sheet_row[4:7]
    pupil_2 = next(row for row in rows if row[0].startswith("Борисов"))
    assert (pupil_2[2], pupil_2[3]) == ("Математика", 2.25)


def test_risk_costs_the_same_queries_for_3_and_30_students(
    client, region, marked, django_assert_num_queries
):
    region.login(client, "deputy_head")
    url = risk_url(region, absence_percent=1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    math = term_lessons(marked, "math_5a")
    for index in range(27):
        pupil = enrol_student(
            actor=SYSTEM,
            school_class=marked.class_5a,
            on=date(2026, 9, 1),
            person_fields={
                "last_name": f"Ученик{index:02d}",
                "first_name": "Иван",
                "middle_name": "Иванович",
                "sex": "male",
                "birth_date": date(2015, 1, 1),
            },
        )
        put(region, math[index % len(math)], pupil, "2" if index % 2 else "н")
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert len(response.context["report"].rows) > 20
