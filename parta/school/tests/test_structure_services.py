"""«Планирование» services: the year, terms, holidays, day transfers, bells and curriculum."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parta.core.models import AuditEntry
from parta.school.models import (
    AcademicYear,
    BellPeriod,
    CurriculumLine,
    DayTransfer,
    Holiday,
    Term,
    Weekday,
)
from parta.school.services.structure import (
    CurriculumInput,
    close_term,
    create_year,
    delete_holiday,
    delete_transfer,
    reopen_term,
    save_bells,
    save_curriculum,
    save_holiday,
    save_terms,
    save_transfer,
)

QUARTERS = [
    (date(2026, 9, 1), date(2026, 10, 24)),
    (date(2026, 11, 5), date(2026, 12, 27)),
    (date(2027, 1, 12), date(2027, 3, 21)),
    (date(2027, 4, 1), date(2027, 5, 31)),
]


def state(year: AcademicYear) -> tuple:
    """Everything the planning services may change, to prove a refused write changed nothing."""
    year.refresh_from_db()
    return (
        year.lessons_stale_from,
        list(
            Term.objects.filter(year=year).values_list(
                "number", "starts_on", "ends_on", "closed_at"
            )
        ),
        list(Holiday.objects.filter(year=year).values_list("kind", "name", "starts_on", "ends_on")),
        list(DayTransfer.objects.filter(year=year).values_list("on", "works_as", "reason")),
        list(BellPeriod.objects.filter(year=year).values_list("number", "starts_at", "ends_at")),
        list(
            CurriculumLine.objects.filter(year=year)
            .order_by("grade", "subject_id")
            .values_list("grade", "subject_id", "hours_per_week", "is_pass_fail")
        ),
        AcademicYear.objects.count(),
        AuditEntry.objects.count(),
    )


def refused(year, call, code=None, error=ValidationError):
    """Run a write that must fail; check its code and that the database did not change."""
    before = state(year)
    with pytest.raises(error) as raised:
        call()
    if code is not None:
        assert raised.value.code == code
    assert state(year) == before
    return raised.value


def last_audit(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("id")


# --- Year ---------------------------------------------------------------------------------------


def test_create_year_makes_default_terms_covering_the_year(region, today):
    deputy = region.member("deputy_head")

    created = create_year(
        actor=deputy,
        organization=region.school,
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 5, 31),
        term_kind="quarter",
    )

    terms = list(created.year.terms.order_by("number"))
    assert [t.number for t in terms] == [1, 2, 3, 4]
    assert terms[0].starts_on == date(2026, 9, 1)
    assert terms[-1].ends_on == date(2027, 5, 31)
    for previous, following in zip(terms, terms[1:], strict=False):
        assert following.starts_on == previous.ends_on + timedelta(days=1)
    lengths = [(t.ends_on - t.starts_on).days for t in terms]
    assert max(lengths) - min(lengths) <= 1
    entry = last_audit("school.year_saved")
    assert entry.target_id == created.year.pk
    assert entry.after["term_kind"] == "quarter"
    assert len(entry.after["terms"]) == 4


@pytest.mark.parametrize(("kind", "count"), [("trimester", 3), ("half", 2)])
def test_create_year_makes_as_many_terms_as_its_kind_has(region, today, kind, count):
    created = create_year(
        actor=region.member("admin"),
        organization=region.school,
        starts_on=date(2027, 9, 1),
        ends_on=date(2028, 5, 31),
        term_kind=kind,
    )
    assert created.year.terms.count() == count


def test_create_year_refuses_to_overlap_another_year(school, region):
    error = refused(
        school.year,
        lambda: create_year(
            actor=region.member("deputy_head"),
            organization=region.school,
            starts_on=date(2027, 5, 1),
            ends_on=date(2028, 4, 30),
            term_kind="quarter",
        ),
        "year_overlap",
    )
    assert "2026/2027" in error.messages[0]


def test_create_year_may_touch_but_not_overlap(school, region):
    created = create_year(
        actor=region.member("deputy_head"),
        organization=region.school,
        starts_on=date(2027, 6, 1),
        ends_on=date(2028, 5, 31),
        term_kind="half",
    )
    assert created.year.organization == region.school


def test_create_year_refuses_reversed_dates(school, region):
    refused(
        school.year,
        lambda: create_year(
            actor=region.member("deputy_head"),
            organization=region.school,
            starts_on=date(2028, 5, 31),
            ends_on=date(2027, 9, 1),
            term_kind="quarter",
        ),
        "year_dates_reversed",
    )


@pytest.mark.parametrize(
    "persona", ["teacher", "director", "other_school_admin", "municipal_admin"]
)
def test_only_managers_of_the_school_create_a_year(school, region, persona):
    refused(
        school.year,
        lambda: create_year(
            actor=region.member(persona),
            organization=region.school,
            starts_on=date(2027, 9, 1),
            ends_on=date(2028, 5, 31),
            term_kind="quarter",
        ),
        error=PermissionDenied,
    )


# --- Terms --------------------------------------------------------------------------------------


def test_save_terms_moves_boundaries_marks_lessons_stale_and_audits(school, region):
    new = [*QUARTERS]
    new[1] = (date(2026, 11, 9), date(2026, 12, 27))

    changed = save_terms(actor=region.member("deputy_head"), year=school.year, boundaries=new)

    assert [term.number for term in changed] == [2]
    school.year.refresh_from_db()
    assert school.year.lessons_stale_from == date(2026, 11, 5)
    term = school.year.terms.get(number=2)
    assert term.starts_on == date(2026, 11, 9)
    entry = last_audit("school.terms_saved")
    assert entry.before["terms"][1] == ["2026-11-05", "2026-12-27"]
    assert entry.after["terms"][1] == ["2026-11-09", "2026-12-27"]


def test_save_terms_unchanged_writes_nothing(school, region):
    before = state(school.year)
    assert (
        save_terms(actor=region.member("deputy_head"), year=school.year, boundaries=QUARTERS) == []
    )
    assert state(school.year) == before


def _with(index, value):
    boundaries = [*QUARTERS]
    boundaries[index] = value
    return boundaries


@pytest.mark.parametrize(
    ("boundaries", "code"),
    [
        (QUARTERS[:3], "term_count"),
        ([*QUARTERS, (date(2027, 6, 1), date(2027, 6, 2))], "term_count"),
        (_with(0, (date(2026, 8, 25), date(2026, 10, 24))), "outside_year"),
        (_with(3, (date(2027, 4, 1), date(2027, 6, 15))), "outside_year"),
        (_with(1, (date(2026, 12, 27), date(2026, 11, 5))), "dates_reversed"),
        (_with(1, (date(2026, 10, 20), date(2026, 12, 27))), "term_overlap"),
        (
            [QUARTERS[1], QUARTERS[0], QUARTERS[2], QUARTERS[3]],
            "term_order",
        ),
    ],
)
def test_bad_term_boundaries_are_refused_and_nothing_is_saved(school, region, boundaries, code):
    refused(
        school.year,
        lambda: save_terms(
            actor=region.member("deputy_head"), year=school.year, boundaries=boundaries
        ),
        code,
    )


def test_overlapping_terms_message_names_both_terms_and_their_dates(school, region):
    error = refused(
        school.year,
        lambda: save_terms(
            actor=region.member("deputy_head"),
            year=school.year,
            boundaries=_with(1, (date(2026, 10, 20), date(2026, 12, 27))),
        ),
        "term_overlap",
    )
    message = error.messages[0]
    first, second = school.terms[0], school.terms[1]
    assert first.name in message
    assert second.name in message
    assert "24.10.2026" in message
    assert "20.10.2026" in message


def test_a_closed_term_keeps_its_dates(school, region):
    deputy = region.member("deputy_head")
    close_term(actor=deputy, term=school.terms[0])
    refused(
        school.year,
        lambda: save_terms(
            actor=deputy,
            year=school.year,
            boundaries=_with(0, (date(2026, 9, 1), date(2026, 10, 23))),
        ),
        "term_closed",
    )


def test_teacher_cannot_save_terms(school, region):
    refused(
        school.year,
        lambda: save_terms(actor=region.member("teacher"), year=school.year, boundaries=QUARTERS),
        error=PermissionDenied,
    )


# --- Closing terms ------------------------------------------------------------------------------


def test_deputy_head_closes_and_reopens_a_term(school, region):
    deputy = region.member("deputy_head")
    term = school.terms[0]

    closed = close_term(actor=deputy, term=term)

    term.refresh_from_db()
    assert closed.changed and term.is_closed
    assert last_audit("school.term_closed").target_id == term.pk

    reopened = reopen_term(actor=deputy, term=term)

    term.refresh_from_db()
    assert reopened.changed and not term.is_closed
    entry = last_audit("school.term_reopened")
    assert entry.after == {"closed_at": None}
    assert entry.before["closed_at"]


def test_closing_a_closed_term_changes_nothing(school, region):
    deputy = region.member("deputy_head")
    close_term(actor=deputy, term=school.terms[0])
    before = state(school.year)
    assert not close_term(actor=deputy, term=school.terms[0]).changed
    assert state(school.year) == before


@pytest.mark.parametrize("persona", ["admin", "director", "teacher", "municipal_head"])
def test_only_the_deputy_head_closes_terms(school, region, persona):
    refused(
        school.year,
        lambda: close_term(actor=region.member(persona), term=school.terms[0]),
        error=PermissionDenied,
    )


# --- Archived year ------------------------------------------------------------------------------


@pytest.fixture
def archived(school):
    school.year.is_archived = True
    school.year.save(update_fields=["is_archived"])
    return school


def _writes(school, region):
    deputy = region.member("deputy_head")
    year = school.year
    holiday = year.holidays.first()
    transfer = DayTransfer.objects.create(year=year, on=date(2027, 2, 6), works_as=Weekday.MONDAY)
    math = region.subjects["Математика"]
    return {
        "terms": lambda: save_terms(actor=deputy, year=year, boundaries=_with(0, (date(2026, 9, 2), date(2026, 10, 24)))),
        "close": lambda: close_term(actor=deputy, term=school.terms[0]),
        "holiday": lambda: save_holiday(actor=deputy, year=year, kind="public", name="День", starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 1)),
        "holiday_delete": lambda: delete_holiday(actor=deputy, holiday=holiday),
        "transfer": lambda: save_transfer(actor=deputy, year=year, on=date(2027, 2, 13), works_as=0),
        "transfer_delete": lambda: delete_transfer(actor=deputy, transfer=transfer),
        "bells": lambda: save_bells(actor=deputy, year=year, rows=[(1, time(8), time(8, 45)), (2, time(9), time(9, 45)), (3, time(10), time(10, 45))]),
        "curriculum": lambda: save_curriculum(actor=deputy, year=year, grade=5, lines=[CurriculumInput(math, Decimal(6))]),
    }  # fmt: skip


@pytest.mark.parametrize(
    "write",
    [
        "terms",
        "close",
        "holiday",
        "holiday_delete",
        "transfer",
        "transfer_delete",
        "bells",
        "curriculum",
    ],
)
def test_an_archived_year_refuses_every_write(archived, region, write):
    call = _writes(archived, region)[write]
    refused(archived.year, call, "year_archived")


# --- Holidays -----------------------------------------------------------------------------------


def test_save_holiday_in_good_time_has_no_warning(school, region):
    result = save_holiday(
        actor=region.member("deputy_head"),
        year=school.year,
        kind="vacation",
        name="Дополнительные каникулы",
        starts_on=date(2027, 2, 15),
        ends_on=date(2027, 2, 21),
    )

    assert result.created and result.warning is None
    school.year.refresh_from_db()
    assert school.year.lessons_stale_from == date(2027, 2, 15)
    entry = last_audit("school.holiday_saved")
    assert entry.target_id == result.row.pk
    assert entry.after["name"] == "Дополнительные каникулы"


def test_holiday_entered_less_than_two_weeks_ahead_is_saved_with_a_warning(school, region):
    result = save_holiday(
        actor=region.member("deputy_head"),
        year=school.year,
        kind="public",
        name="День школы",
        starts_on=date(2026, 12, 8),
        ends_on=date(2026, 12, 8),
    )

    assert Holiday.objects.filter(pk=result.row.pk).exists()
    assert result.warning
    assert "24.11.2026" in result.warning


def test_changing_a_holiday_marks_lessons_from_the_earlier_start(school, region):
    autumn = school.year.holidays.get(name="Зимние каникулы")
    save_holiday(
        actor=region.member("deputy_head"),
        year=school.year,
        holiday=autumn,
        kind="vacation",
        name="Зимние каникулы",
        starts_on=date(2026, 12, 30),
        ends_on=date(2027, 1, 11),
    )
    school.year.refresh_from_db()
    assert school.year.lessons_stale_from == date(2026, 12, 28)
    entry = last_audit("school.holiday_saved")
    assert entry.before == {"starts_on": "2026-12-28"}
    assert entry.after == {"starts_on": "2026-12-30"}


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "name", "code"),
    [
        (date(2027, 5, 25), date(2027, 6, 5), "Лето", "outside_year"),
        (date(2026, 8, 20), date(2026, 9, 2), "Август", "outside_year"),
        (date(2027, 2, 21), date(2027, 2, 15), "Февраль", "dates_reversed"),
        (date(2027, 2, 15), date(2027, 2, 21), "  ", "holiday_name"),
    ],
)
def test_bad_holidays_are_refused(school, region, starts_on, ends_on, name, code):
    refused(
        school.year,
        lambda: save_holiday(
            actor=region.member("deputy_head"),
            year=school.year,
            kind="vacation",
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
        ),
        code,
    )


def test_delete_holiday_audits_and_marks_lessons_stale(school, region):
    winter = school.year.holidays.get(name="Зимние каникулы")
    delete_holiday(actor=region.member("deputy_head"), holiday=winter)
    assert not Holiday.objects.filter(pk=winter.pk).exists()
    school.year.refresh_from_db()
    assert school.year.lessons_stale_from == date(2026, 12, 28)
    entry = last_audit("school.holiday_deleted")
    assert entry.target_id == winter.pk
    assert entry.before["name"] == "Зимние каникулы"


def test_secretary_cannot_add_holidays(school, region):
    refused(
        school.year,
        lambda: save_holiday(
            actor=region.member("secretary"),
            year=school.year,
            kind="vacation",
            name="Каникулы",
            starts_on=date(2027, 2, 15),
            ends_on=date(2027, 2, 21),
        ),
        error=PermissionDenied,
    )


# --- Day transfers ------------------------------------------------------------------------------


def test_saturday_works_as_monday(school, region):
    result = save_transfer(
        actor=region.member("deputy_head"),
        year=school.year,
        on=date(2027, 2, 13),
        works_as=Weekday.MONDAY,
        reason="Перенос с 22.02",
    )

    assert result.created and result.warning is None
    assert result.row.get_works_as_display()
    school.year.refresh_from_db()
    assert school.year.lessons_stale_from == date(2027, 2, 13)
    assert last_audit("school.transfer_saved").after["works_as"] == 0


@pytest.mark.parametrize(
    ("on", "late"),
    [
        (date(2026, 11, 25), True),  # today
        (date(2026, 11, 26), True),  # tomorrow, Thursday
        (date(2026, 11, 27), False),  # Friday: Wednesday is two working days before it
        (date(2026, 11, 28), False),
        (date(2026, 12, 5), False),
    ],
)
def test_late_transfer_is_saved_with_a_warning(school, region, on, late):
    result = save_transfer(actor=region.member("deputy_head"), year=school.year, on=on, works_as=2)
    assert DayTransfer.objects.filter(pk=result.row.pk).exists()
    assert bool(result.warning) is late


@pytest.mark.parametrize(
    ("on", "works_as", "code"),
    [
        (date(2027, 6, 5), 0, "outside_year"),
        (date(2026, 8, 29), 0, "outside_year"),
        (date(2027, 2, 14), 6, "transfer_weekday"),
        (date(2027, 2, 6), 1, "transfer_duplicate"),
    ],
)
def test_bad_transfers_are_refused(school, region, on, works_as, code):
    DayTransfer.objects.create(year=school.year, on=date(2027, 2, 6), works_as=Weekday.FRIDAY)
    refused(
        school.year,
        lambda: save_transfer(
            actor=region.member("deputy_head"), year=school.year, on=on, works_as=works_as
        ),
        code,
    )


def test_changing_a_transfer_keeps_its_date_unique_to_itself(school, region):
    deputy = region.member("deputy_head")
    transfer = save_transfer(actor=deputy, year=school.year, on=date(2027, 2, 13), works_as=0).row
    result = save_transfer(
        actor=deputy, year=school.year, transfer=transfer, on=date(2027, 2, 13), works_as=4
    )
    assert not result.created
    transfer.refresh_from_db()
    assert transfer.works_as == 4


def test_delete_transfer_audits_and_marks_lessons_stale(school, region):
    transfer = DayTransfer.objects.create(year=school.year, on=date(2027, 2, 13), works_as=0)
    delete_transfer(actor=region.member("deputy_head"), transfer=transfer)
    assert not DayTransfer.objects.filter(pk=transfer.pk).exists()
    school.year.refresh_from_db()
    assert school.year.lessons_stale_from == date(2027, 2, 13)
    assert last_audit("school.transfer_deleted").target_id == transfer.pk


# --- Bells --------------------------------------------------------------------------------------

FIVE_BELLS = [
    (1, time(8, 0), time(8, 45)),
    (2, time(8, 55), time(9, 40)),
    (3, time(10, 0), time(10, 45)),
    (4, time(11, 5), time(11, 50)),
    (5, time(12, 0), time(12, 45)),
]


def test_save_bells_replaces_the_schedule_and_audits(school, region):
    bells = save_bells(actor=region.member("admin"), year=school.year, rows=FIVE_BELLS)

    assert [bell.number for bell in bells] == [1, 2, 3, 4, 5]
    stored = list(school.year.bells.order_by("number").values_list("starts_at", flat=True))
    assert stored[0] == time(8, 0)
    entry = last_audit("school.bells_saved")
    assert entry.before["bells"][0] == [1, "08:30", "09:15"]
    assert entry.after["bells"][4] == [5, "12:00", "12:45"]


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ([FIVE_BELLS[0], FIVE_BELLS[2], FIVE_BELLS[3]], "bell_numbers"),
        ([*FIVE_BELLS[:2], (3, time(9, 30), time(10, 15))], "bell_overlap"),
        ([*FIVE_BELLS[:2], (3, time(10, 45), time(10, 0))], "bell_reversed"),
        ([*FIVE_BELLS[:2], (3, None, time(10, 0))], "bell_missing"),
        (FIVE_BELLS[:2], "bell_in_use"),
    ],
)
def test_bad_bells_are_refused(school, region, rows, code):
    refused(
        school.year,
        lambda: save_bells(actor=region.member("deputy_head"), year=school.year, rows=rows),
        code,
    )


# --- Curriculum ---------------------------------------------------------------------------------


def test_save_curriculum_sets_one_parallel_and_audits(school, region):
    subjects = region.subjects
    lines = [
        CurriculumInput(subjects["Математика"], Decimal(6)),
        CurriculumInput(subjects["Физика"], Decimal("1.5"), is_pass_fail=True),
    ]

    saved = save_curriculum(
        actor=region.member("deputy_head"), year=school.year, grade=5, lines=lines
    )

    assert len(saved) == 2
    stored = {
        line.subject.name: (line.hours_per_week, line.is_pass_fail)
        for line in CurriculumLine.objects.filter(year=school.year, grade=5)
    }
    assert stored == {"Математика": (Decimal(6), False), "Физика": (Decimal("1.5"), True)}
    entry = last_audit("school.curriculum_saved")
    assert entry.after["grade"] == 5
    assert entry.after["lines"]["История"] is None
    assert entry.after["lines"]["Физика"] == ["1.5", True]


@pytest.mark.parametrize(
    ("hours", "code"),
    [
        (Decimal(0), "curriculum_hours"),
        (Decimal(-1), "curriculum_hours"),
        (Decimal("1.25"), "curriculum_hours_format"),
    ],
)
def test_curriculum_hours_must_be_positive(school, region, hours, code):
    refused(
        school.year,
        lambda: save_curriculum(
            actor=region.member("deputy_head"),
            year=school.year,
            grade=5,
            lines=[CurriculumInput(region.subjects["Физика"], hours)],
        ),
        code,
    )


def test_curriculum_has_one_line_per_subject(school, region):
    math = region.subjects["Математика"]
    refused(
        school.year,
        lambda: save_curriculum(
            actor=region.member("deputy_head"),
            year=school.year,
            grade=5,
            lines=[CurriculumInput(math, Decimal(5)), CurriculumInput(math, Decimal(1))],
        ),
        "curriculum_duplicate",
    )


def test_curriculum_refuses_a_parallel_out_of_range(school, region):
    refused(
        school.year,
        lambda: save_curriculum(
            actor=region.member("deputy_head"),
            year=school.year,
            grade=12,
            lines=[CurriculumInput(region.subjects["Физика"], Decimal(1))],
        ),
        "grade",
    )


def test_municipal_staff_cannot_change_the_curriculum(school, region):
    refused(
        school.year,
        lambda: save_curriculum(
            actor=region.member("municipal_staff"),
            year=school.year,
            grade=5,
            lines=[CurriculumInput(region.subjects["Физика"], Decimal(1))],
        ),
        error=PermissionDenied,
    )
