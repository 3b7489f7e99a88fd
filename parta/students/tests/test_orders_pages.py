"""The movement book's pages: who opens them, what the writes do, and what the book costs."""

from datetime import date

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import SYSTEM
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
        "students:order-edit": ([order.pk], persona in KEEPERS),
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


# --- Changing a draft -------------------------------------------------------------------------


def _state(order):
    """What an edit could change: the header, the students and where they go, the audit."""
    order.refresh_from_db()
    lines = sorted(
        order.lines.values_list("student_id", "from_class_id", "to_class_id", "destination")
    )
    header = (order.number, order.signed_on, order.effective_on, order.event_on, order.note)
    return header, lines, AuditEntry.objects.filter(action="students.order_changed").count()


def _edit(order):
    return reverse("students:order-edit", args=[order.pk])


def _changes(school, number="7", students=("pupil_3", "pupil_2")):
    return {
        "number": number,
        "signed_on": "2026-11-21",
        "effective_on": "2026-11-24",
        "event_on": "2026-11-19",
        "note": "По заявлению родителей",
        "students": [school.students[name].pk for name in students],
        "destination": "Гимназия № 2, Тверь",
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_keepers_change_drafts(client, region, school, persona):
    order = _withdrawal(region, school)
    before = _state(order)
    region.login(client, persona)
    response = client.post(_edit(order), _changes(school))
    if persona in KEEPERS:
        assert response.status_code == 302
        assert _state(order) != before
    else:
        assert response.status_code == 404
        assert _state(order) == before


def test_draft_page_links_to_its_edit_page_and_the_form_is_filled_in(client, region, school):
    order = _withdrawal(region, school)
    region.login(client, "secretary")
    page = client.get(reverse("students:order", args=[order.pk])).content.decode()
    assert f'href="{_edit(order)}"' in page and 'data-testid="edit"' in page

    response = client.get(_edit(order))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["number"] == "1"
    assert form.initial["signed_on"] == date(2026, 11, 20)
    assert form.initial["effective_on"] == date(2026, 11, 23)
    assert form.initial["students"] == [school.students["pupil_3"].pk]
    assert "to_class" not in form.fields and "destination" in form.fields
    assert response.context["source"] == school.class_5a
    html = response.content.decode()
    assert 'data-testid="order-form"' in html and 'data-testid="order-kind-form"' not in html
    assert 'value="1"' in html


def test_editing_a_draft_changes_it_and_writes_the_audit(client, region, school):
    order = _withdrawal(region, school)
    region.login(client, "hr")
    response = client.post(_edit(order), _changes(school), follow=True)
    assert response.redirect_chain == [(reverse("students:order", args=[order.pk]), 302)]
    notes = [str(note) for note in response.context["messages"]]
    assert len(notes) == 1 and "№ 7 от 21.11.2026" in notes[0]
    order.refresh_from_db()
    assert (order.number, order.signed_on, order.effective_on, order.event_on) == (
        "7",
        date(2026, 11, 21),
        date(2026, 11, 24),
        date(2026, 11, 19),
    )
    assert order.note == "По заявлению родителей" and not order.is_applied
    assert sorted(order.lines.values_list("student_id", "from_class_id", "destination")) == sorted(
        (school.students[name].pk, school.class_5a.pk, "Гимназия № 2, Тверь")
        for name in ("pupil_3", "pupil_2")
    )
    entry = AuditEntry.objects.get(action="students.order_changed", target_id=order.pk)
    assert entry.before["number"] == "1" and entry.after["number"] == "7"
    assert len(entry.before["students"]) == 1 and len(entry.after["students"]) == 2
    assert ClassEnrolment.objects.filter(ends_on__isnull=False).count() == 0


def test_edit_page_keeps_offering_a_student_the_draft_names_who_left_the_class(
    client, region, school
):
    order = _withdrawal(region, school)
    moved = school.students["pupil_3"]
    transfer_student(
        actor=SYSTEM, student=moved, school_class=school.class_5b, on=date(2026, 11, 24)
    )
    region.login(client, "secretary")
    form = client.get(_edit(order)).context["form"]
    assert moved.pk in dict(form.fields["students"].choices)
    assert form.initial["students"] == [moved.pk]


def test_transfer_draft_keeps_its_target_class_when_edited(client, region, school):
    region.login(client, "secretary")
    new = reverse("students:order-new") + f"?kind=transfer&from_class={school.class_5a.pk}"
    fields = {
        "number": "4",
        "signed_on": "2026-11-24",
        "effective_on": "2026-11-25",
        "students": [school.students["pupil_2"].pk],
        "to_class": school.class_5b.pk,
    }
    client.post(new, fields)
    order = MovementOrder.objects.get()
    assert client.get(_edit(order)).context["form"].initial["to_class"] == school.class_5b.pk

    students = [school.students["student"].pk, school.students["pupil_3"].pk]
    client.post(_edit(order), {**fields, "students": students})
    assert sorted(order.lines.values_list("student_id", "to_class_id")) == sorted(
        (pk, school.class_5b.pk) for pk in students
    )


@pytest.mark.parametrize("which", ["applied", "cancelled", "cancelling"])
def test_order_in_force_cannot_be_edited(client, region, school, which):
    order = _withdrawal(region, school, applied=True)
    if which != "applied":
        cancelling = cancel_order(
            actor=SYSTEM, order=order, number="2", signed_on=date(2026, 11, 25)
        )
        order = cancelling if which == "cancelling" else order
    before = _state(order)
    region.login(client, "secretary")
    page = client.get(reverse("students:order", args=[order.pk])).content.decode()
    assert 'data-testid="edit"' not in page

    for response in (client.get(_edit(order)), client.post(_edit(order), _changes(school))):
        assert response.status_code == 409
        html = response.content.decode()
        assert 'data-testid="order-errors"' in html
        assert 'data-testid="order-form"' not in html
        assert response.context["refusal"]
    assert _state(order) == before


def test_edit_refusals_are_shown_and_change_nothing(client, region, school):
    _withdrawal(region, school, number="5", student="pupil_2")
    order = _withdrawal(region, school, number="6")
    before = _state(order)
    region.login(client, "secretary")
    duplicate = {**_changes(school, number="5"), "signed_on": "2026-11-20"}
    response = client.post(_edit(order), duplicate)
    assert response.status_code == 400
    assert 'data-testid="order-errors"' in response.content.decode()
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == [
        "number_taken"
    ]
    no_students = client.post(_edit(order), _changes(school, students=()))
    assert no_students.status_code == 400 and no_students.context["form"].errors["students"]
    assert _state(order) == before


def _edit_queries(client, order):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_edit(order))
    assert response.status_code == 200
    return len(queries)


def test_edit_page_costs_the_same_for_one_and_many_students(client, region, school):
    one = _withdrawal(region, school, number="1")
    newcomers = [
        ("Дмитриев", "Денис", "male"),
        ("Егорова", "Ева", "female"),
        ("Жуков", "Жан", "male"),
    ]
    for last_name, first_name, sex in newcomers:
        enrol_student(
            actor=SYSTEM,
            school_class=school.class_5a,
            on=date(2026, 9, 1),
            person_fields={
                "last_name": last_name,
                "first_name": first_name,
                "has_no_middle_name": True,
                "sex": sex,
            },
        )
    everyone = class_students(school_class=school.class_5a, on=date(2026, 11, 25))
    many = create_order(
        actor=SYSTEM,
        organization=region.school,
        kind=Kind.WITHDRAW,
        header=OrderHeader(
            number="2", signed_on=date(2026, 11, 20), effective_on=date(2026, 11, 23)
        ),
        lines=[LineInput(student=s, from_class=school.class_5a) for s in everyone],
    )
    assert many.lines.count() == 6
    region.login(client, "secretary")
    assert _edit_queries(client, many) == _edit_queries(client, one)
