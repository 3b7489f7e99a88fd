"""Movement orders: each kind changes the rosters from its effective date, a cancelling order
restores them exactly, and every refusal changes nothing."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parta.core.models import AuditEntry
from parta.core.testing.personas import SYSTEM
from parta.school.models import AcademicYear, SchoolClass, StudyGroup
from parta.school.services.classes import save_class
from parta.students.models import ClassEnrolment, MovementOrder
from parta.students.selectors.orders import student_history
from parta.students.selectors.rosters import class_students
from parta.students.services.enrolment import create_student, enrol_student, transfer_student
from parta.students.services.orders import (
    LineInput,
    OrderHeader,
    apply_order,
    cancel_order,
    create_order,
    delete_order,
    update_order,
)

Kind = MovementOrder.Kind


def _names(school_class, on):
    return sorted(s.person.last_name for s in class_students(school_class=school_class, on=on))


def _header(number="1", signed_on=date(2026, 11, 20), effective_on=date(2026, 11, 23), **extra):
    return OrderHeader(number=number, signed_on=signed_on, effective_on=effective_on, **extra)


def _order(region, kind, lines, persona="secretary", **header):
    return create_order(
        actor=region.member(persona),
        organization=region.school,
        kind=kind,
        header=_header(**header),
        lines=lines,
    )


def _enrolments():
    return sorted(
        ClassEnrolment.objects.values_list(
            "student_id", "school_class_id", "starts_on", "ends_on", "opened_by", "closed_by"
        )
    )


def _class(region, school, grade, letter, year=None):
    return save_class(
        actor=region.member("deputy_head"),
        year=year or school.year,
        grade=grade,
        letter=letter,
        class_teacher=None,
    ).row


def _new_card(region, last_name="Новикова"):
    return create_student(
        actor=SYSTEM,
        organization=region.school,
        person_fields={
            "last_name": last_name,
            "first_name": "Нина",
            "has_no_middle_name": True,
            "sex": "female",
        },
    )


def _next_year(region, school):
    year = AcademicYear.objects.create(
        organization=region.school, starts_on=date(2027, 9, 1), ends_on=date(2028, 5, 31)
    )
    return year


def test_transfer_moves_the_student_from_the_effective_date(region, school):
    student = school.students["pupil_3"]
    order = _order(
        region,
        Kind.TRANSFER,
        [LineInput(student=student, from_class=school.class_5a, to_class=school.class_5b)],
    )
    assert _names(school.class_5b, date(2026, 11, 23)) == ["Алексеев", "Григорьев"]

    apply_order(actor=region.member("secretary"), order=order)

    assert "Васильева" in _names(school.class_5a, date(2026, 11, 22))
    assert "Васильева" not in _names(school.class_5b, date(2026, 11, 22))
    assert "Васильева" not in _names(school.class_5a, date(2026, 11, 23))
    assert "Васильева" in _names(school.class_5b, date(2026, 11, 23))
    line = order.lines.get()
    assert ClassEnrolment.objects.get(opened_by=line).school_class == school.class_5b
    assert ClassEnrolment.objects.get(closed_by=line).ends_on == date(2026, 11, 22)
    order.refresh_from_db()
    assert order.is_applied
    entry = AuditEntry.objects.get(action="students.order_applied")
    assert entry.after["students"] == ["Васильева Вера Олеговна"]


def test_withdrawal_ends_the_stay_on_the_effective_date(region, school):
    student = school.students["pupil_2"]
    order = _order(
        region,
        Kind.WITHDRAW,
        [LineInput(student=student, from_class=school.class_5a, destination="Переезд в Казань")],
    )
    apply_order(actor=region.member("secretary"), order=order)
    assert "Борисов" in _names(school.class_5a, date(2026, 11, 23))
    assert "Борисов" not in _names(school.class_5a, date(2026, 11, 24))


@pytest.mark.parametrize(("kind", "grade"), [(Kind.ENROL_FIRST, 1), (Kind.ENROL, 5)])
def test_enrolment_puts_a_card_without_class_into_the_class(region, school, kind, grade):
    target = school.class_5a if grade == 5 else _class(region, school, 1, "А")
    card = _new_card(region)
    order = _order(region, kind, [LineInput(student=card, to_class=target)])
    assert _names(target, date(2026, 11, 23)).count("Новикова") == 0
    apply_order(actor=region.member("deputy_head"), order=order)
    assert "Новикова" not in _names(target, date(2026, 11, 22))
    assert "Новикова" in _names(target, date(2026, 11, 23))


def test_graduation_after_the_ninth_ends_the_stay(region, school):
    nine = _class(region, school, 9, "А")
    graduate = enrol_student(
        actor=SYSTEM,
        school_class=nine,
        on=date(2026, 9, 1),
        person_fields={
            "last_name": "Девятов",
            "first_name": "Дмитрий",
            "has_no_middle_name": True,
            "sex": "male",
        },
    )
    order = _order(
        region,
        Kind.GRADUATE_9,
        [LineInput(student=graduate, from_class=nine)],
        effective_on=date(2027, 5, 31),
        signed_on=date(2026, 11, 20),
    )
    apply_order(actor=region.member("secretary"), order=order)
    assert _names(nine, date(2027, 5, 31)) == ["Девятов"]
    assert graduate.enrolments.get().ends_on == date(2027, 5, 31)


@pytest.mark.parametrize(("kind", "grade"), [(Kind.PROMOTE, 6), (Kind.REPEAT, 5)])
def test_next_year_orders_move_into_the_next_years_class(region, school, kind, grade):
    new_year = _next_year(region, school)
    target = _class(region, school, grade, "А", year=new_year)
    student = school.students["student"]
    order = _order(
        region,
        kind,
        [LineInput(student=student, from_class=school.class_5a, to_class=target)],
        effective_on=date(2027, 9, 1),
        signed_on=date(2027, 5, 28),
    )
    apply_order(actor=region.member("secretary"), order=order)
    assert "Алексеева" in _names(school.class_5a, date(2027, 5, 31))
    assert _names(target, date(2027, 9, 1)) == ["Алексеева"]
    assert not _names(target, date(2027, 8, 31))


def test_cancel_restores_exactly_and_history_keeps_both(region, school):
    student = school.students["pupil_3"]
    before = _enrolments()
    order = _order(
        region,
        Kind.TRANSFER,
        [LineInput(student=student, from_class=school.class_5a, to_class=school.class_5b)],
    )
    apply_order(actor=region.member("secretary"), order=order)

    cancelling = cancel_order(
        actor=region.member("secretary"), order=order, number="2", signed_on=date(2026, 11, 24)
    )

    assert _enrolments() == before
    assert cancelling.kind == Kind.CANCEL and cancelling.cancels == order
    history = student_history(student=student)
    assert [(entry.order, entry.cancelled_by) for entry in history] == [(order, cancelling)]
    assert AuditEntry.objects.filter(action="students.order_cancelled").count() == 1


def test_cancel_of_an_enrolment_removes_the_stay(region, school):
    card = _new_card(region)
    order = _order(region, Kind.ENROL, [LineInput(student=card, to_class=school.class_5a)])
    apply_order(actor=region.member("secretary"), order=order)
    cancel_order(
        actor=region.member("secretary"), order=order, number="9", signed_on=date(2026, 11, 24)
    )
    assert not card.enrolments.exists()


def test_cancel_is_blocked_by_a_later_order_naming_the_student(region, school):
    student = school.students["pupil_3"]
    first = _order(
        region,
        Kind.TRANSFER,
        [LineInput(student=student, from_class=school.class_5a, to_class=school.class_5b)],
    )
    apply_order(actor=region.member("secretary"), order=first)
    second = _order(
        region,
        Kind.WITHDRAW,
        [LineInput(student=student, from_class=school.class_5b)],
        number="2",
        effective_on=date(2026, 11, 24),
    )
    apply_order(actor=region.member("secretary"), order=second)
    state = _enrolments()

    with pytest.raises(ValidationError) as caught:
        cancel_order(
            actor=region.member("secretary"), order=first, number="3", signed_on=date(2026, 11, 25)
        )

    assert caught.value.code == "later_orders"
    assert "Васильева" in caught.value.messages[0]
    assert _enrolments() == state
    assert not MovementOrder.objects.filter(kind=Kind.CANCEL).exists()
    # Cancelling the later order first makes the first one cancellable.
    cancel_order(
        actor=region.member("secretary"), order=second, number="3", signed_on=date(2026, 11, 25)
    )
    cancel_order(
        actor=region.member("secretary"), order=first, number="4", signed_on=date(2026, 11, 25)
    )
    assert _names(school.class_5a, date(2026, 11, 25)) == ["Алексеева", "Борисов", "Васильева"]


def _codes(caught):
    return {error.code for error in caught.value.error_list}


def test_an_applied_order_is_never_edited_or_deleted(region, school):
    order = _order(
        region,
        Kind.WITHDRAW,
        [LineInput(student=school.students["pupil_3"], from_class=school.class_5a)],
    )
    apply_order(actor=region.member("secretary"), order=order)
    state = _enrolments()
    with pytest.raises(ValidationError) as deleting:
        delete_order(actor=region.member("secretary"), order=order)
    with pytest.raises(ValidationError) as editing:
        update_order(
            actor=region.member("secretary"),
            order=order,
            header=_header(number="5"),
            lines=[LineInput(student=school.students["pupil_2"], from_class=school.class_5a)],
        )
    with pytest.raises(ValidationError) as again:
        apply_order(actor=region.member("secretary"), order=order)
    assert deleting.value.code == editing.value.code == again.value.code == "order_applied"
    assert MovementOrder.objects.get().number == "1"
    assert _enrolments() == state


def test_a_draft_is_edited_and_deleted(region, school):
    order = _order(
        region,
        Kind.WITHDRAW,
        [LineInput(student=school.students["pupil_3"], from_class=school.class_5a)],
    )
    update_order(
        actor=region.member("secretary"),
        order=order,
        header=_header(number="7"),
        lines=[LineInput(student=school.students["pupil_2"], from_class=school.class_5a)],
    )
    order.refresh_from_db()
    assert order.number == "7" and order.lines.get().student == school.students["pupil_2"]
    delete_order(actor=region.member("secretary"), order=order)
    assert not MovementOrder.objects.exists()
    assert AuditEntry.objects.filter(action="students.order_deleted").count() == 1


@pytest.mark.parametrize(
    ("kind", "line", "header", "code"),
    [
        ("graduate_9", ("student", "5a", None), {}, "wrong_grade"),
        ("enrol_first", ("new", None, "5a"), {}, "wrong_grade"),
        ("transfer", ("student", "5a", "5b"), {"effective_on": date(2027, 6, 5)}, "outside_year"),
        ("withdraw", ("student", "5a", None), {"number": "taken"}, "number_taken"),
        ("transfer", ("student", "5a", "other"), {}, "foreign_class"),
        ("promote", ("student", "5a", "5b"), {}, "not_next_year"),
    ],
)
def test_refusals_change_nothing(region, school, kind, line, header, code):
    save_class(
        actor=SYSTEM,
        year=AcademicYear.objects.create(
            organization=region.other_school, starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31)
        ),
        grade=5,
        letter="А",
        class_teacher=None,
    )
    classes = {
        "5a": school.class_5a,
        "5b": school.class_5b,
        "other": SchoolClass.objects.get(organization=region.other_school),
        None: None,
    }
    students = {**school.students, "new": _new_card(region)}
    taken = _order(
        region,
        Kind.WITHDRAW,
        [LineInput(student=school.students["pupil_2"], from_class=school.class_5a)],
        number="taken",
    )
    key, source, target = line
    lines = [LineInput(student=students[key], from_class=classes[source], to_class=classes[target])]
    state, orders = _enrolments(), MovementOrder.objects.count()

    with pytest.raises(ValidationError) as at_draft:
        _order(region, kind, lines, **header)
    assert code in _codes(at_draft)
    assert MovementOrder.objects.count() == orders
    assert _enrolments() == state
    assert taken.applied_at is None


@pytest.mark.parametrize(
    ("kind", "key", "source", "target", "code"),
    [
        (Kind.TRANSFER, "pupil_5b", "5b_wrong", "5a", "not_in_class"),
        (Kind.ENROL, "student", None, "5a", "already_enrolled"),
    ],
)
def test_roster_refusals_at_apply_change_nothing(region, school, kind, key, source, target, code):
    classes = {"5a": school.class_5a, "5b_wrong": school.class_5a, None: None}
    target_class = school.class_5b if kind == Kind.TRANSFER else classes[target]
    # pupil_5b is in 5Б, not in 5А the order moves them from; student is already in 5А.
    good = LineInput(
        student=school.students["pupil_3"], from_class=school.class_5a, to_class=school.class_5b
    )
    bad = LineInput(student=school.students[key], from_class=classes[source], to_class=target_class)
    lines = [good, bad] if kind == Kind.TRANSFER else [bad]
    order = _order(region, kind, lines)
    state = _enrolments()

    with pytest.raises(ValidationError) as caught:
        apply_order(actor=region.member("secretary"), order=order)

    assert code in _codes(caught)
    assert _enrolments() == state
    order.refresh_from_db()
    assert order.applied_at is None


def test_a_student_twice_is_refused(region, school):
    student = school.students["pupil_3"]
    line = LineInput(student=student, from_class=school.class_5a)
    with pytest.raises(ValidationError) as caught:
        _order(region, Kind.WITHDRAW, [line, line])
    assert "student_twice" in _codes(caught)
    assert not MovementOrder.objects.exists()


@pytest.mark.parametrize("persona", ["admin", "director", "teacher", "other_school_admin"])
def test_only_order_keepers_write_orders(region, school, persona):
    line = LineInput(student=school.students["pupil_3"], from_class=school.class_5a)
    with pytest.raises(PermissionDenied):
        _order(region, Kind.WITHDRAW, [line], persona=persona)
    order = _order(region, Kind.WITHDRAW, [line])
    with pytest.raises(PermissionDenied):
        apply_order(actor=region.member(persona), order=order)
    order.refresh_from_db()
    assert order.applied_at is None


def test_promotion_carries_subgroups_and_cancel_removes_them(region, school):
    new_year = _next_year(region, school)
    six = _class(region, school, 6, "А", year=new_year)
    six.previous = school.class_5a
    six.save(update_fields=["previous"])
    english = StudyGroup.objects.create(school_class=six, name="Английский, группа 1")
    student = school.students["student"]
    order = _order(
        region,
        Kind.PROMOTE,
        [LineInput(student=student, from_class=school.class_5a, to_class=six)],
        effective_on=date(2027, 9, 1),
    )
    apply_order(actor=region.member("secretary"), order=order)
    assert list(english.member_rows.values_list("student_id", flat=True)) == [student.pk]
    cancel_order(
        actor=region.member("secretary"), order=order, number="2", signed_on=date(2026, 11, 24)
    )
    assert not english.member_rows.exists()


def test_cancel_is_refused_when_the_classes_changed_outside_orders(region, school):
    student = school.students["pupil_3"]
    order = _order(
        region,
        Kind.TRANSFER,
        [LineInput(student=student, from_class=school.class_5a, to_class=school.class_5b)],
    )
    apply_order(actor=region.member("secretary"), order=order)
    transfer_student(
        actor=SYSTEM, student=student, school_class=school.class_5a, on=date(2026, 12, 1)
    )
    state = _enrolments()

    with pytest.raises(ValidationError) as caught:
        cancel_order(
            actor=region.member("secretary"), order=order, number="2", signed_on=date(2026, 12, 2)
        )

    assert caught.value.code == "changed_since"
    assert _enrolments() == state
