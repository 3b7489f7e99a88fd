"""The movement book's pages: who opens them, what the writes do, and what the book costs."""

from datetime import date

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core.testing.personas import SYSTEM
from parta.students.models import ClassEnrolment, MovementOrder
from parta.students.selectors.orders import student_history
from parta.students.selectors.rosters import class_students
from parta.students.services.enrolment import create_student
from parta.students.services.orders import (
    LineInput,
    OrderHeader,
    apply_order,
    cancel_order,
    create_order,
)

Kind = MovementOrder.Kind
KEEPERS = ["secretary", "hr", "deputy_head"]
VIEWERS = ["admin", "director"]
REPORT_VIEWERS = ["secretary", "hr", "deputy_head", "director"]
NOBODY = [
    "teacher",
    "medical",
    "psychologist",
    "tech_staff",
    "other_school_admin",
    "student",
    "parent",
    "municipal_admin",
    "regional_admin",
]
PERSONAS = KEEPERS + VIEWERS + NOBODY


def _withdrawal(region, school, number="1", student="pupil_3", applied=False):
    order = create_order(
        actor=SYSTEM,
        organization=region.school,
        kind=Kind.WITHDRAW,
        header=OrderHeader(
            number=number, signed_on=date(2026, 11, 20), effective_on=date(2026, 11, 23)
        ),
        lines=[LineInput(student=school.students[student], from_class=school.class_5a)],
    )
    if applied:
        apply_order(actor=SYSTEM, order=order)
    return order


@pytest.mark.parametrize("persona", PERSONAS)
def test_page_access_by_role(client, region, school, persona):
    order = _withdrawal(region, school)
    region.login(client, persona)
    pages = {
        "students:orders": ([], persona in KEEPERS + VIEWERS),
        "students:order": ([order.pk], persona in KEEPERS + VIEWERS),
        "students:order-new": ([], persona in KEEPERS),
        "students:movement-report": ([], persona in REPORT_VIEWERS),
    }
    if persona == "other_school_admin":  # their own school's book, without our orders
        pages["students:orders"] = ([], True)
    for name, (args, allowed) in pages.items():
        response = client.get(reverse(name, args=args))
        assert response.status_code == (200 if allowed else 404), (name, persona)
        if name == "students:orders" and allowed:
            shown = [row.order for row in response.context["book"].rows]
            assert shown == ([] if persona == "other_school_admin" else [order])


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_keepers_apply_orders(client, region, school, persona):
    order = _withdrawal(region, school)
    region.login(client, persona)
    response = client.post(reverse("students:order", args=[order.pk]), {"action": "apply"})
    order.refresh_from_db()
    if persona in KEEPERS:
        assert response.status_code == 302
        assert order.is_applied
    else:
        assert response.status_code == (403 if persona in VIEWERS else 404)
        assert not order.is_applied
        assert ClassEnrolment.objects.filter(ends_on__isnull=False).count() == 0


def test_new_order_page_creates_a_draft_then_apply_moves_the_students(client, region, school):
    region.login(client, "secretary")
    url = reverse("students:order-new")
    query = f"?kind=transfer&from_class={school.class_5a.pk}"
    page = client.get(url + query)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="order-form"' in html
    assert f'value="{school.students["pupil_3"].pk}"' in html

    response = client.post(
        url + query,
        {
            "number": "12-у",
            "signed_on": "2026-11-24",
            "effective_on": "2026-11-25",
            "event_on": "2026-11-23",
            "students": [school.students["pupil_3"].pk, school.students["pupil_2"].pk],
            "to_class": school.class_5b.pk,
        },
    )
    order = MovementOrder.objects.get()
    assert response["Location"] == reverse("students:order", args=[order.pk])
    assert order.lines.count() == 2 and not order.is_applied

    client.post(reverse("students:order", args=[order.pk]), {"action": "apply"})
    on = date(2026, 11, 25)
    assert {s.person.last_name for s in class_students(school_class=school.class_5b, on=on)} == {
        "Алексеев",
        "Григорьев",
        "Васильева",
        "Борисов",
    }
    book = client.get(reverse("students:orders"))
    assert f'data-testid="order-{order.pk}"' in book.content.decode()


def test_new_order_page_shows_refusals_and_writes_nothing(client, region, school):
    _withdrawal(region, school, number="5")
    region.login(client, "secretary")
    response = client.post(
        reverse("students:order-new") + f"?kind=withdraw&from_class={school.class_5a.pk}",
        {
            "number": "5",
            "signed_on": "2026-11-20",
            "effective_on": "2026-11-23",
            "students": [school.students["pupil_2"].pk],
        },
    )
    assert response.status_code == 400
    assert 'data-testid="order-errors"' in response.content.decode()
    assert MovementOrder.objects.count() == 1


def test_applied_order_page_refuses_delete_and_cancels_by_order(client, region, school):
    order = _withdrawal(region, school, applied=True)
    region.login(client, "deputy_head")
    url = reverse("students:order", args=[order.pk])

    refused = client.post(url, {"action": "delete"})
    assert refused.status_code == 400
    assert 'data-testid="order-errors"' in refused.content.decode()
    assert MovementOrder.objects.filter(pk=order.pk).exists()

    client.post(url, {"action": "cancel", "number": "2", "signed_on": "2026-11-25"})
    page = client.get(url)
    assert 'data-testid="status-cancelled"' in page.content.decode()
    assert 'data-testid="cancelled-by"' in page.content.decode()
    assert school.students["pupil_3"].enrolments.get().ends_on is None


def test_draft_is_deleted_from_its_page(client, region, school):
    order = _withdrawal(region, school)
    region.login(client, "secretary")
    response = client.post(reverse("students:order", args=[order.pk]), {"action": "delete"})
    assert response["Location"] == reverse("students:orders")
    assert not MovementOrder.objects.exists()


def test_other_schools_order_is_404(client, region, school):
    order = _withdrawal(region, school)
    region.login(client, "other_school_admin")
    assert client.get(reverse("students:order", args=[order.pk])).status_code == 404


def test_book_filters_by_kind_and_status(client, region, school):
    draft = _withdrawal(region, school, number="1", student="pupil_3")
    applied = _withdrawal(region, school, number="2", student="pupil_2", applied=True)
    region.login(client, "secretary")
    book = reverse("students:orders")

    def shown(query):
        rows = client.get(book + query).context["book"].rows
        return [row.order for row in rows]

    assert shown("?status=draft") == [draft]
    assert shown("?status=applied") == [applied]
    assert shown("?kind=enrol") == []
    assert shown(f"?year={school.year.pk}") == [applied, draft]
    assert shown("?status=cancelled") == []


def _book_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("students:orders"))
    assert response.status_code == 200
    return len(queries)


def test_book_costs_the_same_for_few_and_many_orders(client, region, school):
    _withdrawal(region, school, number="1", applied=True)
    region.login(client, "secretary")
    few = _book_queries(client)
    for number in range(2, 12):
        order = _withdrawal(region, school, number=str(number), student="pupil_2")
        if number % 2:
            order.delete()
    for number in range(20, 25):
        _withdrawal(region, school, number=str(number), student="student")
    assert MovementOrder.objects.count() > 8
    assert _book_queries(client) == few


def test_history_partial_shows_cancelled_orders_next_to_their_cancellation(region, school):
    order = _withdrawal(region, school, applied=True)
    cancelling = cancel_order(actor=SYSTEM, order=order, number="2", signed_on=date(2026, 11, 25))
    html = render_to_string(
        "students/_order_history.html",
        {"history": student_history(student=school.students["pupil_3"])},
    )
    assert f'data-testid="history-{order.pk}"' in html
    assert f'data-testid="history-cancelled-{order.pk}"' in html
    assert str(cancelling.number) in html


def test_enrolment_order_offers_the_cards_without_class(client, region, school):
    card = create_student(
        actor=SYSTEM,
        organization=region.school,
        person_fields={
            "last_name": "Новикова",
            "first_name": "Нина",
            "has_no_middle_name": True,
            "sex": "female",
        },
    )
    region.login(client, "secretary")
    url = reverse("students:order-new") + "?kind=enrol"
    page = client.get(url)
    assert list(page.context["form"].fields["students"].choices) == [
        (card.pk, card.person.full_name)
    ]
    client.post(
        url,
        {
            "number": "3",
            "signed_on": "2026-11-25",
            "effective_on": "2026-11-25",
            "students": [card.pk],
            "to_class": school.class_5b.pk,
        },
    )
    order = MovementOrder.objects.get()
    assert order.kind == Kind.ENROL and order.lines.get().to_class == school.class_5b
