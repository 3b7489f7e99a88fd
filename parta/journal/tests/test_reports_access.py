"""Who opens the journal's reports: the persona matrix for the index and each report."""

from datetime import date

import pytest
from django.urls import reverse

from parta.core.testing.personas import SYSTEM, login_member, valid_snils
from parta.identity.models import OrgRole
from parta.identity.services.staff import add_staff_member

LEADERS = ["admin", "director", "deputy_head"]
AUTHORITY_READERS = [
    "municipal_admin",
    "municipal_head",
    "municipal_staff",
    "municipal_operator",
    "regional_admin",
]
OUTSIDERS = [
    "hr",
    "secretary",
    "medical",
    "psychologist",
    "tech_staff",
    "other_school_admin",
    "other_school_teacher",
    "events_coordinator",
    "gifted_coordinator",
    "south_admin",
    "parent",
    "student",
]


def results_url(region, school_class, term=2):
    url = reverse("journal:report-results", args=[region.school.pk])
    return f"{url}?class={school_class.pk}&term={term}"


def teacher_leading_no_class(region):
    return add_staff_member(
        actor=SYSTEM,
        unit=region.school,
        person_fields={
            "last_name": "Никитина",
            "first_name": "Нина",
            "middle_name": "Львовна",
            "birth_date": date(1990, 3, 3),
            "sex": "female",
            "snils": valid_snils(300_000_001),
        },
        login="nikitina",
        password="Persona-password-1",
        must_change_password=False,
        roles=[OrgRole.TEACHER],
    ).acting_as(OrgRole.TEACHER)


# The matrix: index of Школа № 1, results of 5А and 5Б, risk, filling ------------------------

EXPECTED = {
    **{persona: (200, 200, 200, 200, 200) for persona in [*LEADERS, *AUTHORITY_READERS]},
    "teacher": (200, 200, 404, 200, 404),
    **{persona: (404, 404, 404, 404, 404) for persona in OUTSIDERS},
}


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_persona_matrix(client, region, school, persona, expected):
    region.login(client, persona)
    org = [region.school.pk]
    urls = [
        reverse("journal:reports-of", args=org),
        results_url(region, school.class_5a),
        results_url(region, school.class_5b),
        reverse("journal:report-risk", args=org),
        reverse("journal:report-filling", args=org),
    ]
    assert tuple(client.get(url).status_code for url in urls) == expected


# Index ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [*LEADERS, "teacher"])
def test_school_staff_with_reports_open_the_index_of_their_school(client, region, school, persona):
    region.login(client, persona)
    response = client.get(reverse("journal:reports"))
    assert response.status_code == 200
    assert response.context["scope"].organization == region.school


def test_class_teacher_sees_only_own_class_on_the_index(client, region, school):
    region.login(client, "teacher")
    response = client.get(reverse("journal:reports"))
    assert [c.pk for c in response.context["scope"].classes] == [school.class_5a.pk]
    assert b'data-testid="link-filling"' not in response.content


def test_deputy_head_sees_every_class_and_the_filling_report(client, region, school):
    region.login(client, "deputy_head")
    response = client.get(reverse("journal:reports"))
    assert {c.pk for c in response.context["scope"].classes} == {
        school.class_5a.pk,
        school.class_5b.pk,
    }
    assert b'data-testid="link-filling"' in response.content


def test_teacher_leading_no_class_gets_404_everywhere(client, region, school):
    login_member(client, teacher_leading_no_class(region))
    assert client.get(reverse("journal:reports")).status_code == 404
    assert client.get(reverse("journal:report-risk")).status_code == 404
    assert client.get(results_url(region, school.class_5a)).status_code == 404


def test_municipal_staff_choose_among_their_own_schools(client, region, school):
    region.login(client, "municipal_staff")
    response = client.get(reverse("journal:reports"))
    assert response.status_code == 200
    names = {organization.short_name for organization in response.context["schools"]}
    assert {"Школа № 1", "Школа № 2"} <= names
    assert "Школа № 3" not in names


@pytest.mark.parametrize("persona", ["events_coordinator", "gifted_coordinator"])
def test_authority_roles_without_reports_get_404_for_the_school_choice(
    client, region, school, persona
):
    region.login(client, persona)
    assert client.get(reverse("journal:reports")).status_code == 404


@pytest.mark.parametrize("persona", AUTHORITY_READERS)
def test_authority_readers_open_the_index_of_a_subordinate_school(client, region, school, persona):
    region.login(client, persona)
    response = client.get(reverse("journal:reports-of", args=[region.school.pk]))
    assert response.status_code == 200
    assert len(response.context["scope"].classes) == 2


# Results -------------------------------------------------------------------------------------


def test_class_teacher_opens_results_of_own_class_only(client, region, school):
    region.login(client, "teacher")
    assert client.get(results_url(region, school.class_5a)).status_code == 200
    assert client.get(results_url(region, school.class_5b)).status_code == 404
    own_school = reverse("journal:report-results")
    assert client.get(f"{own_school}?class={school.class_5a.pk}").status_code == 200


def test_results_xlsx_is_refused_like_the_page(client, region, school):
    region.login(client, "south_admin")
    url = results_url(region, school.class_5a) + "&format=xlsx"
    assert client.get(url).status_code == 404


# Risk and filling ----------------------------------------------------------------------------


def test_class_teacher_risk_report_covers_own_class_only(client, region, school):
    region.login(client, "teacher")
    url = reverse("journal:report-risk", args=[region.school.pk])
    response = client.get(url)
    assert response.context["report"].classes == [school.class_5a]
    assert client.get(f"{url}?class={school.class_5b.pk}").status_code == 404
