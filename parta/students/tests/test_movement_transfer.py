"""A transfer between two schools of the region: the leaving school's withdrawal names the other
school, which sees the student among «Прибывающие» and enrols the same person by its order."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parta.core.testing.personas import SYSTEM, login_member
from parta.identity.models import OrgRole
from parta.identity.services.staff import import_staff_member
from parta.school.models import AcademicYear
from parta.school.services.classes import save_class
from parta.students.models import MovementOrder, Student
from parta.students.selectors.orders import arriving_lines, student_history
from parta.students.selectors.rosters import class_students
from parta.students.services.orders import (
    LineInput,
    OrderHeader,
    apply_order,
    cancel_order,
    create_order,
    enrol_arrival,
)

Kind = MovementOrder.Kind
HEADER = OrderHeader(number="7", signed_on=date(2026, 11, 26), effective_on=date(2026, 11, 26))


@pytest.fixture
def leaving(region, school):
    """pupil_3 leaves Школа № 1 for Школа № 2 (last day 25.11.2026); Школа № 2 has 5«А»."""
    year = AcademicYear.objects.create(
        organization=region.other_school, starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31)
    )
    save_class(actor=SYSTEM, year=year, grade=5, letter="А", class_teacher=None)
    order = create_order(
        actor=region.member("secretary"),
        organization=region.school,
        kind=Kind.WITHDRAW,
        header=OrderHeader(
            number="3", signed_on=date(2026, 11, 25), effective_on=date(2026, 11, 25)
        ),
        lines=[
            LineInput(
                student=school.students["pupil_3"],
                from_class=school.class_5a,
                destination_organization=region.other_school,
            )
        ],
    )
    apply_order(actor=region.member("secretary"), order=order)
    return order


def _other_class(region):
    return region.other_school.classes.get()


def test_the_receiving_school_enrols_the_same_person(client, region, school, leaving):
    person = school.students["pupil_3"].person
    arrival = leaving.lines.get()
    assert not Student.objects.filter(organization=region.other_school).exists()
    region.login(client, "other_school_admin")
    book = client.get(reverse("students:orders")).content.decode()
    assert f'data-testid="arrival-{arrival.pk}"' in book

    order = enrol_arrival(
        actor=SYSTEM,
        organization=region.other_school,
        arrival=arrival,
        kind=Kind.ENROL,
        to_class=_other_class(region),
        header=HEADER,
    )

    card = Student.objects.get(organization=region.other_school)
    assert card.person == person
    assert order.is_applied and order.lines.get().student == card
    assert list(class_students(school_class=_other_class(region), on=date(2026, 11, 26))) == [card]
    assert not arriving_lines(organization=region.other_school).exists()
    # One person, the history of both schools.
    kinds = [
        (entry.order.organization, entry.order.kind) for entry in student_history(student=card)
    ]
    assert kinds == [(region.other_school, Kind.ENROL), (region.school, Kind.WITHDRAW)]
    book = client.get(reverse("students:orders")).content.decode()
    assert 'data-testid="arrivals"' not in book


def test_only_the_destination_school_enrols_an_arrival(region, school, leaving):
    with pytest.raises(ValidationError) as caught:
        enrol_arrival(
            actor=SYSTEM,
            organization=region.south_school,
            arrival=leaving.lines.get(),
            kind=Kind.ENROL,
            to_class=_other_class(region),
            header=HEADER,
        )
    assert caught.value.code == "not_arriving"
    assert not Student.objects.filter(organization=region.south_school).exists()


def test_a_refused_arrival_creates_no_card(region, school, leaving):
    with pytest.raises(ValidationError) as caught:
        enrol_arrival(
            actor=SYSTEM,
            organization=region.other_school,
            arrival=leaving.lines.get(),
            kind=Kind.ENROL_FIRST,  # 5«А» is not a 1st class
            to_class=_other_class(region),
            header=HEADER,
        )
    assert "wrong_grade" in {error.code for error in caught.value.error_list}
    assert not Student.objects.filter(organization=region.other_school).exists()
    assert not MovementOrder.objects.filter(organization=region.other_school).exists()


def test_a_cancelled_withdrawal_is_no_longer_arriving(region, school, leaving):
    cancel_order(actor=SYSTEM, order=leaving, number="4", signed_on=date(2026, 11, 26))
    assert not arriving_lines(organization=region.other_school).exists()


def test_arrival_page_enrols_for_an_order_keeper(client, region, school, leaving):
    # The HR specialist of Школа № 1 also works at Школа № 2, in the same role.
    keeper = import_staff_member(
        actor=region.member("other_school_admin"),
        unit=region.other_school,
        person=region.member("hr").person,
        source=region.member("hr"),
    )
    login_member(client, keeper.acting_as(OrgRole.HR))
    arrival = leaving.lines.get()
    url = reverse("students:order-arrival", args=[arrival.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": Kind.ENROL,
            "to_class": _other_class(region).pk,
            "number": "7",
            "signed_on": "2026-11-26",
            "effective_on": "2026-11-26",
            "event_on": "2026-11-25",
        },
    )
    order = MovementOrder.objects.get(organization=region.other_school)
    assert response["Location"] == reverse("students:order", args=[order.pk])
    assert order.lines.get().student.person == school.students["pupil_3"].person
