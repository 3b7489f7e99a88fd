"""Deadline control of the movement book: late orders counted in Russian working days."""

from datetime import date, datetime, time
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parta.core.testing.personas import SYSTEM
from parta.school.models import AcademicYear
from parta.school.services.classes import save_class
from parta.students import deadlines
from parta.students.models import MovementOrder
from parta.students.services.enrolment import create_student
from parta.students.services.orders import LineInput, OrderHeader, apply_order, create_order

Kind = MovementOrder.Kind
WIDE = {"starts_on": date(2026, 9, 1), "ends_on": date(2027, 9, 30)}


def _entered(order, day):
    MovementOrder.objects.filter(pk=order.pk).update(
        created_at=datetime.combine(day, time(15, 0), tzinfo=timezone.get_current_timezone())
    )


def _order(region, kind, lines, number, signed_on, effective_on, event_on=None, apply=True):
    order = create_order(
        actor=SYSTEM,
        organization=region.school,
        kind=kind,
        header=OrderHeader(
            number=number, signed_on=signed_on, effective_on=effective_on, event_on=event_on
        ),
        lines=lines,
    )
    if apply:
        apply_order(actor=SYSTEM, order=order)
    return order


def _card(region, name):
    return create_student(
        actor=SYSTEM,
        organization=region.school,
        person_fields={
            "last_name": name,
            "first_name": "Ия",
            "has_no_middle_name": True,
            "sex": "female",
        },
    )


def _enrolment(region, school, name, event_on, entered_on, kind=Kind.ENROL, target=None):
    order = _order(
        region,
        kind,
        [LineInput(student=_card(region, name), to_class=target or school.class_5a)],
        number=name,
        signed_on=event_on,
        effective_on=event_on,
        event_on=event_on,
    )
    _entered(order, entered_on)
    return order


@pytest.mark.parametrize(
    ("event_on", "entered_on", "days_late"),
    [
        (date(2026, 11, 20), date(2026, 11, 24), 0),  # Fri → Mon, Tue: two working days
        (date(2026, 11, 20), date(2026, 11, 25), 1),
        (date(2026, 11, 20), date(2026, 11, 28), 3),  # Saturday adds nothing
        (date(2026, 11, 3), date(2026, 11, 6), 0),  # 4 November is a public holiday
        (date(2026, 11, 3), date(2026, 11, 9), 1),
    ],
)
def test_enrolment_is_late_after_two_working_days(region, school, event_on, entered_on, days_late):
    order = _enrolment(region, school, "Ахмедова", event_on, entered_on)
    report = deadlines.movement_report(organization=region.school, **WIDE)
    late = [(row.order, row.days_late) for row in report.late]
    assert late == ([(order, days_late)] if days_late else [])
    counts = {row.kind: (row.total, row.late) for row in report.counts}
    assert counts[Kind.ENROL] == (1, 1 if days_late else 0)


def test_first_class_enrolment_has_three_working_days(region, school):
    first = save_class(actor=SYSTEM, year=school.year, grade=1, letter="А", class_teacher=None).row
    on_time = _enrolment(
        region, school, "Белова", date(2026, 11, 20), date(2026, 11, 25), Kind.ENROL_FIRST, first
    )
    late = _enrolment(
        region, school, "Орлова", date(2026, 11, 20), date(2026, 11, 26), Kind.ENROL_FIRST, first
    )
    report = deadlines.movement_report(organization=region.school, **WIDE)
    assert [(row.order, row.days_late) for row in report.late] == [(late, 1)]
    assert on_time not in [row.order for row in report.late]


def test_dated_deadlines_of_the_year_end(region, school):
    new_year = AcademicYear.objects.create(
        organization=region.school, starts_on=date(2027, 9, 1), ends_on=date(2028, 5, 31)
    )
    six = save_class(actor=SYSTEM, year=new_year, grade=6, letter="А", class_teacher=None).row
    nine = save_class(actor=SYSTEM, year=school.year, grade=9, letter="А", class_teacher=None).row
    nine_next = save_class(actor=SYSTEM, year=new_year, grade=9, letter="А", class_teacher=None).row
    ninth = _card(region, "Девятова")
    nine_pupil = _card(region, "Новикова")
    enrol = _order(
        region,
        Kind.ENROL,
        [LineInput(student=ninth, to_class=nine), LineInput(student=nine_pupil, to_class=nine)],
        "e",
        date(2026, 9, 1),
        date(2026, 9, 1),
    )
    _entered(enrol, date(2026, 9, 1))
    promote = _order(
        region,
        Kind.PROMOTE,
        [LineInput(student=school.students["student"], from_class=school.class_5a, to_class=six)],
        "p",
        date(2027, 8, 30),
        date(2027, 9, 1),
    )
    _entered(promote, date(2027, 9, 2))  # 31 August 2027 is a Tuesday: Wed, Thu late
    graduation = _order(
        region,
        Kind.GRADUATE_9,
        [LineInput(student=ninth, from_class=nine)],
        "g",
        date(2027, 5, 28),
        date(2027, 5, 31),
    )
    _entered(graduation, date(2027, 7, 1))  # on the day: in time
    repeat = _order(
        region,
        Kind.REPEAT,
        [LineInput(student=nine_pupil, from_class=nine, to_class=nine_next)],
        "r",
        date(2027, 6, 30),
        date(2027, 9, 1),
    )
    _entered(repeat, date(2027, 7, 5))  # a 9th grader: by 1 July; Fri 2 and Mon 5 late
    draft = _order(
        region,
        Kind.WITHDRAW,
        [LineInput(student=school.students["pupil_2"], from_class=school.class_5a)],
        "d",
        date(2026, 11, 20),
        date(2026, 11, 20),
        event_on=date(2026, 11, 1),
        apply=False,
    )
    _entered(draft, date(2026, 11, 25))

    report = deadlines.movement_report(organization=region.school, **WIDE)

    assert [(row.order, row.deadline, row.days_late) for row in report.late] == [
        (repeat, date(2027, 7, 1), 2),
        (promote, date(2027, 8, 31), 2),
    ]
    counts = {row.kind: (row.total, row.late) for row in report.counts}
    assert counts[Kind.PROMOTE] == (1, 1)
    assert counts[Kind.REPEAT] == (1, 1)
    assert counts[Kind.GRADUATE_9] == (1, 0)
    assert counts[Kind.WITHDRAW] == (0, 0)  # drafts are not counted
    assert report.total == 4 and report.late_total == 2


def test_report_page_and_its_xlsx(client, region, school):
    order = _enrolment(region, school, "Ахмедова", date(2026, 11, 20), date(2026, 11, 25))
    region.login(client, "deputy_head")
    url = reverse("students:movement-report")
    page = client.get(url, {"starts_on": "2026-09-01", "ends_on": "2026-11-30"})
    html = page.content.decode()
    assert f'data-testid="late-{order.pk}"' in html
    assert page.context["report"].late_total == 1
    default = client.get(url)
    assert default.context["form"].data == {
        "starts_on": date(2026, 9, 1),
        "ends_on": date(2026, 11, 25),
    }

    download = client.get(
        url, {"starts_on": "2026-09-01", "ends_on": "2026-11-30", "format": "xlsx"}
    )
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(download.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert str(order) in values and 1 in values
