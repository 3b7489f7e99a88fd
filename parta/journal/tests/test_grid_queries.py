"""The grid and the period marks page cost the same queries for 3 or 30 students, few or many marks."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parta.core.testing.personas import SYSTEM
from parta.core.testing.school import YEAR_START
from parta.journal.models import Lesson
from parta.journal.services.cells import save_cell
from parta.journal.services.period_marks import set_period_mark
from parta.students.models import Student
from parta.students.services.enrolment import enrol_student

GRID_BUDGET = 16


def enrol_many(school, count):
    for index in range(count):
        enrol_student(
            actor=SYSTEM,
            school_class=school.class_5a,
            on=YEAR_START,
            person_fields={
                "last_name": f"Ученик{index:02d}",
                "first_name": "Иван",
                "middle_name": "Петрович",
                "sex": "male",
                "birth_date": date(2015, 3, 1),
            },
        )


def fill_marks(region, school, lessons_count=12):
    teacher = region.member("teacher")
    lessons = list(
        Lesson.objects.filter(
            assignment=school.assignments["math_5a"],
            date__gte=school.terms[1].starts_on,
            date__lt=date(2026, 11, 25),
        ).order_by("date")[:lessons_count]
    )
    students = list(Student.objects.filter(enrolments__school_class=school.class_5a))
    for lesson in lessons:
        for student in students:
            save_cell(actor=teacher, lesson=lesson, student=student, text="54", seen="")


def count_queries(client, url):
    client.get(url)  # lessons are brought in step with the timetable once
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_grid_costs_the_same_for_3_and_30_students(client, region, school):
    region.login(client, "teacher")
    url = reverse("journal:grid", args=[school.assignments["math_5a"].pk])
    small, response = count_queries(client, url)
    assert len(response.context["grid"].rows) == 3
    enrol_many(school, 27)
    large, response = count_queries(client, url)
    assert len(response.context["grid"].rows) == 30
    assert small == large
    assert large <= GRID_BUDGET


def test_grid_costs_the_same_with_more_marks(client, region, school):
    region.login(client, "teacher")
    url = reverse("journal:grid", args=[school.assignments["math_5a"].pk])
    empty, _response = count_queries(client, url)
    fill_marks(region, school)
    full, response = count_queries(client, url)
    assert response.context["grid"].rows[0].cells[0].text == "5 4"
    assert empty == full


def test_grid_of_a_closed_term_costs_the_same(client, region, school):
    region.login(client, "deputy_head")
    url = reverse("journal:grid", args=[school.assignments["math_5a"].pk]) + "?term=1"
    small, _response = count_queries(client, url)
    school.terms[0].closed_at = timezone.now()
    school.terms[0].save()
    enrol_many(school, 5)
    closed, _response = count_queries(client, url)
    # one more for the correction permit of the closed term, whatever the class size
    assert closed == small + 1


def test_finals_cost_the_same_for_3_and_30_students(client, region, school):
    region.login(client, "teacher")
    url = reverse("journal:finals", args=[school.assignments["math_5a"].pk])
    small, _response = count_queries(client, url)
    enrol_many(school, 27)
    fill_marks(region, school, lessons_count=3)
    teacher = region.member("teacher")
    for student in school.students.values():
        if student.enrolments.filter(school_class=school.class_5a).exists():
            set_period_mark(
                actor=teacher,
                assignment=school.assignments["math_5a"],
                student=student,
                kind="term",
                number=1,
                text="5",
                seen="",
            )
    large, response = count_queries(client, url)
    assert len(response.context["finals"].rows) == 30
    assert small == large
