from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from parta.core.audit import SystemActor
from parta.core.models import AuditEntry
from parta.core.testing.personas import PASSWORD, valid_snils
from parta.identity.models import ApiToken, MembershipRole, OrgRole
from parta.identity.services.accounts import issue_api_token
from parta.identity.services.staff import add_staff_member, import_staff_member
from parta.orgs.models import Organization

API = "/api/v1"


def staff_url(organization: Organization) -> str:
    return f"{API}/organizations/{organization.pk}/staff"


def token_client(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def token_for(region, persona: str) -> str:
    return issue_api_token(actor=region.member(persona), name="integration")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("director", 200),
        ("hr", 200),
        ("deputy_head", 200),
        ("teacher", 404),
        ("other_school_admin", 404),
        ("municipal_admin", 200),
        ("municipal_staff", 200),
        ("municipal_operator", 404),
        ("events_coordinator", 404),
        ("south_admin", 404),
        ("regional_admin", 200),
    ],
)
def test_staff_list_follows_the_staff_list_policy(client, region, persona, status):
    region.login(client, persona)
    assert client.get(staff_url(region.school)).status_code == status


def test_admin_sees_own_staff_with_roles_subjects_and_full_snils(client, region):
    region.login(client, "admin")
    response = client.get(staff_url(region.school))
    assert response.status_code == 200
    body = response.json()
    by_login = {item["login"]: item for item in body["items"]}
    assert body["count"] == len(by_login)
    deputy = by_login["deputy.head"]
    assert [role["code"] for role in deputy["roles"]] == [OrgRole.DEPUTY_HEAD, OrgRole.TEACHER]
    assert deputy["snils"] == region.members["deputy_head"].person.snils_display
    assert by_login["director"]["is_director"] is True


def test_snils_is_masked_without_the_personal_data_right(client, region):
    region.login(client, "deputy_head")
    items = client.get(staff_url(region.school)).json()["items"]
    assert items
    assert all(item["snils"].startswith("***-***-***") for item in items)


def test_reading_snils_through_the_api_is_audited(client, region):
    region.login(client, "admin")
    client.get(staff_url(region.school))
    entry = AuditEntry.objects.get(action="identity.personal_data_viewed")
    assert entry.organization_id == region.school.pk
    assert len(entry.after["memberships"]) > 0
    client.get(f"{API}/people/{region.members['teacher'].person_id}")
    assert AuditEntry.objects.filter(action="identity.personal_data_viewed").count() == 2


def test_municipal_operator_lists_organisations_but_not_their_staff(client, region):
    region.login(client, "municipal_operator")
    response = client.get(f"{API}/organizations")
    assert response.status_code == 200
    names = {item["short_name"] for item in response.json()["items"]}
    assert names == {region.school.short_name, region.branch.short_name, "Школа № 2"}
    assert client.get(staff_url(region.school)).status_code == 404


def test_organisations_are_filtered_by_kind_and_municipality(client, region):
    region.login(client, "regional_admin")
    everything = client.get(f"{API}/organizations").json()
    assert everything["count"] == 4
    south = client.get(
        f"{API}/organizations", {"municipality": region.south_school.municipality_id}
    ).json()
    assert [item["id"] for item in south["items"]] == [region.south_school.pk]
    kindergartens = client.get(f"{API}/organizations", {"kind": "kindergarten"}).json()
    assert kindergartens["count"] == 0
    assert client.get(f"{API}/organizations", {"kind": "nonsense"}).status_code == 422


def test_school_staff_see_only_their_own_organisation(client, region):
    region.login(client, "teacher")
    items = client.get(f"{API}/organizations").json()["items"]
    assert [item["id"] for item in items] == [region.school.pk]
    assert client.get(f"{API}/organizations/{region.school.pk}").status_code == 200
    assert client.get(f"{API}/organizations/{region.other_school.pk}").status_code == 404


def test_anonymous_gets_401_json(client, region):
    for path in ("/organizations", f"/organizations/{region.school.pk}/staff", "/me"):
        response = client.get(f"{API}{path}")
        assert response.status_code == 401
        assert response.json() == {"detail": "Unauthorized"}


def test_token_acts_in_its_cabinet_and_role(region):
    key = token_for(region, "admin")
    client = token_client(key)
    me = client.get(f"{API}/me").json()
    assert me["login"] == "admin"
    assert me["role"]["code"] == OrgRole.ADMIN
    assert me["cabinet"]["unit"] == {
        "kind": "organization",
        "id": region.school.pk,
        "name": region.school.short_name,
    }
    assert client.get(staff_url(region.school)).status_code == 200
    assert client.get(staff_url(region.other_school)).status_code == 404
    assert ApiToken.objects.get().last_used_at is not None


def test_bad_token_gets_401(region):
    response = token_client("not-a-token").get(f"{API}/organizations")
    assert response.status_code == 401


def test_revoked_token_gets_401(region):
    key = token_for(region, "admin")
    ApiToken.objects.update(revoked_at=timezone.now() - timedelta(seconds=1))
    assert token_client(key).get(f"{API}/organizations").status_code == 401


def test_token_of_a_role_taken_away_gets_401(region):
    key = token_for(region, "admin")
    MembershipRole.objects.filter(membership=region.members["admin"]).delete()
    assert token_client(key).get(f"{API}/organizations").status_code == 401


def test_session_issues_a_token_that_then_works(client, region):
    region.login(client, "municipal_admin")
    response = client.post(f"{API}/tokens", {"name": "Отчёты"}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["role"]["code"] == "admin"
    assert body["cabinet"]["kind"] == "authority"
    token = ApiToken.objects.get()
    assert token.key_hash == ApiToken.hash_key(body["key"])
    assert token_client(body["key"]).get(staff_url(region.school)).status_code == 200


def test_issuing_a_token_needs_the_csrf_token(region):
    client = Client(enforce_csrf_checks=True)
    region.login(client, "admin")
    response = client.post(f"{API}/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_a_token_cannot_issue_tokens(region):
    client = token_client(token_for(region, "admin"))
    response = client.post(f"{API}/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 401
    assert ApiToken.objects.count() == 1


def test_token_needs_a_name(client, region):
    region.login(client, "admin")
    response = client.post(f"{API}/tokens", {"name": "  "}, content_type="application/json")
    assert response.status_code == 422


def test_session_that_must_change_the_password_gets_401(client, region):
    region.login(client, "admin")
    account = region.account("admin")
    account.must_change_password = True
    account.save(update_fields=["must_change_password"])
    assert client.get(f"{API}/me").status_code == 401


@pytest.mark.parametrize(
    ("persona", "status", "snils_masked"),
    [
        ("admin", 200, False),
        ("deputy_head", 200, True),
        ("municipal_staff", 200, True),
        ("teacher", 404, None),
        ("other_school_admin", 404, None),
        ("municipal_operator", 404, None),
    ],
)
def test_person_is_visible_to_those_who_may_view_the_staff_card(
    client, region, persona, status, snils_masked
):
    region.login(client, persona)
    person = region.members["teacher"].person
    response = client.get(f"{API}/people/{person.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["full_name"] == person.full_name
        assert body["snils"].startswith("***") is snils_masked
        assert [cabinet["unit"]["id"] for cabinet in body["cabinets"]] == [region.school.pk]


def test_person_shows_only_the_cabinets_the_viewer_may_see(client, region):
    teacher = region.members["teacher"]
    region.login(client, "other_school_admin")
    import_staff_member(
        actor=region.member("other_school_admin"), unit=region.other_school, person=teacher.person
    )
    body = client.get(f"{API}/people/{teacher.person_id}").json()
    assert [cabinet["unit"]["id"] for cabinet in body["cabinets"]] == [region.other_school.pk]


def test_unknown_person_gets_404(client, region):
    region.login(client, "regional_admin")
    assert client.get(f"{API}/people/999999").status_code == 404


def _organization_with_staff(region, name: str, size: int, offset: int) -> Organization:
    organization = Organization.objects.create(
        region=region.region,
        municipality=region.school.municipality,
        authority=region.north,
        kind=Organization.Kind.SCHOOL,
        short_name=name,
        full_name=name,
    )
    subjects = list(region.subjects.values())
    for index in range(size):
        add_staff_member(
            actor=SystemActor("tests"),
            unit=organization,
            person_fields={
                "last_name": f"Учитель{offset + index}",
                "first_name": "Анна",
                "middle_name": "Ивановна",
                "birth_date": date(1980, 1, 1) + timedelta(days=offset + index),
                "snils": valid_snils(300_000_000 + offset + index),
            },
            login=f"t{offset + index}",
            password=PASSWORD,
            must_change_password=False,
            roles=[OrgRole.TEACHER, OrgRole.DEPUTY_HEAD] if index % 2 else [OrgRole.TEACHER],
            subjects=subjects[: 1 + index % len(subjects)],
        )
    return organization


def test_staff_list_costs_the_same_queries_for_3_and_30_staff(region, django_assert_num_queries):
    small = _organization_with_staff(region, "Малая школа", 3, 0)
    large = _organization_with_staff(region, "Большая школа", 30, 100)
    client = token_client(token_for(region, "municipal_admin"))
    client.get(f"{API}/me")  # the token's first use stamps last_used_at
    # token and its roles, the organisation, the page count, the rows, their roles and
    # subjects, and the audit entry of the СНИЛС read
    with django_assert_num_queries(8) as small_queries:
        assert len(client.get(staff_url(small)).json()["items"]) == 3
    with django_assert_num_queries(8) as large_queries:
        assert len(client.get(staff_url(large)).json()["items"]) == 30
    assert len(small_queries.captured_queries) == len(large_queries.captured_queries)


def test_openapi_document_and_docs_are_served(client, db):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert f"{API}/organizations/{{organization_id}}/staff" in paths
    assert f"{API}/me" in paths
    assert client.get(f"{API}/docs").status_code == 200
