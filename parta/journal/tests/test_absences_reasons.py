"""The class teacher corrects Н ↔ Б ↔ У of the class's absences (seed 004, 3.3.5)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parta.core.models import AuditEntry
from parta.core.testing.personas import SYSTEM, login_member
from parta.core.testing.school import YEAR_START
from parta.identity.models import OrgRole
from parta.journal.models import Attendance, Lesson
from parta.journal.services.attendance import set_absence_reason
from parta.journal.services.cells import save_cell
from parta.students.services.enrolment import enrol_student

MONDAY = date(2026, 11, 23)
ABSENT, ILL, EXCUSED = Attendance.Kind.ABSENT, Attendance.Kind.ILL, Attendance.Kind.EXCUSED


def _lesson(school, assignment: str, day: date) -> Lesson:
    return school.lessons(assignment).get(date=day)


def _absent(region, school, key: str, assignment: str, day: date, text: str = "н") -> Attendance:
    lesson = _lesson(school, assignment, day)
    student = school.students[key]
    save_cell(actor=region.member("teacher"), lesson=lesson, student=student, text=text, seen="")
    return Attendance.objects.get(lesson=lesson, student=student)


@pytest.fixture
def monday(region, school) -> list[Attendance]:
    """The student persona missed mathematics (1st) and English (3rd) on Monday 23.11."""
    return [
        _absent(region, school, "student", "math_5a", MONDAY),
        _absent(region, school, "student", "english_5a", MONDAY),
    ]


def absences_url(school_class, **query) -> str:
    url = reverse("journal:absences", args=[school_class.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def _kinds(rows: list[Attendance]) -> list[str]:
    return [Attendance.objects.get(pk=row.pk).kind for row in rows]


# --- the service ---------------------------------------------------------------------------------


def test_class_teacher_marks_one_absence_as_illness(region, school, monday):
    # when
    changed = set_absence_reason(
        actor=region.member("teacher"), attendance_ids=[monday[0].pk], kind=ILL
    )
    # then
    assert changed == 1
    assert _kinds(monday) == [ILL, ABSENT]
    entry = AuditEntry.objects.get(action="journal.attendance_reason_set")
    assert (entry.before["attendance"], entry.after["attendance"]) == ("Н", "Б")


def test_a_note_covers_the_whole_day(region, school, monday):
    # when
    changed = set_absence_reason(
        actor=region.member("deputy_head"), attendance_ids=[row.pk for row in monday], kind=EXCUSED
    )
    # then
    assert changed == 2
    assert _kinds(monday) == [EXCUSED, EXCUSED]
    assert AuditEntry.objects.filter(action="journal.attendance_reason_set").count() == 2


@pytest.mark.parametrize("kind", [Attendance.Kind.LATE, "present", ""])
def test_only_n_b_u_are_reasons(region, school, monday, kind):
    # when
    with pytest.raises(ValidationError):
        set_absence_reason(actor=region.member("teacher"), attendance_ids=[monday[0].pk], kind=kind)
    # then
    assert _kinds(monday) == [ABSENT, ABSENT]


def test_lateness_is_not_corrected(region, school, monday):
    # given
    late = _absent(region, school, "pupil_2", "math_5a", MONDAY, text="оп")
    # when
    with pytest.raises(ValidationError) as error:
        set_absence_reason(
            actor=region.member("teacher"), attendance_ids=[monday[0].pk, late.pk], kind=ILL
        )
    # then
    assert error.value.code == "absence_is_late"
    assert _kinds([*monday, late]) == [ABSENT, ABSENT, Attendance.Kind.LATE]


def test_unknown_absence_is_refused(region, school, monday):
    # when
    with pytest.raises(ValidationError) as error:
        set_absence_reason(
            actor=region.member("teacher"), attendance_ids=[monday[0].pk, 999_999], kind=ILL
        )
    # then
    assert error.value.code == "absence_missing"
    assert _kinds(monday) == [ABSENT, ABSENT]


def test_teacher_is_not_the_class_teacher_of_another_class(region, school, monday):
    # given: the teacher persona teaches mathematics in 5Б, whose class teacher is the deputy head
    absence_5b = _absent(region, school, "pupil_5b", "math_5b", MONDAY)
    # when
    with pytest.raises(PermissionDenied):
        set_absence_reason(actor=region.member("teacher"), attendance_ids=[absence_5b.pk], kind=ILL)
    # then
    assert _kinds([absence_5b]) == [ABSENT]


def test_absences_of_two_classes_are_refused_together(region, school, monday):
    # given
    absence_5b = _absent(region, school, "pupil_5b", "math_5b", MONDAY)
    # when
    with pytest.raises(ValidationError) as error:
        set_absence_reason(
            actor=region.member("deputy_head"),
            attendance_ids=[monday[0].pk, absence_5b.pk],
            kind=ILL,
        )
    # then
    assert error.value.code == "absence_other_class"
    assert _kinds([monday[0], absence_5b]) == [ABSENT, ABSENT]


def test_student_who_was_not_in_the_class_is_refused(region, school, monday):
    # given: an absence of a 5Б student written at a 5А lesson (left over by an old import)
    stray = Attendance.objects.create(
        lesson=monday[0].lesson,
        student=school.students["pupil_5b"],
        kind=ABSENT,
        author=region.member("teacher"),
    )
    # when
    with pytest.raises(ValidationError) as error:
        set_absence_reason(actor=region.member("teacher"), attendance_ids=[stray.pk], kind=ILL)
    # then
    assert error.value.code == "student_not_in_class"
    assert _kinds([stray]) == [ABSENT]


def test_closed_term_refuses_reason_changes(region, school, monday):
    # given
    term = school.terms[1]
    term.closed_at = timezone.now()
    term.save()
    # when
    with pytest.raises(ValidationError) as error:
        set_absence_reason(actor=region.member("teacher"), attendance_ids=[monday[0].pk], kind=ILL)
    # then
    assert error.value.code == "journal_closed"
    assert _kinds(monday) == [ABSENT, ABSENT]
    assert not AuditEntry.objects.filter(action="journal.attendance_reason_set").exists()


# --- the page ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher", 200),
        ("deputy_head", 200),
        ("director", 404),
        ("admin", 404),
        ("hr", 404),
        ("student", 404),
        ("parent", 404),
        ("other_school_teacher", 404),
        ("other_school_admin", 404),
        ("municipal_staff", 404),
    ],
)
def test_absences_page_access(client, region, school, monday, persona, status):
    # given
    region.login(client, persona)
    # when
    response = client.get(absences_url(school.class_5a))
    # then
    assert response.status_code == status


def test_other_teacher_gets_404(client, region, school, monday):
    # given: the deputy head working as a teacher leads 5Б, not 5А
    login_member(client, region.member("deputy_head").acting_as(OrgRole.TEACHER))
    # when
    response = client.get(absences_url(school.class_5a))
    # then
    assert response.status_code == 404


def test_teacher_cannot_open_another_classes_absences(client, region, school):
    # given
    region.login(client, "teacher")
    # when
    response = client.get(absences_url(school.class_5b))
    # then
    assert response.status_code == 404


def test_page_groups_absences_by_student_and_day(client, region, school, monday):
    # given
    older = _absent(region, school, "pupil_3", "math_5a", date(2026, 11, 6))
    region.login(client, "teacher")
    # when
    response = client.get(absences_url(school.class_5a))
    # then: the last two weeks by default
    html = response.content.decode()
    student = school.students["student"]
    assert f'data-testid="absences-day-{student.pk}-2026-11-23"' in html
    assert f'data-testid="absence-{monday[0].pk}"' in html
    assert f'data-testid="absence-{older.pk}"' not in html
    assert 'data-testid="absences-regulation"' in html
    (entry,) = response.context["students"]
    assert [len(day.rows) for day in entry.days] == [2]
    # when
    response = client.get(
        absences_url(school.class_5a, **{"from": "2026-11-01", "to": "2026-11-25"})
    )
    # then
    assert f'data-testid="absence-{older.pk}"' in response.content.decode()


def test_class_teacher_changes_a_reason_on_the_page(client, region, school, monday):
    # given
    region.login(client, "teacher")
    url = absences_url(school.class_5a, **{"from": "2026-11-16", "to": "2026-11-25"})
    # when
    response = client.post(url, {"attendance": [monday[0].pk], "kind": ILL})
    # then
    assert response.status_code == 302
    assert response["Location"].endswith("?from=2026-11-16&to=2026-11-25")
    assert _kinds(monday) == [ILL, ABSENT]
    # when: the whole day, through htmx
    response = client.post(
        url,
        {"attendance": [row.pk for row in monday], "kind": EXCUSED},
        headers={"HX-Request": "true"},
    )
    # then
    assert response.status_code == 200
    assert 'data-testid="absences-done"' in response.content.decode()
    assert _kinds(monday) == [EXCUSED, EXCUSED]


def test_bad_reason_on_the_page_changes_nothing(client, region, school, monday):
    # given
    region.login(client, "teacher")
    # when
    response = client.post(
        absences_url(school.class_5a), {"attendance": [monday[0].pk], "kind": "late"}
    )
    # then
    assert response.status_code == 400
    assert 'data-testid="absences-errors"' in response.content.decode()
    assert _kinds(monday) == [ABSENT, ABSENT]


def test_other_class_teacher_cannot_post_reasons(client, region, school, monday):
    # given
    absence_5b = _absent(region, school, "pupil_5b", "math_5b", MONDAY)
    region.login(client, "teacher")
    # when: posting 5Б's absence through 5А's page
    response = client.post(
        absences_url(school.class_5a), {"attendance": [absence_5b.pk], "kind": ILL}
    )
    # then
    assert response.status_code == 403
    assert _kinds([absence_5b]) == [ABSENT]


def test_absences_page_costs_the_same_for_a_small_and_a_big_class(client, region, school, monday):
    # given
    region.login(client, "teacher")
    url = absences_url(school.class_5a)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    teacher = region.member("teacher")
    for number in range(27):
        student = enrol_student(
            actor=SYSTEM,
            school_class=school.class_5a,
            on=YEAR_START,
            person_fields={
                "last_name": f"Ученик{number:02d}",
                "first_name": "Иван",
                "middle_name": "Иванович",
                "sex": "male",
                "birth_date": date(2015, 3, 1),
            },
        )
        for lesson in school.lessons("math_5a").filter(date__range=(date(2026, 11, 16), MONDAY)):
            save_cell(actor=teacher, lesson=lesson, student=student, text="б", seen="")
    # when
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    # then
    assert len(response.context["students"]) == 28
    assert len(small.captured_queries) == len(large.captured_queries)
