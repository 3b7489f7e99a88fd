"""«Готовность к входу через Госуслуги»: who sees which organisations, the counts of ready cards
and missing items, who lacks what, the .xlsx files and the query budgets."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from parta.core.testing.personas import STAFF_PERSONAS, valid_snils
from parta.identity.models import Membership, Person
from parta.identity.selectors import readiness
from parta.identity.services.members import open_membership
from parta.orgs.models import Organization

Kind = Membership.Kind
TODAY = date(2026, 11, 25)

SCHOOL_VIEWERS = {"admin", "director", "deputy_head"}
NORTH_VIEWERS = {"municipal_admin", "municipal_head", "municipal_staff", "municipal_operator"}
#: persona → the organisations of the persona region in its summary.
SEEN = {
    **dict.fromkeys(SCHOOL_VIEWERS, {"school"}),
    "other_school_admin": {"other_school"},
    **dict.fromkeys(NORTH_VIEWERS, {"school", "branch", "other_school"}),
    "south_admin": {"south_school"},
    "regional_admin": {"school", "branch", "other_school", "south_school"},
}

COMPLETE = {
    "last_name": "Полнова",
    "first_name": "Анна",
    "middle_name": "Ивановна",
    "birth_date": date(1980, 5, 17),
    "passport_series": "4510",
    "passport_number": "123456",
    "email": "anna@example.ru",
}
_snils_numbers = iter(range(300_000_000, 400_000_000, 7))


def person(**fields) -> Person:
    """A person as imports leave them: with exactly the given gaps (no card form's checks)."""
    values = {**COMPLETE, "snils": valid_snils(next(_snils_numbers)), **fields}
    return Person.objects.create(**values)


def join(organization: Organization, kind: str, **fields) -> Membership:
    return open_membership(organization=organization, kind=kind, person=person(**fields))


@pytest.fixture
def town(region, today) -> Organization:
    """A school of the northern district with crafted gaps in its cards."""
    school = Organization.objects.create(
        region=region.region,
        municipality=region.school.municipality,
        authority=region.north,
        kind=Organization.Kind.SCHOOL,
        short_name="Школа № 7",
        full_name="МБОУ «Школа № 7»",
    )
    staff = {
        "complete": join(school, Kind.STAFF, last_name="Готова"),
        "no_patronymic": join(school, Kind.STAFF, last_name="Безотчества", middle_name=""),
        "phone_only": join(
            school,
            Kind.STAFF,
            last_name="Телефонова",
            middle_name="",
            has_no_middle_name=True,
            email="",
            phone="+7 900 000-00-00",
        ),
        "no_birth_date": join(school, Kind.STAFF, last_name="Бездатова", birth_date=None),
        "three_gaps": join(
            school, Kind.STAFF, last_name="Пустова", snils="", passport_number="", email=""
        ),
        "archived": join(school, Kind.STAFF, last_name="Архивова", snils="", birth_date=None),
    }
    staff["archived"].is_archived = True
    staff["archived"].save(update_fields=["is_archived"])
    students = {
        "fifteen": join(
            school, Kind.STUDENT, last_name="Старшая", birth_date=date(2011, 1, 1),
            passport_series="", passport_number="", email="",
        ),
        "ten": join(
            school, Kind.STUDENT, last_name="Младшая", birth_date=date(2016, 3, 3),
            passport_series="", passport_number="", email="",
        ),
        "fourteen_today": join(
            school, Kind.STUDENT, last_name="Сегодняшняя", birth_date=date(2012, 11, 25),
            passport_series="", passport_number="", email="",
        ),
        "fourteen_tomorrow": join(
            school, Kind.STUDENT, last_name="Завтрашняя", birth_date=date(2012, 11, 26),
            passport_series="", passport_number="", email="",
        ),
        "student_no_birth_date": join(
            school, Kind.STUDENT, last_name="Бездатная", birth_date=None,
            passport_series="", passport_number="",
        ),
    }  # fmt: skip
    twin = {"last_name": "Двойнова", "first_name": "Ольга", "birth_date": date(1985, 2, 2)}
    guardians = {
        "complete": join(school, Kind.GUARDIAN, last_name="Родителева"),
        "no_contacts": join(school, Kind.GUARDIAN, last_name="Безсвязева", email="", phone=""),
        "twin": join(school, Kind.GUARDIAN, snils="", **twin),
    }
    # The twin's namesake without СНИЛС is a parent in another school: the matching cannot tell
    # them apart. A namesake with a СНИЛС of their own does not confuse it.
    join(region.other_school, Kind.GUARDIAN, snils="", **{**twin, "last_name": "ДВОЙНОВА"})
    join(region.other_school, Kind.GUARDIAN, **{**twin, "first_name": "Ольга"})
    # The complete staff member is also a parent here: counted in both groups.
    open_membership(organization=school, kind=Kind.GUARDIAN, person=staff["complete"].person)
    school.people = {**staff, **students, **{f"guardian_{k}": v for k, v in guardians.items()}}
    return school


def groups_of(viewer, organization) -> dict[str, readiness.GroupReadiness]:
    summary = readiness.readiness_summary(viewer=viewer, search=organization.short_name)
    (row,) = [row for row in summary.rows if row.organization == organization]
    return {group.kind: group for group in row.groups}


# Who sees what


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_summary_opens_for_roles_with_the_right_only(client, region, persona):
    region.login(client, persona)
    response = client.get(reverse("identity:login-readiness"))
    assert response.status_code == (200 if persona in SEEN else 404)


@pytest.mark.parametrize("persona", sorted(SEEN))
def test_summary_lists_the_organisations_of_the_role(client, region, persona):
    region.login(client, persona)
    response = client.get(reverse("identity:login-readiness"))
    found = {row.organization.pk for row in response.context["report"].rows}
    assert found == {getattr(region, name).pk for name in SEEN[persona]}


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_organisation_list_opens_for_those_who_see_the_school(client, region, persona):
    region.login(client, persona)
    response = client.get(reverse("identity:login-readiness-organization", args=[region.school.pk]))
    allowed = persona in SEEN and "school" in SEEN[persona]
    assert response.status_code == (200 if allowed else 404)


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_students_and_parents_get_404(client, region, school, persona):
    region.login(client, persona)
    assert client.get(reverse("identity:login-readiness")).status_code == 404
    url = reverse("identity:login-readiness-organization", args=[region.school.pk])
    assert client.get(url).status_code == 404


def test_unknown_organisation_is_404(client, region):
    region.login(client, "regional_admin")
    url = reverse("identity:login-readiness-organization", args=[999_999])
    assert client.get(url).status_code == 404


def test_reports_page_links_the_report(client, region):
    region.login(client, "deputy_head")
    page = client.get(reverse("web:reports")).content.decode()
    assert reverse("identity:login-readiness") in page


# Counts


def test_staff_counts_each_missing_item_and_skip_the_archived(region, town):
    staff = groups_of(region.member("municipal_head"), town)[Kind.STAFF]
    assert (staff.total, staff.ready, staff.percent) == (5, 2, 40)
    assert (staff.full_name, staff.birth_date, staff.snils) == (1, 1, 1)
    assert (staff.passport, staff.contacts, staff.ambiguous) == (1, 1, 0)


def test_students_need_a_passport_from_fourteen_and_no_contacts(region, town):
    students = groups_of(region.member("municipal_head"), town)[Kind.STUDENT]
    assert (students.total, students.ready, students.percent) == (5, 2, 40)
    assert (students.passport, students.birth_date, students.contacts) == (2, 1, 0)
    assert (students.full_name, students.snils) == (0, 0)


def test_parents_count_contacts(region, town):
    guardians = groups_of(region.member("municipal_head"), town)[Kind.GUARDIAN]
    assert (guardians.total, guardians.ready, guardians.percent) == (4, 2, 50)
    assert (guardians.contacts, guardians.snils) == (1, 1)
    assert guardians.missing == [(_("SNILS"), 1), (str(readiness.ITEM_LABELS["contacts"]), 1)]


def test_organisation_page_counts_namesakes_without_snils(client, region, town):
    region.login(client, "municipal_head")
    response = client.get(reverse("identity:login-readiness-organization", args=[town.pk]))
    groups = {group.kind: group for group in response.context["report"].groups}
    assert [groups[kind].ambiguous for kind in readiness.GROUPS] == [0, 0, 1]
    assert [groups[kind].ready for kind in readiness.GROUPS] == [2, 2, 2]
    assert 'data-testid="ambiguous-guardian"' in response.content.decode()


def test_organisation_with_nobody_comes_last_and_shows_no_percent(region, town):
    summary = readiness.readiness_summary(viewer=region.member("municipal_head"))
    names = [row.organization.short_name for row in summary.rows]
    assert names[0] == "Школа № 1"  # its staff have no passports nor contacts: 0 %
    assert names[-1] == "Школа № 1, дошкольное отделение"
    assert summary.rows[-1].percent is None
    by_name = readiness.readiness_summary(viewer=region.member("municipal_head"), order="name")
    assert [row.organization.short_name for row in by_name.rows] == sorted(names)


def test_totals_sum_the_organisations(region, town):
    summary = readiness.readiness_summary(viewer=region.member("municipal_head"))
    for index, total in enumerate(summary.totals):
        assert total.total == sum(row.groups[index].total for row in summary.rows)
        assert total.ready == sum(row.groups[index].ready for row in summary.rows)


def test_search_finds_by_name(client, region, town):
    region.login(client, "municipal_head")
    response = client.get(reverse("identity:login-readiness"), {"q": "№ 7"})
    assert [row.organization for row in response.context["report"].rows] == [town]


# Who lacks what


def test_list_shows_only_those_not_ready_with_what_they_lack(client, region, town):
    region.login(client, "municipal_head")
    response = client.get(reverse("identity:login-readiness-organization", args=[town.pk]))
    rows = {row.membership.pk: row for row in response.context["report"].rows}
    people = town.people
    assert set(rows) == {
        people[key].pk
        for key in (
            "no_patronymic", "no_birth_date", "three_gaps", "fifteen", "fourteen_today",
            "student_no_birth_date", "guardian_no_contacts", "guardian_twin",
        )
    }  # fmt: skip
    contacts = str(readiness.ITEM_LABELS["contacts"])
    assert rows[people["no_patronymic"].pk].missing == ["ФИО"]
    assert rows[people["three_gaps"].pk].missing == ["СНИЛС", "Паспорт", contacts]
    assert rows[people["fifteen"].pk].missing == ["Паспорт"]
    assert rows[people["guardian_twin"].pk].missing == ["СНИЛС"]
    assert rows[people["guardian_twin"].pk].is_ambiguous
    assert rows[people["guardian_twin"].pk].problems[-1] == str(readiness.AMBIGUOUS_LABEL)
    page = response.content.decode()
    assert "Безотчества" in page and "Готова" not in page


def test_student_without_a_birth_date_lacks_only_the_date(region, town):
    rows = readiness.organization_people_rows(organization=town, kind=Kind.STUDENT, show="all")
    found = {row.membership.pk: row.missing for row in rows}
    assert found[town.people["student_no_birth_date"].pk] == ["Дата рождения"]
    assert found[town.people["ten"].pk] == []
    assert found[town.people["fourteen_tomorrow"].pk] == []


def test_list_filters_by_group_and_shows_everyone_on_request(client, region, town):
    region.login(client, "municipal_head")
    url = reverse("identity:login-readiness-organization", args=[town.pk])
    staff = client.get(url, {"kind": "staff"}).context["report"].rows
    assert {row.membership.kind for row in staff} == {Kind.STAFF}
    assert len(staff) == 3
    everyone = client.get(url, {"kind": "staff", "show": "all"}).context["report"]
    assert everyone.page.paginator.count == 5
    assert [row.is_ready for row in everyone.rows].count(True) == 2


def test_staff_names_link_to_their_cards_where_the_viewer_may_open_them(client, region, town):
    url = reverse("identity:login-readiness-organization", args=[town.pk])
    card = reverse("identity:staff-card", args=[town.people["no_patronymic"].pk])
    region.login(client, "municipal_head")
    assert card in client.get(url).content.decode()
    region.login(client, "municipal_operator")  # reports, but not the users' cards
    response = client.get(url)
    assert response.status_code == 200
    assert card not in response.content.decode()


def test_list_is_paged_by_fifty(client, region, town):
    for number in range(60):
        join(town, Kind.STUDENT, last_name=f"Ученица{number:02d}", snils="")
    region.login(client, "municipal_head")
    url = reverse("identity:login-readiness-organization", args=[town.pk])
    first = client.get(url).context["report"]
    assert (len(first.rows), first.page.paginator.count) == (50, 68)
    assert len(client.get(url, {"page": 2}).context["report"].rows) == 18


# .xlsx


def open_sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content)).active


def test_summary_xlsx_has_every_organisation_and_the_totals(client, region, town):
    region.login(client, "regional_admin")
    sheet = open_sheet(client.get(reverse("identity:login-readiness"), {"format": "xlsx"}))
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(row for row in rows if row[0] == "Организация"))
    assert rows[header][1] == "Муниципальное образование"
    staff_total = _("%(group)s: %(column)s") % {"group": _("Staff"), "column": _("total")}
    assert rows[header][2] == staff_total and staff_total.startswith("Сотрудники")
    snils = _("%(group)s, missing: %(item)s") % {"group": _("Staff"), "item": "СНИЛС"}
    assert rows[header][7] == snils
    body = rows[header + 1 :]
    assert {row[0] for row in body[:-1]} == {
        "Школа № 1", "Школа № 1, дошкольное отделение", "Школа № 2", "Школа № 3", "Школа № 7",
    }  # fmt: skip
    town_row = next(row for row in body if row[0] == "Школа № 7")
    assert town_row[2:10] == (5, 2, 40, 1, 1, 1, 1, 1)
    assert town_row[-8:] == (4, 2, 50, 0, 0, 1, 0, 1)  # the parents
    assert body[-1][0] == "Всего"


def test_people_xlsx_lists_everyone_not_ready_not_only_one_page(client, region, town):
    for number in range(60):
        join(town, Kind.STUDENT, last_name=f"Ученица{number:02d}", snils="")
    region.login(client, "municipal_head")
    url = reverse("identity:login-readiness-organization", args=[town.pk])
    sheet = open_sheet(client.get(url, {"format": "xlsx"}))
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(row for row in rows if row[0] == "ФИО"))
    assert rows[header][1:3] == ("Группа", "Должность")
    body = rows[header + 1 :]
    assert len(body) == 68
    three_gaps = next(row for row in body if row[0].startswith("Пустова"))
    assert three_gaps[3].startswith("СНИЛС; Паспорт; ")


def test_people_xlsx_is_404_for_an_outsider(client, region, town):
    region.login(client, "south_admin")
    url = reverse("identity:login-readiness-organization", args=[town.pk])
    assert client.get(url, {"format": "xlsx"}).status_code == 404


# Query budgets


def _more_people_and_organisations(region, town) -> None:
    for number in range(55):
        school = Organization.objects.create(
            region=region.region,
            municipality=region.school.municipality,
            authority=region.north,
            kind=Organization.Kind.SCHOOL,
            short_name=f"Школа № {100 + number}",
            full_name=f"МБОУ «Школа № {100 + number}»",
        )
        for kind in (Kind.STAFF, Kind.STUDENT, Kind.GUARDIAN):
            join(school, kind, last_name=f"Новикова{number}", snils="")
    for number in range(30):
        join(town, Kind.STUDENT, last_name=f"Ученица{number:02d}", snils="")
        join(town, Kind.GUARDIAN, last_name=f"Мамина{number:02d}", email="", phone="")


#: Session, account, cabinet and its roles; the organisations; one grouped pass over the
#: memberships for the order, the page and the totals.
SUMMARY_QUERIES = 6
#: Session, account, cabinet and its roles; the organisation; the groups; the count and the page
#: of people (the .xlsx file reads everyone in one query instead of the last three).
LIST_QUERIES = 8


@pytest.mark.parametrize("params", [{}, {"order": "name"}, {"format": "xlsx"}])
def test_summary_costs_the_same_for_few_and_many(
    client, region, town, django_assert_num_queries, params
):
    region.login(client, "municipal_head")
    url = reverse("identity:login-readiness")
    with django_assert_num_queries(SUMMARY_QUERIES):
        assert client.get(url, params).status_code == 200
    _more_people_and_organisations(region, town)
    with django_assert_num_queries(SUMMARY_QUERIES):
        response = client.get(url, params)
    if not params.get("format"):
        report = response.context["report"]
        assert (len(report.rows), report.page.paginator.count) == (50, 59)


@pytest.mark.parametrize("params", [{}, {"show": "all"}, {"format": "xlsx"}])
def test_list_costs_the_same_for_few_and_many(
    client, region, town, django_assert_num_queries, params
):
    region.login(client, "municipal_head")
    url = reverse("identity:login-readiness-organization", args=[town.pk])
    queries = LIST_QUERIES - (2 if params.get("format") else 0)
    with django_assert_num_queries(queries):
        assert client.get(url, params).status_code == 200
    _more_people_and_organisations(region, town)
    with django_assert_num_queries(queries):
        response = client.get(url, params)
    if not params.get("format"):
        assert len(response.context["report"].rows) == 50
