"""Переход на следующий учебный год: the new year, students moved by the year-end orders (one
class up, graduates out, repeaters in the same parallel), the old year archived."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import SYSTEM
from parta.school.models import AcademicYear, SchoolClass, TeachingAssignment
from parta.school.services.classes import save_class
from parta.students.models import ClassEnrolment, MovementOrder
from parta.students.selectors import rosters as selectors
from parta.students.services.enrolment import enrol_student, withdraw_student
from parta.students.services.orders import YearEndNumbers, move_to_next_year, promote_students

NEW_START, NEW_END = date(2027, 9, 1), date(2028, 5, 31)
PAGE = "/students/transition/"
NUMBERS = YearEndNumbers(
    signed_on=date(2027, 5, 25), promote="51", graduate_9="52", graduate_11="53", repeat="54"
)
NUMBER_FIELDS = {
    "signed_on": "2027-05-25",
    "promote_number": "51",
    "graduate_9_number": "52",
    "graduate_11_number": "53",
    "repeat_number": "54",
}


def _move(region, school, persona="deputy_head", numbers=NUMBERS, repeaters=()):
    return move_to_next_year(
        actor=region.member(persona),
        year=school.year,
        starts_on=NEW_START,
        ends_on=NEW_END,
        numbers=numbers,
        repeaters=repeaters,
    )


def _nine_a(region, school):
    nine = save_class(
        actor=region.member("deputy_head"),
        year=school.year,
        grade=9,
        letter="А",
        class_teacher=None,
    ).row
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
    return nine, graduate


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
    assert {"school.year_transition", "students.order_applied", "school.year_archived"} <= actions
    # The students moved by one applied order of the movement book.
    order = MovementOrder.objects.get()
    assert (order.kind, order.number, order.effective_on) == ("promote", "51", NEW_START)
    assert order.is_applied and order.lines.count() == 5
    assert (
        ClassEnrolment.objects.get(
            student=school.students["student"], school_class=six_a
        ).opened_by.order
        == order
    )


def test_graduates_leave_on_the_last_day_and_students_who_left_stay_behind(region, school):
    nine, graduate = _nine_a(region, school)
    withdraw_student(actor=SYSTEM, student=school.students["pupil_3"], last_day=date(2026, 12, 1))

    result = _move(region, school)

    assert not SchoolClass.objects.filter(year=result.copy.year, grade=10).exists()
    assert graduate.enrolments.get().ends_on == date(2027, 5, 31)
    assert graduate.enrolments.get().closed_by.order.kind == "graduate_9"
    assert school.students["pupil_3"].enrolments.count() == 1
    assert result.promoted == 4
    assert result.orders.counts == {"promote": 4, "graduate_9": 1}


def test_repeaters_stay_in_the_same_parallel(region, school):
    repeater = school.students["pupil_3"]

    result = _move(region, school, repeaters=[repeater.pk])

    five_a = SchoolClass.objects.get(year=result.copy.year, grade=5, letter="А")
    six_a = SchoolClass.objects.get(year=result.copy.year, grade=6, letter="А")
    assert list(selectors.class_students(school_class=five_a, on=NEW_START)) == [repeater]
    assert repeater not in selectors.class_students(school_class=six_a, on=NEW_START)
    assert result.promoted == 4
    repeat = MovementOrder.objects.get(kind="repeat")
    assert repeat.number == "54" and repeat.lines.get().student == repeater


def test_missing_order_numbers_change_nothing(region, school):
    with pytest.raises(ValidationError) as caught:
        _move(region, school, numbers=YearEndNumbers(signed_on=date(2027, 5, 25)))
    assert caught.value.code == "number_missing"
    assert AcademicYear.objects.count() == 1
    assert not MovementOrder.objects.exists()
    assert ClassEnrolment.objects.filter(ends_on__isnull=True).count() == 5


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
            numbers=NUMBERS,
        )
    assert caught.value.code == "year_archived"
    assert AcademicYear.objects.count() == 2


@pytest.mark.parametrize(
    "persona", ["teacher", "director", "secretary", "admin", "other_school_admin"]
)
def test_only_managers_move_to_the_next_year(region, school, persona):
    with pytest.raises(PermissionDenied):
        _move(region, school, persona)
    assert AcademicYear.objects.count() == 1


def test_promotion_runs_once(region, school):
    result = _move(region, school)
    with pytest.raises(ValidationError):  # the old year is archived now
        promote_students(
            actor=SYSTEM, old_year=school.year, new_year=result.copy.year, numbers=NUMBERS
        )
    assert ClassEnrolment.objects.filter(school_class__year=result.copy.year).count() == 5


def test_preview_reads_without_writing(region, school):
    save_class(
        actor=region.member("deputy_head"),
        year=school.year,
        grade=11,
        letter="А",
        class_teacher=None,
    )
    _nine_a(region, school)
    repeater = school.students["pupil_2"]
    preview = selectors.transition_preview(year=school.year, repeaters=[repeater.pk])
    assert [(str(r.school_class), r.next_name, len(r.students)) for r in preview.rows] == [
        ("5А", "6А", 3),
        ("5Б", "6Б", 2),
        ("9А", "", 1),
        ("11А", "", 0),
    ]
    assert preview.promoted_students == 4
    assert preview.graduating_students == 1 and preview.repeating_students == 1
    assert preview.assignments == 5 and preview.timetable_entries == 20
    assert AcademicYear.objects.count() == 1


# --- The page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("deputy_head", 200),
        ("admin", 404),
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
            **NUMBER_FIELDS,
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
    assert page.context["form"].initial == {
        "starts_on": NEW_START,
        "ends_on": NEW_END,
        "signed_on": date(2026, 11, 25),
    }

    data = {
        "year": school.year.pk,
        "starts_on": "2027-09-01",
        "ends_on": "2028-05-31",
        "repeaters": [school.students["pupil_3"].pk],
        **NUMBER_FIELDS,
    }
    check = client.post(PAGE, {**data, "step": "preview"})
    assert check.status_code == 200 and check.context["confirming"]
    html = check.content.decode()
    assert 'data-testid="transition-confirm"' in html and 'data-testid="fate-repeat"' in html
    assert AcademicYear.objects.count() == 1

    done = client.post(PAGE, {**data, "step": "confirm"})
    new_year = AcademicYear.objects.get(starts_on=NEW_START)
    assert done["Location"] == f"{reverse('school:classes')}?year={new_year.pk}"
    assert TeachingAssignment.objects.filter(group__school_class__year=new_year).count() == 5
    assert set(MovementOrder.objects.values_list("kind", "number")) == {
        ("promote", "51"),
        ("repeat", "54"),
    }


def test_page_shows_bad_dates_and_changes_nothing(client, region, school):
    region.login(client, "deputy_head")
    response = client.post(
        PAGE,
        {
            "year": school.year.pk,
            "starts_on": "2027-05-01",
            "ends_on": "2028-05-31",
            "step": "confirm",
            **NUMBER_FIELDS,
        },
    )
    assert response.status_code == 400
    assert 'data-testid="transition-error"' in response.content.decode()
    assert AcademicYear.objects.count() == 1
