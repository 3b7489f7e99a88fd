"""Переход на следующий учебный год: the new year, students one class up, the old year archived."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import SYSTEM
from parta.school.models import AcademicYear, SchoolClass, TeachingAssignment
from parta.school.services.classes import save_class
from parta.students.models import ClassEnrolment
from parta.students.selectors import rosters as selectors
from parta.students.services.enrolment import (
    enrol_student,
    move_to_next_year,
    promote_students,
    withdraw_student,
)

NEW_START, NEW_END = date(2027, 9, 1), date(2028, 5, 31)
PAGE = "/students/transition/"


def _move(region, school, persona="deputy_head"):
    return move_to_next_year(
        actor=region.member(persona), year=school.year, starts_on=NEW_START, ends_on=NEW_END
    )


def _mark(school, student):
    """A mark of the old year, written the way the journal stores it."""
    lesson = school.lessons("math_5a").filter(date__lt=date(2026, 11, 25)).first()
    return lesson.marks.create(
        student=student,
        assignment=school.assignments["math_5a"],
        value="5",
        author=school.assignments["math_5a"].teacher,
    )


def test_after_the_transition_5a_students_are_in_6a_from_1_september(region, school):
    mark = _mark(school, school.students["student"])

    result = _move(region, school)

    six_a = SchoolClass.objects.get(year=result.copy.year, grade=6, letter="А")
    on_first_day = selectors.class_students(school_class=six_a, on=NEW_START)
    assert set(on_first_day) == {
        school.students["student"],
        school.students["pupil_2"],
        school.students["pupil_3"],
    }
    assert not selectors.class_students(school_class=six_a, on=date(2027, 8, 31)).exists()
    old = ClassEnrolment.objects.get(
        student=school.students["student"], school_class=school.class_5a
    )
    assert old.ends_on == date(2027, 5, 31)
    assert result.promoted == 5
    # The subgroup list follows into the copied subgroup.
    english = six_a.groups.get(name="Английский, группа 1")
    assert set(english.member_rows.values_list("student_id", flat=True)) == {
        school.students["student"].pk,
        school.students["pupil_2"].pk,
    }
    # The old year is archived and refuses changes; its marks stay.
    assert AcademicYear.objects.get(pk=school.year.pk).is_archived
    with pytest.raises(ValidationError):
        save_class(
            actor=region.member("deputy_head"),
            year=school.year,
            grade=6,
            letter="В",
            class_teacher=None,
        )
    mark.refresh_from_db()
    assert mark.value == "5" and mark.assignment_id == school.assignments["math_5a"].pk
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"school.year_transition", "students.class_promoted", "school.year_archived"} <= actions


def test_graduating_class_and_students_who_left_stay_behind(region, school):
    deputy = region.member("deputy_head")
    nine = save_class(actor=deputy, year=school.year, grade=9, letter="А", class_teacher=None).row
    graduate = enrol_student(
        actor=SYSTEM,
        school_class=nine,
        on=date(2026, 9, 1),
        person_fields={
            "last_name": "Девятов",
            "first_name": "Дмитрий",
            "middle_name": "Петрович",
            "sex": "male",
        },
    )
    withdraw_student(actor=SYSTEM, student=school.students["pupil_3"], last_day=date(2026, 12, 1))

    result = _move(region, school)

    assert not SchoolClass.objects.filter(year=result.copy.year, grade=10).exists()
    assert graduate.enrolments.get().ends_on is None  # graduation goes through an order
    assert school.students["pupil_3"].enrolments.count() == 1
    assert result.promoted == 4


def test_transition_is_all_or_nothing(region, school):
    AcademicYear.objects.create(
        organization=region.school, starts_on=date(2028, 1, 10), ends_on=date(2028, 6, 30)
    )
    with pytest.raises(ValidationError) as caught:
        _move(region, school)
    assert caught.value.code == "year_exists"
    assert AcademicYear.objects.count() == 2
    assert not AcademicYear.objects.get(pk=school.year.pk).is_archived
    assert ClassEnrolment.objects.filter(ends_on__isnull=True).count() == 5
    assert not AuditEntry.objects.filter(action="school.year_transition").exists()


def test_archived_year_cannot_move_again(region, school):
    _move(region, school)
    with pytest.raises(ValidationError) as caught:
        move_to_next_year(
            actor=region.member("deputy_head"),
            year=AcademicYear.objects.get(pk=school.year.pk),
            starts_on=date(2028, 9, 1),
            ends_on=date(2029, 5, 31),
        )
    assert caught.value.code == "year_archived"
    assert AcademicYear.objects.count() == 2


@pytest.mark.parametrize("persona", ["teacher", "director", "secretary", "other_school_admin"])
def test_only_managers_move_to_the_next_year(region, school, persona):
    with pytest.raises(PermissionDenied):
        _move(region, school, persona)
    assert AcademicYear.objects.count() == 1


def test_promotion_runs_once(region, school):
    result = _move(region, school)
    with pytest.raises(ValidationError):  # the old year is archived now
        promote_students(actor=SYSTEM, old_year=school.year, new_year=result.copy.year)
    assert ClassEnrolment.objects.filter(school_class__year=result.copy.year).count() == 5


def test_preview_reads_without_writing(region, school):
    save_class(
        actor=region.member("deputy_head"),
        year=school.year,
        grade=11,
        letter="А",
        class_teacher=None,
    )
    preview = selectors.transition_preview(year=school.year)
    assert [(str(r.school_class), r.next_name, r.students) for r in preview.rows] == [
        ("5А", "6А", 3),
        ("5Б", "6Б", 2),
        ("11А", "", 0),
    ]
    assert preview.promoted_students == 5
    assert preview.assignments == 5 and preview.timetable_entries == 20
    assert AcademicYear.objects.count() == 1


# --- The page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("deputy_head", 200),
        ("admin", 200),
        ("director", 404),
        ("teacher", 404),
        ("secretary", 404),
        ("other_school_teacher", 404),
        ("parent", 404),
        ("student", 404),
        ("municipal_admin", 404),
    ],
)
def test_transition_page_persona_matrix(client, region, school, persona, status):
    region.login(client, persona)
    assert client.get(PAGE).status_code == status
    response = client.post(
        PAGE,
        {
            "year": school.year.pk,
            "starts_on": "2027-09-01",
            "ends_on": "2028-05-31",
            "step": "confirm",
        },
    )
    if status == 200:
        assert response.status_code == 302
        return
    assert response.status_code == status
    assert AcademicYear.objects.count() == 1


def test_page_previews_then_confirms(client, region, school):
    region.login(client, "deputy_head")
    page = client.get(PAGE)
    html = page.content.decode()
    assert f'data-testid="preview-class-{school.class_5a.pk}"' in html
    assert page.context["form"].initial == {"starts_on": NEW_START, "ends_on": NEW_END}

    data = {"year": school.year.pk, "starts_on": "2027-09-01", "ends_on": "2028-05-31"}
    check = client.post(PAGE, {**data, "step": "preview"})
    assert check.status_code == 200 and check.context["confirming"]
    assert 'data-testid="transition-confirm"' in check.content.decode()
    assert AcademicYear.objects.count() == 1

    done = client.post(PAGE, {**data, "step": "confirm"})
    new_year = AcademicYear.objects.get(starts_on=NEW_START)
    assert done["Location"] == f"{reverse('school:classes')}?year={new_year.pk}"
    assert TeachingAssignment.objects.filter(group__school_class__year=new_year).count() == 5


def test_page_shows_bad_dates_and_changes_nothing(client, region, school):
    region.login(client, "deputy_head")
    response = client.post(
        PAGE,
        {
            "year": school.year.pk,
            "starts_on": "2027-05-01",
            "ends_on": "2028-05-31",
            "step": "confirm",
        },
    )
    assert response.status_code == 400
    assert 'data-testid="transition-error"' in response.content.decode()
    assert AcademicYear.objects.count() == 1
