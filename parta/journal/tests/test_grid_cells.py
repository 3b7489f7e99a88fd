"""Saving one cell of the grid (POST journal:cell): marks, attendance, clearing, bad input,
closed terms and two teachers typing into the same cell."""

from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import SYSTEM, login_member
from parta.identity.models import OrgRole
from parta.journal.models import Attendance, CorrectionPermit, Lesson, Mark, WorkType
from parta.students.services.enrolment import withdraw_student

LESSON_DAY = date(2026, 11, 20)


def cell_url(lesson, student):
    return reverse("journal:cell", args=[lesson.pk, student.pk])


def math_lesson(school, day=LESSON_DAY):
    return school.lessons("math_5a").filter(date=day).first()


def stored(lesson, student):
    marks = list(
        Mark.objects.filter(lesson=lesson, student=student)
        .order_by("id")
        .values_list("value", flat=True)
    )
    attendance = Attendance.objects.filter(lesson=lesson, student=student).first()
    return marks, attendance.kind if attendance else ""


@pytest.fixture
def teacher_client(client, region, school):
    region.login(client, "teacher")
    return client


@pytest.mark.parametrize(
    ("typed", "shown", "marks", "attendance"),
    [
        ("5", "5", ["5"], ""),
        ("54", "5 4", ["5", "4"], ""),
        ("5 4", "5 4", ["5", "4"], ""),
        ("н", "Н", [], "absent"),
        ("Б", "Б", [], "ill"),
        ("у", "У", [], "excused"),
        ("4 оп", "4 ОП", ["4"], "late"),
    ],
)
def test_teacher_saves_marks_and_attendance(
    teacher_client, school, typed, shown, marks, attendance
):
    # given a lesson of 20.11 and the first student's empty cell
    lesson, student = math_lesson(school), school.students["student"]
    # when the teacher types into it
    response = teacher_client.post(cell_url(lesson, student), {"value": typed, "seen": ""})
    # then the cell shows the stored value
    assert response.status_code == 200
    assert response.json()["text"] == shown
    assert stored(lesson, student) == (marks, attendance)
    entry = AuditEntry.objects.get(action="journal.cell_saved")
    assert entry.after["marks"] == shown


def test_saving_returns_the_weighted_average_of_the_term(teacher_client, school):
    # given a control work (weight 3) on 20.11 and an answer on 19.11
    student = school.students["student"]
    control, answer = math_lesson(school), math_lesson(school, date(2026, 11, 19))
    Lesson.objects.filter(pk=control.pk).update(work_type=WorkType.CONTROL)
    teacher_client.post(cell_url(control, student), {"value": "5", "seen": ""})
    # when 3 is entered for the answer
    response = teacher_client.post(cell_url(answer, student), {"value": "3", "seen": ""})
    # then the row's average is (5·3 + 3·1) / 4 = 4.50
    assert response.json()["average"].replace(",", ".") == "4.50"


def test_pass_fail_journal_takes_zch_and_nz(teacher_client, school):
    assignment = school.assignments["math_5a"]
    assignment.is_pass_fail = True
    assignment.save()
    lesson, student = math_lesson(school), school.students["student"]
    response = teacher_client.post(cell_url(lesson, student), {"value": "зч", "seen": ""})
    assert response.status_code == 200
    assert response.json()["text"] == "ЗЧ"
    response = teacher_client.post(cell_url(lesson, student), {"value": "5", "seen": "ЗЧ"})
    assert response.status_code == 400
    assert stored(lesson, student) == (["зч"], "")


def test_clearing_a_cell_deletes_its_marks_and_attendance(teacher_client, school):
    lesson, student = math_lesson(school), school.students["student"]
    teacher_client.post(cell_url(lesson, student), {"value": "5 н", "seen": ""})
    response = teacher_client.post(cell_url(lesson, student), {"value": "", "seen": "5 Н"})
    assert response.status_code == 200
    assert response.json() == {"text": "", "average": ""}
    assert stored(lesson, student) == ([], "")


@pytest.mark.parametrize("typed", ["6", "0", "7", "55555", "x", "5 н б"])
def test_bad_input_is_refused_with_a_message(teacher_client, school, typed):
    lesson, student = math_lesson(school), school.students["student"]
    response = teacher_client.post(cell_url(lesson, student), {"value": typed, "seen": ""})
    assert response.status_code == 400
    assert response.json()["error"]
    assert stored(lesson, student) == ([], "")
    assert not AuditEntry.objects.filter(action="journal.cell_saved").exists()


def test_student_outside_the_subgroup_is_refused(teacher_client, school):
    # given pupil_3, who is not in the English group
    lesson = school.lessons("english_5a").filter(date__lt=school.terms[1].ends_on).first()
    student = school.students["pupil_3"]
    response = teacher_client.post(cell_url(lesson, student), {"value": "5", "seen": ""})
    assert response.status_code == 400
    assert stored(lesson, student) == ([], "")


def test_withdrawn_student_is_refused_after_the_last_day(teacher_client, school):
    # given pupil_3 who left on 12.11.2026
    student = school.students["pupil_3"]
    withdraw_student(actor=SYSTEM, student=student, last_day=date(2026, 11, 12))
    before, after = math_lesson(school, date(2026, 11, 12)), math_lesson(school, date(2026, 11, 13))
    # then a mark for a lesson after that day is refused, one before is accepted
    refused = teacher_client.post(cell_url(after, student), {"value": "5", "seen": ""})
    assert refused.status_code == 400
    assert stored(after, student) == ([], "")
    accepted = teacher_client.post(cell_url(before, student), {"value": "5", "seen": ""})
    assert accepted.status_code == 200


def test_future_lesson_is_refused(teacher_client, school):
    lesson, student = math_lesson(school, date(2026, 11, 27)), school.students["student"]
    response = teacher_client.post(cell_url(lesson, student), {"value": "5", "seen": ""})
    assert response.status_code == 400
    assert stored(lesson, student) == ([], "")


def test_closed_term_refuses_until_the_deputy_head_permits(teacher_client, region, school):
    # given the first quarter closed
    term = school.terms[0]
    term.closed_at = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)
    term.save()
    lesson, student = math_lesson(school, date(2026, 10, 14)), school.students["student"]
    refused = teacher_client.post(cell_url(lesson, student), {"value": "5", "seen": ""})
    assert refused.status_code == 400
    assert stored(lesson, student) == ([], "")
    # when the deputy head permits a correction of this journal
    CorrectionPermit.objects.create(
        term=term,
        assignment=school.assignments["math_5a"],
        granted_by=region.member("deputy_head"),
        reason="Ошибка в отметке",
        valid_until=date(2026, 11, 27),
    )
    # then the cell is saved
    accepted = teacher_client.post(cell_url(lesson, student), {"value": "5", "seen": ""})
    assert accepted.status_code == 200
    assert stored(lesson, student) == (["5"], "")


def test_two_clients_with_the_same_seen_value_conflict(region, school):
    # given two tabs of the teacher, both showing an empty cell
    first, second = Client(), Client()
    region.login(first, "teacher")
    region.login(second, "teacher")
    lesson, student = math_lesson(school), school.students["student"]
    # when both save over the same empty cell
    saved = first.post(cell_url(lesson, student), {"value": "5", "seen": ""})
    refused = second.post(cell_url(lesson, student), {"value": "3", "seen": ""})
    # then the second is refused, shown the current value, and both are in the audit log
    assert saved.status_code == 200
    assert refused.status_code == 409
    assert refused.json()["text"] == "5"
    assert "5" in refused.json()["error"]
    assert stored(lesson, student) == (["5"], "")
    actions = list(
        AuditEntry.objects.filter(action__startswith="journal.cell_")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["journal.cell_saved", "journal.cell_conflict"]
    conflict = AuditEntry.objects.get(action="journal.cell_conflict")
    assert conflict.before["marks"] == "5" and conflict.after["marks"] == "3"


@pytest.mark.parametrize("persona", ["deputy_head", "director", "admin"])
def test_readers_cannot_write_a_cell(client, region, school, persona):
    region.login(client, persona)
    lesson, student = math_lesson(school), school.students["student"]
    response = client.post(cell_url(lesson, student), {"value": "5", "seen": ""})
    assert response.status_code == 403
    assert stored(lesson, student) == ([], "")


def test_class_teacher_cannot_write_another_teachers_journal(teacher_client, school):
    lesson = school.lessons("history_5a").filter(date__lte=LESSON_DAY).last()
    student = school.students["student"]
    response = teacher_client.post(cell_url(lesson, student), {"value": "5", "seen": ""})
    assert response.status_code == 403
    assert stored(lesson, student) == ([], "")


@pytest.mark.parametrize("persona", ["other_school_teacher", "student", "parent", "hr"])
def test_outsiders_get_404_and_change_nothing(client, region, school, persona):
    region.login(client, persona)
    lesson, student = math_lesson(school), school.students["student"]
    response = client.post(cell_url(lesson, student), {"value": "5", "seen": ""})
    assert response.status_code in (302, 404)
    assert stored(lesson, student) == ([], "")


def test_other_teacher_of_the_school_gets_404(client, region, school):
    login_member(client, region.member("deputy_head").acting_as(OrgRole.TEACHER))
    lesson, student = math_lesson(school), school.students["student"]
    response = client.post(cell_url(lesson, student), {"value": "5", "seen": ""})
    assert response.status_code == 404
    assert stored(lesson, student) == ([], "")


def test_student_of_another_school_is_404(teacher_client, region, school):
    from parta.students.models import Student

    other = Student.objects.exclude(organization=region.school).first()
    lesson = math_lesson(school)
    if other is None:
        url = reverse("journal:cell", args=[lesson.pk, 999999])
    else:
        url = cell_url(lesson, other)
    assert teacher_client.post(url, {"value": "5", "seen": ""}).status_code == 404


def test_get_is_not_allowed(teacher_client, school):
    lesson, student = math_lesson(school), school.students["student"]
    assert teacher_client.get(cell_url(lesson, student)).status_code == 405
