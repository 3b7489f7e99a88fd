"""«Карточка ОО», «Подведомственные организации» and the report on organisations without a head."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import STAFF_PERSONAS, SYSTEM, login_member, valid_snils
from parta.identity.models import AuthorityRole, Membership, OrgRole
from parta.identity.services.directors import set_director
from parta.identity.services.organizations import update_organization_card
from parta.identity.services.staff import add_staff_member
from parta.orgs.models import Authority, Municipality, Organization

VALID_INN = "7707083893"
VALID_OGRN = "1027700132195"
BAD_INN = "7707083894"
BAD_OGRN = "1027700132196"

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
NORTH_STAFF = [
    "municipal_admin",
    "municipal_head",
    "municipal_staff",
    "municipal_operator",
    "events_coordinator",
    "gifted_coordinator",
]
CARD_VIEWERS = {*SCHOOL_STAFF, *NORTH_STAFF, "regional_admin"}
CARD_EDITORS = {"admin", "municipal_admin", "regional_admin"}
AUTHORITY_STAFF = {*NORTH_STAFF, "south_admin", "regional_admin"}
REPORT_VIEWERS = {
    "admin",
    "director",
    "deputy_head",
    "other_school_admin",
    "municipal_admin",
    "municipal_head",
    "municipal_staff",
    "municipal_operator",
    "south_admin",
    "regional_admin",
}


def card_url(organization, tab=""):
    url = reverse("identity:org-card", args=[organization.pk])
    return f"{url}?tab={tab}" if tab else url


def card_post(**overrides):
    data = {
        "tab": "main",
        "card-kind": "school",
        "card-short_name": "Школа № 1 имени Пушкина",
        "card-full_name": "МБОУ «Школа № 1 имени А. С. Пушкина»",
        "card-inn": VALID_INN,
        "card-ogrn": VALID_OGRN,
        "card-address": "ул. Ленина, 1",
        "card-phone": "8 (351) 000-00-00",
        "card-email": "school1@example.ru",
    }
    data.update({f"card-{key}": value for key, value in overrides.items()})
    return data


def card_state(organization):
    organization.refresh_from_db()
    return (organization.short_name, organization.inn, organization.ogrn, organization.email)


# Organisation card


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_school_card_opens_for_its_staff_and_its_authorities_only(client, region, persona):
    region.login(client, persona)
    response = client.get(card_url(region.school))
    assert response.status_code == (200 if persona in CARD_VIEWERS else 404)


@pytest.mark.parametrize("persona", ["other_school_admin", "south_admin", "other_school_teacher"])
def test_outsiders_get_404_on_both_tabs(client, region, persona):
    region.login(client, persona)
    assert client.get(card_url(region.school, "admin")).status_code == 404
    assert client.post(card_url(region.school), card_post()).status_code == 404


def test_card_shows_main_data_branches_and_authority(client, region):
    region.login(client, "teacher")
    page = client.get(card_url(region.school)).content.decode()
    assert "Школа № 1, дошкольное отделение" in page
    assert "УО Северного района" in page
    assert "Северный район" in page
    assert 'name="card-inn"' not in page


def test_branch_card_names_its_head_organisation(client, region):
    region.login(client, "municipal_head")
    page = client.get(card_url(region.branch)).content.decode()
    assert reverse("identity:org-card", args=[region.school.pk]) in page


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_only_administrators_save_the_card(client, region, persona):
    region.login(client, persona)
    before = card_state(region.school)
    response = client.post(card_url(region.school), card_post())
    if persona in CARD_EDITORS:
        assert response.status_code == 302
        assert card_state(region.school) == (
            "Школа № 1 имени Пушкина",
            VALID_INN,
            VALID_OGRN,
            "school1@example.ru",
        )
    else:
        assert response.status_code in (403, 404)
        assert card_state(region.school) == before


@pytest.mark.parametrize("persona", ["municipal_head", "municipal_operator", "teacher"])
def test_read_only_viewers_see_no_form(client, region, persona):
    region.login(client, persona)
    page = client.get(card_url(region.school)).content.decode()
    assert 'name="card-inn"' not in page
    page = client.get(card_url(region.school, "admin")).content.decode()
    assert 'name="admin-director"' not in page


def test_saving_the_card_is_audited_with_before_and_after(client, region):
    region.login(client, "municipal_admin")
    client.post(card_url(region.school), card_post())
    entry = AuditEntry.objects.get(action="orgs.card_updated")
    assert entry.organization_id == region.school.pk
    assert entry.before["short_name"] == "Школа № 1"
    assert entry.after["short_name"] == "Школа № 1 имени Пушкина"
    assert entry.after["inn"] == VALID_INN


@pytest.mark.parametrize(
    ("field", "value"), [("inn", BAD_INN), ("ogrn", BAD_OGRN), ("inn", "12345")]
)
def test_wrong_registration_number_is_a_field_error_and_nothing_is_saved(
    client, region, field, value
):
    region.login(client, "admin")
    before = card_state(region.school)
    response = client.post(card_url(region.school), card_post(**{field: value}))
    assert response.status_code == 200
    assert response.context["card_form"].errors[field]
    assert card_state(region.school) == before
    assert not AuditEntry.objects.filter(action="orgs.card_updated").exists()


def test_card_service_refuses_a_teacher(region):
    with pytest.raises(PermissionDenied):
        update_organization_card(
            actor=region.member("teacher"), organization=region.school, fields={"inn": VALID_INN}
        )


def test_card_service_checks_the_checksum_itself(region):
    with pytest.raises(ValidationError) as error:
        update_organization_card(
            actor=region.member("admin"), organization=region.school, fields={"inn": BAD_INN}
        )
    assert "inn" in error.value.message_dict
    region.school.refresh_from_db()
    assert region.school.inn == ""


def test_card_service_does_not_move_the_organisation(region):
    with pytest.raises(ValidationError):
        update_organization_card(
            actor=region.member("admin"),
            organization=region.school,
            fields={"authority": region.south},
        )


def test_htmx_tab_returns_only_the_panel(client, region):
    region.login(client, "admin")
    response = client.get(card_url(region.school, "admin"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert 'name="admin-director"' in page
    assert "HX-Request" in response["Vary"]


# «Администрация»: the head chosen from the organisation's own staff


def test_administration_tab_offers_a_select_of_own_staff_and_explains_the_role(client, region):
    region.login(client, "admin")
    response = client.get(card_url(region.school, "admin"))
    page = response.content.decode()
    assert '<select name="admin-director"' in page
    assert 'type="text" name="admin-director"' not in page
    assert 'data-testid="director-note"' in page
    choices = {
        membership.pk
        for membership in response.context["director_form"].fields["director"].queryset
    }
    school_staff = set(
        Membership.objects.filter(organization=region.school, is_archived=False).values_list(
            "pk", flat=True
        )
    )
    assert choices == school_staff
    assert region.members["other_school_teacher"].pk not in choices
    assert region.members["director"].person.full_name in page


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_only_administrators_choose_the_head(client, region, persona):
    region.login(client, persona)
    teacher = region.members["teacher"]
    response = client.post(card_url(region.school), {"tab": "admin", "admin-director": teacher.pk})
    director = Membership.objects.get(organization=region.school, is_director=True)
    if persona in CARD_EDITORS:
        assert response.status_code == 302
        assert director.pk == teacher.pk
    else:
        assert response.status_code in (403, 404)
        assert director.pk == region.members["director"].pk


def test_head_of_another_organisation_is_a_field_error_and_nothing_changes(client, region):
    region.login(client, "admin")
    stranger = region.members["other_school_teacher"]
    response = client.post(card_url(region.school), {"tab": "admin", "admin-director": stranger.pk})
    assert response.status_code == 200
    assert response.context["director_form"].errors["director"]
    assert Membership.objects.get(is_director=True, organization=region.school).pk == (
        region.members["director"].pk
    )
    assert not Membership.objects.get(pk=stranger.pk).is_director
    assert not AuditEntry.objects.filter(action="orgs.director_set").exists()


def test_archived_staff_member_cannot_become_head(client, region):
    teacher = Membership.objects.get(pk=region.members["teacher"].pk)
    teacher.is_archived = True
    teacher.save()
    region.login(client, "admin")
    response = client.post(card_url(region.school), {"tab": "admin", "admin-director": teacher.pk})
    assert response.context["director_form"].errors["director"]
    assert not Membership.objects.get(pk=teacher.pk).is_director


def test_chosen_head_gets_the_head_role(client, region):
    region.login(client, "municipal_admin")
    teacher = region.members["teacher"]
    client.post(card_url(region.school), {"tab": "admin", "admin-director": teacher.pk})
    assert "director" in Membership.objects.get(pk=teacher.pk).available_roles
    assert (
        "director" not in Membership.objects.get(pk=region.members["director"].pk).available_roles
    )
    page = client.get(card_url(region.school, "admin")).content.decode()
    assert region.members["teacher"].person.full_name in page


def test_htmx_save_returns_the_updated_panel(client, region):
    region.login(client, "admin")
    teacher = region.members["teacher"]
    response = client.post(
        card_url(region.school),
        {"tab": "admin", "admin-director": teacher.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.context["card"].director.pk == teacher.pk
    assert "<html" not in response.content.decode()


# «Подведомственные организации»


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_subordinates_open_for_authority_staff_only(client, region, persona):
    region.login(client, persona)
    response = client.get(reverse("identity:subordinates"))
    assert response.status_code == (200 if persona in AUTHORITY_STAFF else 404)


def test_municipal_list_shows_its_organisations_with_heads_and_staff(client, region):
    region.login(client, "municipal_operator")
    response = client.get(reverse("identity:subordinates"))
    rows = {organization.pk: organization for organization in response.context["page"]}
    assert set(rows) == {region.school.pk, region.branch.pk, region.other_school.pk}
    school = rows[region.school.pk]
    assert school.director_name == region.members["director"].person.full_name
    assert (
        school.staff_count
        == Membership.objects.filter(
            organization=region.school, kind="staff", is_archived=False
        ).count()
    )
    assert rows[region.other_school.pk].director_name is None
    page = response.content.decode()
    assert 'data-testid="no-director"' in page
    assert card_url(region.school) in page


def test_ministry_list_covers_the_region_and_filters(client, region):
    region.login(client, "regional_admin")
    url = reverse("identity:subordinates")
    everything = client.get(url).context["page"]
    assert region.south_school in list(everything)
    found = list(client.get(url, {"q": "дошкольное"}).context["page"])
    assert found == [region.branch]
    Organization.objects.filter(pk=region.other_school.pk).update(kind="kindergarten")
    found = list(client.get(url, {"kind": "kindergarten"}).context["page"])
    assert [organization.pk for organization in found] == [region.other_school.pk]


def _authority_with_organisations(region, count):
    """A new municipal authority, its administrator and `count` organisations with staff."""
    municipality = Municipality.objects.create(region=region.region, name=f"Район {count}")
    authority = Authority.objects.create(
        region=region.region,
        municipality=municipality,
        parent=region.ministry,
        level=Authority.Level.MUNICIPALITY,
        short_name=f"УО района {count}",
        full_name=f"Управление образования района {count}",
    )
    admin = add_staff_member(
        actor=SYSTEM,
        unit=authority,
        person_fields={
            "last_name": "Админов",
            "first_name": "Иван",
            "middle_name": "Иванович",
            "birth_date": date(1980, 1, 1),
        },
        login=f"east.admin.{count}",
        password="Persona-password-1",
        must_change_password=False,
        roles=[AuthorityRole.ADMIN],
        confirm_namesake=True,
    )
    for number in range(count):
        organization = Organization.objects.create(
            region=region.region,
            municipality=municipality,
            authority=authority,
            kind=Organization.Kind.SCHOOL,
            short_name=f"Школа {count}-{number}",
            full_name=f"Школа {count}-{number}",
        )
        for index in range(2):
            membership = add_staff_member(
                actor=SYSTEM,
                unit=organization,
                person_fields={
                    "last_name": f"Учитель{count}x{number}x{index}",
                    "first_name": "Анна",
                    "middle_name": "Петровна",
                    "birth_date": date(1985, 1, 1),
                    "snils": valid_snils(300_000_000 + count * 1000 + number * 10 + index),
                },
                login=f"t{count}.{number}.{index}",
                password="Persona-password-1",
                must_change_password=False,
                roles=[OrgRole.TEACHER],
            )
            if index == 0 and number % 2:
                membership.is_director = True
                membership.save(update_fields=["is_director"])
    return admin.acting_as(AuthorityRole.ADMIN)


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), response


def test_subordinates_page_costs_the_same_for_2_and_25_organisations(client, region):
    url = reverse("identity:subordinates")
    login_member(client, _authority_with_organisations(region, 2))
    small, response = _queries(client, url)
    assert len(response.context["page"].object_list) == 2
    login_member(client, _authority_with_organisations(region, 25))
    large, response = _queries(client, url)
    assert len(response.context["page"].object_list) == 25
    assert small == large
    assert large <= 8


# Report: organisations without a head on the card


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_report_opens_for_roles_with_reports_only(client, region, persona):
    region.login(client, persona)
    response = client.get(reverse("identity:report-no-director"))
    assert response.status_code == (200 if persona in REPORT_VIEWERS else 404)


def _report(client, region, persona):
    region.login(client, persona)
    response = client.get(reverse("identity:report-no-director"))
    return {organization.pk for organization in response.context["page"]}, response


def test_school_admin_sees_only_own_school_in_the_report(client, region):
    found, _ = _report(client, region, "admin")
    assert found == set()
    set_director(actor=region.member("admin"), organization=region.school, membership=None)
    found, response = _report(client, region, "admin")
    assert found == {region.school.pk}
    assert response.context["page"].paginator.count == 1


def test_municipal_report_covers_its_organisations(client, region):
    found, response = _report(client, region, "municipal_head")
    assert found == {region.branch.pk, region.other_school.pk}
    page = response.content.decode()
    assert card_url(region.other_school) in page


def test_regional_report_covers_the_region(client, region):
    found, _ = _report(client, region, "regional_admin")
    assert found == {region.branch.pk, region.other_school.pk, region.south_school.pk}


def test_report_costs_the_same_for_2_and_25_organisations(client, region):
    url = reverse("identity:report-no-director")
    login_member(client, _authority_with_organisations(region, 2))
    small, response = _queries(client, url)
    assert response.context["page"].paginator.count == 1
    login_member(client, _authority_with_organisations(region, 25))
    large, response = _queries(client, url)
    assert response.context["page"].paginator.count == 13
    assert small == large
