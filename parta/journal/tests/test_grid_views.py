"""«Электронный журнал»: who opens the grid of a term, what it shows, when it is read-only."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from parta.core.testing.personas import SYSTEM, login_member
from parta.identity.models import OrgRole
from parta.journal.models import CorrectionPermit, Lesson, WorkType
from parta.journal.selectors.grid import journal_grid
from parta.journal.services.cells import save_cell
from parta.school.models import AcademicYear
from parta.students.services.enrolment import withdraw_student


def grid_url(assignment, term=None):
    url = reverse("journal:grid", args=[assignment.pk])
    return f"{url}?term={term}" if term else url


def editable_cells(response) -> int:
    return response.content.decode().count("data-c data-e")


SCHOOL_OUTSIDERS = [
    "hr",
    "secretary",
    "medical",
    "psychologist",
    "tech_staff",
    "other_school_admin",
    "other_school_teacher",
    "municipal_admin",
    "regional_admin",
    "student",
    "parent",
]


def test_teacher_of_the_journal_gets_a_writable_grid(client, region, school):
    # given the teacher of math 5А
    region.login(client, "teacher")
    # when they open the journal
    response = client.get(grid_url(school.assignments["math_5a"]))
    # then the grid of the current (second) quarter opens with editable cells
    assert response.status_code == 200
    grid = response.context["grid"]
    assert grid.term.number == 2
    assert grid.is_writable and grid.can_set_term_marks
    assert editable_cells(response) > 0
    assert 'data-kind="term" data-number="2"' in response.content.decode()
    assert b'src="/static/journal/grid.js"' in response.content


@pytest.mark.parametrize("persona", ["deputy_head", "director", "admin"])
def test_school_leaders_read_any_journal(client, region, school, persona):
    region.login(client, persona)
    response = client.get(grid_url(school.assignments["math_5a"]))
    assert response.status_code == 200
    assert not response.context["grid"].is_writable
    assert editable_cells(response) == 0
    assert "data-url=" not in response.content.decode()
    assert b'data-testid="journal-read-only"' in response.content


def test_class_teacher_reads_other_journals_of_the_class(client, region, school):
    # given the teacher persona, class teacher of 5А; history 5А is taught by the director
    region.login(client, "teacher")
    response = client.get(grid_url(school.assignments["history_5a"]))
    assert response.status_code == 200
    assert not response.context["grid"].is_writable
    assert editable_cells(response) == 0


@pytest.mark.parametrize("persona", ["deputy_head", "director"])
def test_other_teachers_of_the_school_get_404(client, region, school, persona):
    # given a teacher of the school who neither teaches math 5А nor leads 5А
    login_member(client, region.member(persona).acting_as(OrgRole.TEACHER))
    assert client.get(grid_url(school.assignments["math_5a"])).status_code == 404


@pytest.mark.parametrize("persona", SCHOOL_OUTSIDERS)
def test_others_cannot_open_the_grid(client, region, school, persona):
    region.login(client, persona)
    response = client.get(grid_url(school.assignments["math_5a"]))
    assert response.status_code in (302, 404)
    assert "grid" not in (response.context or {})


def test_anonymous_is_sent_to_login(client, school):
    response = client.get(grid_url(school.assignments["math_5a"]))
    assert response.status_code == 302


def test_unknown_term_or_journal_is_404(client, region, school):
    region.login(client, "teacher")
    assert client.get(grid_url(school.assignments["math_5a"], term=9)).status_code == 404
    assert client.get(reverse("journal:grid", args=[999999])).status_code == 404


def test_grid_shows_lessons_students_and_cell_texts(client, region, school):
    # given marks and attendance in the second quarter
    teacher = region.member("teacher")
    lessons = list(
        school.lessons("math_5a").filter(date__gte=date(2026, 11, 5), date__lt=date(2026, 11, 25))
    )
    first, second = lessons[0], lessons[1]
    save_cell(actor=teacher, lesson=first, student=school.students["student"], text="54", seen="")
    save_cell(actor=teacher, lesson=first, student=school.students["pupil_2"], text="н", seen="")
    save_cell(
        actor=teacher, lesson=second, student=school.students["student"], text="4 оп", seen=""
    )
    region.login(client, "teacher")
    # when the second quarter is opened
    response = client.get(grid_url(school.assignments["math_5a"], term=2))
    grid = response.context["grid"]
    # then rows are the students in alphabetical order and columns the term's lessons
    assert [row.student.pk for row in grid.rows] == [
        school.students[key].pk for key in ("student", "pupil_2", "pupil_3")
    ]
    assert [column.lesson.pk for column in grid.columns] == list(
        school.lessons("math_5a")
        .filter(date__gte=school.terms[1].starts_on, date__lte=school.terms[1].ends_on)
        .values_list("pk", flat=True)
    )
    assert grid.rows[0].cells[0].text == "5 4"
    assert grid.rows[1].cells[0].text == "Н"
    assert grid.rows[0].cells[1].text == "4 ОП"
    html = response.content.decode()
    assert first.date.strftime("%d.%m") in html
    assert "4 ОП" in html
    assert f"/journal/lessons/{first.pk}/" in html


def test_weighted_average_of_the_term(client, region, school):
    # given 5 for a control work (weight 3) and 3 for an answer (weight 1)
    teacher = region.member("teacher")
    control, answer = list(school.lessons("math_5a").filter(date__gte=date(2026, 11, 9)))[:2]
    Lesson.objects.filter(pk=control.pk).update(work_type=WorkType.CONTROL)
    control.refresh_from_db()
    save_cell(actor=teacher, lesson=control, student=school.students["student"], text="5", seen="")
    save_cell(actor=teacher, lesson=answer, student=school.students["student"], text="3", seen="")
    # when the grid is read
    grid = journal_grid(
        viewer=teacher,
        assignment=school.assignments["math_5a"],
        terms=school.terms,
        term=school.terms[1],
    )
    # then the average is (5·3 + 3·1) / 4
    assert grid.rows[0].average == Decimal("4.50")
    assert grid.rows[1].average is None


def test_future_lessons_and_dates_outside_the_group_are_not_editable(client, region, school):
    # given pupil_3 who left 5А on 12.11.2026
    withdraw_student(actor=SYSTEM, student=school.students["pupil_3"], last_day=date(2026, 11, 12))
    region.login(client, "teacher")
    response = client.get(grid_url(school.assignments["math_5a"], term=2))
    grid = response.context["grid"]
    row = next(row for row in grid.rows if row.student == school.students["pupil_3"])
    for column, cell in zip(grid.columns, row.cells, strict=True):
        if column.lesson.date > date(2026, 11, 12):
            assert cell.css in ("off", "future") and not cell.is_editable
    future = [index for index, column in enumerate(grid.columns) if column.is_future]
    assert future
    assert all(not grid.rows[0].cells[index].is_editable for index in future)
    assert 'class="off"' in response.content.decode()


def test_english_subgroup_lists_only_its_students(client, region, school):
    region.login(client, "teacher")
    response = client.get(grid_url(school.assignments["english_5a"]))
    assert [row.student.pk for row in response.context["grid"].rows] == [
        school.students["student"].pk,
        school.students["pupil_2"].pk,
    ]


def test_overdue_lessons_are_highlighted_with_the_rule(client, region, school):
    # given no topics or marks anywhere: every lesson before 24.11 is overdue on 25.11
    region.login(client, "teacher")
    response = client.get(grid_url(school.assignments["math_5a"], term=2))
    grid = response.context["grid"]
    overdue = {column.lesson.date for column in grid.columns if column.is_overdue}
    assert date(2026, 11, 20) in overdue
    assert date(2026, 11, 24) not in overdue
    assert date(2026, 11, 26) not in overdue
    assert b'class="lesson overdue"' in response.content
    assert b'data-testid="grid-legend"' in response.content


def test_a_lesson_with_topic_and_marks_is_not_overdue(client, region, school):
    teacher = region.member("teacher")
    lesson = school.lessons("math_5a").filter(date=date(2026, 11, 20)).get()
    Lesson.objects.filter(pk=lesson.pk).update(topic="Дроби")
    save_cell(actor=teacher, lesson=lesson, student=school.students["student"], text="5", seen="")
    grid = journal_grid(
        viewer=teacher,
        assignment=school.assignments["math_5a"],
        terms=school.terms,
        term=school.terms[1],
    )
    column = next(column for column in grid.columns if column.lesson.pk == lesson.pk)
    assert not column.is_overdue


def test_closed_term_is_read_only_with_the_reason(client, region, school):
    # given the first quarter closed
    term = school.terms[0]
    term.closed_at = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)
    term.save()
    region.login(client, "teacher")
    response = client.get(grid_url(school.assignments["math_5a"], term=1))
    assert response.status_code == 200
    assert response.context["grid"].block
    assert b'data-testid="journal-block"' in response.content
    assert editable_cells(response) == 0
    # when the deputy head permits a correction
    CorrectionPermit.objects.create(
        term=term,
        assignment=school.assignments["math_5a"],
        granted_by=region.member("deputy_head"),
        reason="Исправление ошибки",
        valid_until=date(2026, 11, 30),
    )
    response = client.get(grid_url(school.assignments["math_5a"], term=1))
    # then the term is writable again
    assert response.context["grid"].block is None
    assert editable_cells(response) > 0


def test_archived_year_is_read_only(client, region, school):
    AcademicYear.objects.filter(pk=school.year.pk).update(is_archived=True)
    region.login(client, "teacher")
    response = client.get(grid_url(school.assignments["math_5a"]))
    assert response.status_code == 200
    assert response.context["grid"].block
    assert editable_cells(response) == 0


def test_term_tabs_link_every_term_and_the_finals(client, region, school):
    region.login(client, "teacher")
    response = client.get(grid_url(school.assignments["math_5a"], term=3))
    html = response.content.decode()
    for number in range(1, 5):
        assert f'data-testid="term-tab-{number}"' in html
    assert reverse("journal:finals", args=[school.assignments["math_5a"].pk]) in html
    assert re.search(r'aria-current="page" data-testid="term-tab-3"', html)


def test_holidays_open_the_term_just_ended(client, region, school, monkeypatch):
    monkeypatch.setattr("parta.core.calendar.today", lambda: date(2026, 10, 30))
    region.login(client, "teacher")
    response = client.get(grid_url(school.assignments["math_5a"]))
    assert response.context["grid"].term.number == 1
