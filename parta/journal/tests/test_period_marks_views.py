"""«Итоговые» (journal:finals) and saving a period mark (journal:period-mark), from the finals
page and from the term column of the grid."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import login_member
from parta.identity.models import OrgRole
from parta.journal.models import Lesson, Mark, WorkType
from parta.journal.services.cells import save_cell
from parta.journal.services.period_marks import set_period_mark


def finals_url(school, key="math_5a"):
    return reverse("journal:finals", args=[school.assignments[key].pk])


def mark_url(school, student, key="math_5a"):
    return reverse("journal:period-mark", args=[school.assignments[key].pk, student.pk])


def period_marks(school):
    return list(
        Mark.objects.filter(assignment=school.assignments["math_5a"])
        .exclude(kind="current")
        .values_list("student_id", "kind", "period_number", "value")
    )


def test_teacher_gets_writable_finals_with_every_column(client, region, school):
    region.login(client, "teacher")
    response = client.get(finals_url(school))
    assert response.status_code == 200
    finals = response.context["finals"]
    keys = [header.column.key for header in finals.headers]
    assert keys == [
        "term-1", "term-2", "term-3", "term-4", "half-1", "half-2", "year-0", "exam-0", "final-0"
    ]  # fmt: skip
    assert finals.is_writable
    assert [row.student for row in finals.rows] == [
        school.students[key] for key in ("student", "pupil_2", "pupil_3")
    ]
    html = response.content.decode()
    assert 'data-kind="year" data-number="0"' in html
    assert "data-c data-e" in html


@pytest.mark.parametrize("persona", ["deputy_head", "director", "admin"])
def test_leaders_read_finals(client, region, school, persona):
    region.login(client, persona)
    response = client.get(finals_url(school))
    assert response.status_code == 200
    assert not response.context["finals"].is_writable
    assert "data-e" not in response.content.decode()


def test_class_teacher_reads_finals_of_another_journal(client, region, school):
    region.login(client, "teacher")
    response = client.get(finals_url(school, "history_5a"))
    assert response.status_code == 200
    assert not response.context["finals"].is_writable


@pytest.mark.parametrize(
    "persona", ["other_school_teacher", "other_school_admin", "hr", "student", "parent"]
)
def test_outsiders_cannot_open_finals(client, region, school, persona):
    region.login(client, persona)
    assert client.get(finals_url(school)).status_code in (302, 404)


def test_other_teacher_of_the_school_gets_404(client, region, school):
    login_member(client, region.member("deputy_head").acting_as(OrgRole.TEACHER))
    assert client.get(finals_url(school)).status_code == 404


def test_finals_show_term_averages_and_marks(client, region, school):
    # given 5 for a control work and 3 for an answer in the second quarter, and a term mark
    teacher = region.member("teacher")
    student = school.students["student"]
    control, answer = list(school.lessons("math_5a").filter(date__gte=date(2026, 11, 9)))[:2]
    Lesson.objects.filter(pk=control.pk).update(work_type=WorkType.CONTROL)
    control.refresh_from_db()
    save_cell(actor=teacher, lesson=control, student=student, text="5", seen="")
    save_cell(actor=teacher, lesson=answer, student=student, text="3", seen="")
    set_period_mark(
        actor=teacher,
        assignment=school.assignments["math_5a"],
        student=student,
        kind="term",
        number=1,
        text="4",
        seen="",
    )
    region.login(client, "teacher")
    response = client.get(finals_url(school))
    row = response.context["finals"].rows[0]
    assert row.averages == [None, Decimal("4.50"), None, None]
    assert row.cells[0].text == "4"


def test_closed_term_column_is_read_only_with_the_reason(client, region, school):
    term = school.terms[0]
    term.closed_at = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)
    term.save()
    region.login(client, "teacher")
    response = client.get(finals_url(school))
    finals = response.context["finals"]
    writable = {header.column.key: header.is_writable for header in finals.headers}
    assert writable["term-1"] is False
    assert writable["term-2"] is True and writable["year-0"] is True
    assert finals.blocks
    assert b'data-testid="journal-block"' in response.content


def test_teacher_saves_a_year_mark(client, region, school):
    region.login(client, "teacher")
    student = school.students["pupil_2"]
    response = client.post(
        mark_url(school, student), {"kind": "year", "number": "0", "value": "5", "seen": ""}
    )
    assert response.status_code == 200
    assert response.json() == {"text": "5"}
    assert period_marks(school) == [(student.pk, "year", 0, "5")]


def test_term_column_of_the_grid_saves_the_term_mark(client, region, school):
    region.login(client, "teacher")
    student = school.students["student"]
    response = client.post(
        mark_url(school, student), {"kind": "term", "number": "2", "value": "4", "seen": ""}
    )
    assert response.status_code == 200
    grid = client.get(reverse("journal:grid", args=[school.assignments["math_5a"].pk]))
    assert grid.context["grid"].rows[0].term_mark == "4"


@pytest.mark.parametrize("value", ["6", "0", "7"])
def test_mark_outside_the_scale_is_400(client, region, school, value):
    region.login(client, "teacher")
    response = client.post(
        mark_url(school, school.students["student"]),
        {"kind": "term", "number": "2", "value": value, "seen": ""},
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert period_marks(school) == []


def test_bad_column_is_400(client, region, school):
    region.login(client, "teacher")
    response = client.post(
        mark_url(school, school.students["student"]),
        {"kind": "weekly", "number": "2", "value": "5", "seen": ""},
    )
    assert response.status_code == 400
    assert period_marks(school) == []


def test_two_tabs_conflict_on_a_period_mark(region, school):
    first, second = Client(), Client()
    region.login(first, "teacher")
    region.login(second, "teacher")
    url = mark_url(school, school.students["student"])
    data = {"kind": "term", "number": "2", "seen": ""}
    assert first.post(url, {**data, "value": "5"}).status_code == 200
    refused = second.post(url, {**data, "value": "3"})
    assert refused.status_code == 409
    assert refused.json()["text"] == "5"
    assert [mark[3] for mark in period_marks(school)] == ["5"]
    assert AuditEntry.objects.filter(action="journal.period_mark_set").count() == 1
    assert AuditEntry.objects.filter(action="journal.cell_conflict").count() == 1


@pytest.mark.parametrize("persona", ["deputy_head", "director"])
def test_readers_get_403_and_nothing_changes(client, region, school, persona):
    region.login(client, persona)
    response = client.post(
        mark_url(school, school.students["student"]),
        {"kind": "term", "number": "2", "value": "5", "seen": ""},
    )
    assert response.status_code == 403
    assert period_marks(school) == []


@pytest.mark.parametrize("persona", ["other_school_teacher", "parent"])
def test_outsiders_get_404_on_save(client, region, school, persona):
    region.login(client, persona)
    response = client.post(
        mark_url(school, school.students["student"]),
        {"kind": "term", "number": "2", "value": "5", "seen": ""},
    )
    assert response.status_code in (302, 404)
    assert period_marks(school) == []


def test_terms_not_begun_are_not_editable(client, region, school):
    region.login(client, "teacher")
    finals = client.get(finals_url(school)).context["finals"]
    writable = {header.column.key: header.is_writable for header in finals.headers}
    assert writable["term-3"] is False and writable["half-2"] is False
    assert writable["term-2"] is True and writable["final-0"] is True
    grid = client.get(reverse("journal:grid", args=[school.assignments["math_5a"].pk]) + "?term=3")
    assert grid.context["grid"].can_set_term_marks is False
