"""«Планирование» and «Учебный план» pages: who sees them, who edits them, what a write returns."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import STAFF_PERSONAS
from parta.orgs.models import Subject
from parta.school.models import AcademicYear, CurriculumLine, DayTransfer, Holiday, Term
from parta.school.tests.test_structure_services import state

SCHOOL_STAFF = [
    "admin",
    "director",
    "deputy_head",
    "teacher",
    "hr",
    "secretary",
    "medical",
    "psychologist",
    "tech_staff",
]
ALL_PERSONAS = [*STAFF_PERSONAS, "student", "parent"]
OWN_PAGE_VIEWERS = {*SCHOOL_STAFF, "other_school_admin", "other_school_teacher"}
SCHOOL_VIEWERS = {
    *SCHOOL_STAFF,
    "municipal_admin",
    "municipal_head",
    "municipal_staff",
    "regional_admin",
}
MANAGERS = {"admin", "deputy_head"}
HX = {"HTTP_HX_REQUEST": "true"}


def planning_of(region, year=None):
    url = reverse("school:planning-of", args=[region.school.pk])
    return f"{url}?year={year.pk}" if year else url


def curriculum_of(region, year=None, grade=None):
    url = reverse("school:curriculum-of", args=[region.school.pk])
    query = []
    if year:
        query.append(f"year={year.pk}")
    if grade:
        query.append(f"grade={grade}")
    return f"{url}?{'&'.join(query)}" if query else url


def terms_post(boundaries):
    data = {}
    for number, (start, end) in enumerate(boundaries, start=1):
        data[f"terms-start_{number}"] = start.isoformat()
        data[f"terms-end_{number}"] = end.isoformat()
    return data


def quarters(school):
    return [(term.starts_on, term.ends_on) for term in school.terms]


# --- Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_own_planning_page_opens_for_school_staff_only(client, school, region, persona):
    region.login(client, persona)
    response = client.get(reverse("school:planning"))
    assert response.status_code == (200 if persona in OWN_PAGE_VIEWERS else 404)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_school_planning_opens_for_its_staff_and_its_authorities(client, school, region, persona):
    region.login(client, persona)
    response = client.get(planning_of(region))
    assert response.status_code == (200 if persona in SCHOOL_VIEWERS else 404)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_curriculum_opens_like_planning(client, school, region, persona):
    region.login(client, persona)
    own = client.get(reverse("school:curriculum"))
    of_school = client.get(curriculum_of(region))
    assert own.status_code == (200 if persona in OWN_PAGE_VIEWERS else 404)
    assert of_school.status_code == (200 if persona in SCHOOL_VIEWERS else 404)


def test_a_year_of_another_school_is_404(client, school, region):
    other = AcademicYear.objects.create(
        organization=region.other_school, starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31)
    )
    region.login(client, "deputy_head")
    assert client.get(f"{reverse('school:planning')}?year={other.pk}").status_code == 404
    assert client.get(f"{reverse('school:curriculum')}?year={other.pk}").status_code == 404
    region.login(client, "municipal_staff")
    assert client.get(planning_of(region, other)).status_code == 404


# --- What each role sees --------------------------------------------------------------------------


def test_page_shows_year_terms_holidays_transfers_and_bells(client, school, region):
    DayTransfer.objects.create(year=school.year, on=date(2027, 2, 13), works_as=0, reason="Перенос")
    region.login(client, "teacher")
    page = client.get(reverse("school:planning")).content.decode()
    assert 'data-testid="year-dates">01.09.2026 – 31.05.2027' in page
    for number in (1, 2, 3, 4):
        assert f'data-testid="term-{number}"' in page
    assert "05.11.2026" in page
    assert "Зимние каникулы" in page
    assert "13.02.2027" in page
    assert 'data-testid="bell-1"' in page
    assert reverse("school:curriculum") + f"?year={school.year.pk}" in page


@pytest.mark.parametrize(
    ("persona", "forms", "close"),
    [
        ("deputy_head", True, True),
        ("admin", True, False),
        ("director", False, False),
        ("teacher", False, False),
        ("tech_staff", False, False),
    ],
)
def test_forms_and_close_buttons_follow_the_rights(client, school, region, persona, forms, close):
    region.login(client, persona)
    page = client.get(reverse("school:planning")).content.decode()
    assert ('name="terms-start_1"' in page) is forms
    assert ('data-testid="holiday-form"' in page) is forms
    assert ('data-testid="transfer-form"' in page) is forms
    assert ('name="bells-start_1"' in page) is forms
    assert ('data-testid="year-form"' in page) is forms
    assert ('data-testid="term-close"' in page) is close
    if forms:
        assert 'data-testid="holiday-rule"' in page
        assert 'data-testid="transfer-rule"' in page


def test_municipal_staff_see_the_school_read_only(client, school, region):
    region.login(client, "municipal_staff")
    page = client.get(planning_of(region)).content.decode()
    assert "Зимние каникулы" in page
    assert "<form" not in page.split("<main>")[1].split("</main>")[0]
    assert curriculum_of(region, school.year) in page


def test_year_switch_shows_the_chosen_year(client, school, region):
    older = AcademicYear.objects.create(
        organization=region.school,
        starts_on=date(2025, 9, 1),
        ends_on=date(2026, 5, 31),
        term_kind="half",
        is_archived=True,
    )
    region.login(client, "deputy_head")
    current = client.get(reverse("school:planning")).content.decode()
    assert current.index(f'data-testid="year-{school.year.pk}"') < current.index(
        f'data-testid="year-{older.pk}"'
    )
    page = client.get(f"{reverse('school:planning')}?year={older.pk}").content.decode()
    assert 'data-testid="year-dates">01.09.2025 – 31.05.2026' in page
    assert 'data-testid="year-archived"' in page
    assert 'name="terms-start_1"' not in page
    assert 'data-testid="year-form"' in page


# --- Writes: only managers ------------------------------------------------------------------------


def _write_requests(school, region):
    year = school.year
    holiday = year.holidays.get(name="Весенние каникулы")
    transfer = DayTransfer.objects.create(year=year, on=date(2027, 2, 6), works_as=0)
    shifted = quarters(school)
    shifted[0] = (date(2026, 9, 2), date(2026, 10, 24))
    holiday_data = {
        "holiday-kind": "public",
        "holiday-name": "День",
        "holiday-starts_on": "2027-02-01",
        "holiday-ends_on": "2027-02-01",
    }
    return {
        "terms": (reverse("school:planning-terms", args=[year.pk]), terms_post(shifted)),
        "close": (reverse("school:planning-term-close", args=[school.terms[0].pk]), {}),
        "holiday_add": (reverse("school:planning-holiday-add", args=[year.pk]), holiday_data),
        "holiday_edit": (reverse("school:planning-holiday-edit", args=[holiday.pk]), holiday_data),
        "holiday_delete": (reverse("school:planning-holiday-delete", args=[holiday.pk]), {}),
        "transfer_add": (
            reverse("school:planning-transfer-add", args=[year.pk]),
            {"transfer-on": "2027-02-13", "transfer-works_as": "0"},
        ),
        "transfer_delete": (reverse("school:planning-transfer-delete", args=[transfer.pk]), {}),
        "bells": (
            reverse("school:planning-bells", args=[year.pk]),
            {f"bells-start_{n}": f"0{n + 7}:00" for n in range(1, 4)}
            | {f"bells-end_{n}": f"0{n + 7}:45" for n in range(1, 4)},
        ),
        "curriculum": (
            curriculum_of(region, year, 5),
            {f"curriculum-hours_{region.subjects['Физика'].pk}": "2"},
        ),
    }


@pytest.mark.parametrize(
    "write",
    [
        "terms",
        "close",
        "holiday_add",
        "holiday_edit",
        "holiday_delete",
        "transfer_add",
        "transfer_delete",
        "bells",
        "curriculum",
    ],
)
def test_writes_by_anyone_but_a_manager_change_nothing(client, school, region, write):
    url, data = _write_requests(school, region)[write]
    writers = {"deputy_head"} if write == "close" else MANAGERS
    before = state(school.year)
    for persona in ALL_PERSONAS:
        if persona in writers:
            continue
        region.login(client, persona)
        for headers in ({}, HX):
            response = client.post(url, data, **headers)
            expected = 403 if persona in SCHOOL_VIEWERS else 404
            assert response.status_code == expected, (persona, headers)
    assert state(school.year) == before


@pytest.mark.parametrize("persona", ["teacher", "director", "secretary", "municipal_head"])
def test_year_creation_is_refused_to_non_managers(client, school, region, persona):
    region.login(client, persona)
    before = AcademicYear.objects.count()
    response = client.post(
        reverse("school:planning-year-create"),
        {"year-starts_on": "2027-09-01", "year-ends_on": "2028-05-31", "year-term_kind": "quarter"},
    )
    assert response.status_code in (403, 404)
    assert AcademicYear.objects.count() == before


# --- Writes by the deputy head ------------------------------------------------------------------


def test_deputy_head_creates_a_year_and_lands_on_it(client, school, region):
    region.login(client, "deputy_head")
    response = client.post(
        reverse("school:planning-year-create"),
        {
            "year-starts_on": "2027-09-01",
            "year-ends_on": "2028-05-31",
            "year-term_kind": "trimester",
        },
    )
    year = AcademicYear.objects.get(organization=region.school, starts_on=date(2027, 9, 1))
    assert response.status_code == 302
    assert response.url == f"{reverse('school:planning')}?year={year.pk}"
    assert year.terms.count() == 3


def test_creating_a_year_with_htmx_redirects_the_client(client, school, region):
    region.login(client, "admin")
    response = client.post(
        reverse("school:planning-year-create"),
        {"year-starts_on": "2027-09-01", "year-ends_on": "2028-05-31", "year-term_kind": "half"},
        **HX,
    )
    year = AcademicYear.objects.get(organization=region.school, starts_on=date(2027, 9, 1))
    assert response["HX-Redirect"] == f"{reverse('school:planning')}?year={year.pk}"


def test_an_overlapping_year_shows_the_error_in_the_form(client, school, region):
    region.login(client, "deputy_head")
    response = client.post(
        reverse("school:planning-year-create"),
        {"year-starts_on": "2027-01-01", "year-ends_on": "2027-12-31", "year-term_kind": "quarter"},
        **HX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="school-year-create"' in body
    assert "2026/2027" in body and "errorlist" in body
    assert AcademicYear.objects.count() == 1


def test_terms_saved_with_htmx_return_the_terms_block(client, school, region):
    region.login(client, "deputy_head")
    shifted = quarters(school)
    shifted[1] = (date(2026, 11, 9), date(2026, 12, 27))
    response = client.post(
        reverse("school:planning-terms", args=[school.year.pk]), terms_post(shifted), **HX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="card" id="school-terms"')
    assert 'data-testid="note-success"' in body
    assert 'value="2026-11-09"' in body
    assert response["Vary"] and "HX-Request" in response["Vary"]
    assert Term.objects.get(year=school.year, number=2).starts_on == date(2026, 11, 9)


def test_terms_saved_with_a_plain_post_redirect_to_the_page(client, school, region):
    region.login(client, "deputy_head")
    shifted = quarters(school)
    shifted[3] = (date(2027, 4, 1), date(2027, 5, 30))
    response = client.post(
        reverse("school:planning-terms", args=[school.year.pk]), terms_post(shifted)
    )
    assert response.status_code == 302
    assert response.url.startswith(f"{reverse('school:planning')}?year={school.year.pk}")
    assert Term.objects.get(year=school.year, number=4).ends_on == date(2027, 5, 30)


@pytest.mark.parametrize("headers", [{}, HX])
def test_overlapping_terms_are_shown_with_both_names_and_nothing_is_saved(
    client, school, region, headers
):
    region.login(client, "deputy_head")
    overlapping = quarters(school)
    overlapping[2] = (date(2026, 12, 20), date(2027, 3, 21))
    before = state(school.year)
    response = client.post(
        reverse("school:planning-terms", args=[school.year.pk]), terms_post(overlapping), **headers
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert school.terms[1].name in body and school.terms[2].name in body
    assert "20.12.2026" in body and "27.12.2026" in body
    assert 'value="2026-12-20"' in body
    assert state(school.year) == before


def test_closing_a_term_shows_it_closed_to_everyone(client, school, region):
    term = school.terms[0]
    region.login(client, "deputy_head")
    response = client.post(reverse("school:planning-term-close", args=[term.pk]), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="closed"' in body
    assert 'data-testid="term-reopen"' in body
    term.refresh_from_db()
    assert term.is_closed

    region.login(client, "teacher")
    page = client.get(reverse("school:planning")).content.decode()
    assert page.count('data-status="closed"') == 1
    assert 'data-testid="term-reopen"' not in page


def test_deputy_head_reopens_a_term(client, school, region):
    term = school.terms[0]
    region.login(client, "deputy_head")
    client.post(reverse("school:planning-term-close", args=[term.pk]))
    response = client.post(reverse("school:planning-term-reopen", args=[term.pk]))
    assert response.status_code == 302
    term.refresh_from_db()
    assert not term.is_closed
    assert AuditEntry.objects.filter(action="school.term_reopened", target_id=term.pk).exists()


def test_late_holiday_is_saved_with_a_warning(client, school, region):
    region.login(client, "deputy_head")
    response = client.post(
        reverse("school:planning-holiday-add", args=[school.year.pk]),
        {
            "holiday-kind": "public",
            "holiday-name": "День школы",
            "holiday-starts_on": "2026-12-01",
            "holiday-ends_on": "2026-12-01",
        },
        **HX,
    )
    body = response.content.decode()
    assert 'data-testid="note-warning"' in body
    assert "17.11.2026" in body
    assert Holiday.objects.filter(year=school.year, name="День школы").exists()


def test_late_transfer_warning_survives_the_redirect(client, school, region):
    region.login(client, "deputy_head")
    response = client.post(
        reverse("school:planning-transfer-add", args=[school.year.pk]),
        {"transfer-on": "2026-11-26", "transfer-works_as": "1"},
        follow=True,
    )
    levels = [message.level_tag for message in response.context["messages"]]
    assert levels == ["success", "warning"]
    assert DayTransfer.objects.filter(year=school.year, on=date(2026, 11, 26)).exists()


def test_holiday_outside_the_year_is_refused_in_the_form(client, school, region):
    region.login(client, "deputy_head")
    before = state(school.year)
    response = client.post(
        reverse("school:planning-holiday-add", args=[school.year.pk]),
        {
            "holiday-kind": "vacation",
            "holiday-name": "Лето",
            "holiday-starts_on": "2027-05-25",
            "holiday-ends_on": "2027-06-10",
        },
        **HX,
    )
    body = response.content.decode()
    assert 'id="school-holidays"' in body and "errorlist" in body
    assert 'value="Лето"' in body
    assert state(school.year) == before


def test_editing_a_holiday_prefills_the_form_and_saves_it(client, school, region):
    spring = school.year.holidays.get(name="Весенние каникулы")
    region.login(client, "deputy_head")
    page = client.get(f"{reverse('school:planning')}?year={school.year.pk}&holiday={spring.pk}")
    body = page.content.decode()
    assert reverse("school:planning-holiday-edit", args=[spring.pk]) in body
    assert 'value="2027-03-22"' in body

    client.post(
        reverse("school:planning-holiday-edit", args=[spring.pk]),
        {
            "holiday-kind": "vacation",
            "holiday-name": "Весенние каникулы",
            "holiday-starts_on": "2027-03-20",
            "holiday-ends_on": "2027-03-31",
        },
    )
    spring.refresh_from_db()
    assert spring.starts_on == date(2027, 3, 20)


def test_deleting_transfer_and_holiday(client, school, region):
    transfer = DayTransfer.objects.create(year=school.year, on=date(2027, 2, 13), works_as=0)
    spring = school.year.holidays.get(name="Весенние каникулы")
    region.login(client, "deputy_head")
    client.post(reverse("school:planning-transfer-delete", args=[transfer.pk]), **HX)
    client.post(reverse("school:planning-holiday-delete", args=[spring.pk]))
    assert not DayTransfer.objects.filter(pk=transfer.pk).exists()
    assert not Holiday.objects.filter(pk=spring.pk).exists()


def test_bells_skip_empty_rows_and_refuse_overlaps(client, school, region):
    region.login(client, "admin")
    url = reverse("school:planning-bells", args=[school.year.pk])
    rows = {
        "bells-start_1": "08:00",
        "bells-end_1": "08:45",
        "bells-start_2": "08:55",
        "bells-end_2": "09:40",
        "bells-start_4": "10:00",
        "bells-end_4": "10:45",
    }
    assert client.post(url, rows).status_code == 302
    assert list(school.year.bells.values_list("number", flat=True)) == [1, 2, 3]

    before = state(school.year)
    response = client.post(url, rows | {"bells-start_4": "09:30"}, **HX)
    assert "errorlist" in response.content.decode()
    assert state(school.year) == before


def test_an_archived_year_is_read_only_on_the_page_and_refuses_posts(client, school, region):
    school.year.is_archived = True
    school.year.save(update_fields=["is_archived"])
    region.login(client, "deputy_head")
    page = client.get(reverse("school:planning")).content.decode()
    assert 'name="terms-start_1"' not in page
    assert 'data-testid="term-close"' not in page

    before = state(school.year)
    shifted = quarters(school)
    shifted[0] = (date(2026, 9, 2), date(2026, 10, 24))
    response = client.post(
        reverse("school:planning-terms", args=[school.year.pk]), terms_post(shifted), **HX
    )
    assert response.status_code == 200
    assert "2026/2027" in response.content.decode()
    assert state(school.year) == before


# --- Curriculum -----------------------------------------------------------------------------------


def test_curriculum_table_shows_parallels_and_subjects(client, school, region):
    region.login(client, "municipal_staff")
    page = client.get(curriculum_of(region)).content.decode()
    math = region.subjects["Математика"]
    assert f'data-testid="curriculum-row-{math.pk}"' in page
    assert 'data-testid="curriculum-editor"' not in page
    assert "<form" not in page.split("<main>")[1].split("</main>")[0]


@pytest.mark.parametrize(("persona", "editor"), [("deputy_head", True), ("teacher", False)])
def test_only_managers_get_the_curriculum_editor(client, school, region, persona, editor):
    region.login(client, persona)
    page = client.get(f"{reverse('school:curriculum')}?grade=5").content.decode()
    assert ('data-testid="curriculum-editor"' in page) is editor


def test_curriculum_saved_with_htmx_updates_the_table(client, school, region):
    region.login(client, "deputy_head")
    physics = region.subjects["Физика"]
    math = region.subjects["Математика"]
    data = {
        f"curriculum-hours_{math.pk}": "6",
        f"curriculum-hours_{physics.pk}": "1,5",
        f"curriculum-pass_fail_{physics.pk}": "on",
    }
    response = client.post(
        f"{reverse('school:curriculum')}?year={school.year.pk}&grade=7", data, **HX
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="school-curriculum"')
    assert 'data-testid="note-success"' in body
    lines = {
        line.subject_id: (line.hours_per_week, line.is_pass_fail)
        for line in CurriculumLine.objects.filter(year=school.year, grade=7)
    }
    assert lines == {math.pk: (Decimal(6), False), physics.pk: (Decimal("1.5"), True)}
    assert CurriculumLine.objects.filter(year=school.year, grade=5).count() == 4


def test_curriculum_with_zero_hours_is_refused(client, school, region):
    region.login(client, "deputy_head")
    before = state(school.year)
    math = region.subjects["Математика"]
    response = client.post(
        f"{reverse('school:curriculum')}?year={school.year.pk}&grade=5",
        {f"curriculum-hours_{math.pk}": "0"},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert state(school.year) == before


# --- Query budget ---------------------------------------------------------------------------------


def _count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("persona", "own"), [("deputy_head", True), ("teacher", True), ("municipal_staff", False)]
)
def test_planning_page_costs_the_same_for_few_and_many_holidays(
    client, school, region, persona, own
):
    region.login(client, persona)
    url = reverse("school:planning") if own else planning_of(region)
    few = _count_queries(client, url)

    start = date(2027, 4, 5)
    Holiday.objects.bulk_create(
        Holiday(year=school.year, name=f"День {n}", starts_on=start + timedelta(days=n), ends_on=start + timedelta(days=n))
        for n in range(25)
    )  # fmt: skip
    DayTransfer.objects.bulk_create(
        DayTransfer(year=school.year, on=date(2026, 9, 5) + timedelta(days=7 * n), works_as=n % 6)
        for n in range(20)
    )
    AcademicYear.objects.create(
        organization=region.school, starts_on=date(2025, 9, 1), ends_on=date(2026, 5, 31)
    )

    assert _count_queries(client, url) == few


def test_a_refused_holiday_change_stays_a_change(client, school, region):
    spring = school.year.holidays.get(name="Весенние каникулы")
    region.login(client, "deputy_head")
    response = client.post(
        reverse("school:planning-holiday-edit", args=[spring.pk]),
        {
            "holiday-kind": "vacation",
            "holiday-name": "Весенние каникулы",
            "holiday-starts_on": "2027-03-31",
            "holiday-ends_on": "2027-03-20",
        },
        **HX,
    )
    body = response.content.decode()
    assert "errorlist" in body
    assert f'hx-post="{reverse("school:planning-holiday-edit", args=[spring.pk])}"' in body
    spring.refresh_from_db()
    assert spring.starts_on == date(2027, 3, 22)


def test_curriculum_page_costs_the_same_for_few_and_many_lines(client, school, region):
    region.login(client, "deputy_head")
    url = f"{reverse('school:curriculum')}?year={school.year.pk}&grade=5"
    few = _count_queries(client, url)
    subjects = Subject.objects.bulk_create(Subject(name=f"Предмет {n}") for n in range(15))
    CurriculumLine.objects.bulk_create(
        CurriculumLine(year=school.year, grade=grade, subject=subject, hours_per_week=1)
        for subject in subjects
        for grade in (5, 6, 7)
    )
    assert _count_queries(client, url) == few
