"""«Дубли» and «Объединить»: the screens over `duplicate_people` and `merge_people`."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import STAFF_PERSONAS
from parta.identity.models import Account, Membership, OrgRole, Person
from parta.identity.tests.test_merge import duplicate_card

MERGERS = {"admin", "other_school_admin", "municipal_admin", "south_admin", "regional_admin"}
SCHOOL_MERGERS = {"admin", "municipal_admin", "regional_admin"}


def merge_url(survivor, duplicate):
    return reverse("identity:merge", args=[survivor.pk, duplicate.pk])


@pytest.fixture
def copy(region):
    """A second card of the school's teacher, made in the same school."""
    return duplicate_card(
        region, "teacher", region.school, "teacher.copy", roles=[OrgRole.PSYCHOLOGIST]
    )


def state(region, copy):
    return (
        Person.objects.count(),
        Account.objects.count(),
        Membership.objects.get(pk=copy.pk).person_id,
        AuditEntry.objects.filter(action="identity.people_merged").count(),
    )


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_duplicates_open_for_administrators_only(client, region, persona):
    region.login(client, persona)
    response = client.get(reverse("identity:duplicates"))
    assert response.status_code == (200 if persona in MERGERS else 404)


def test_duplicates_list_both_cards_with_cabinets_and_logins(client, region, copy):
    region.login(client, "admin")
    response = client.get(reverse("identity:duplicates"))
    page = response.content.decode()
    assert "teacher.copy" in page
    assert ">teacher<" in page
    assert "Школа № 1" in page
    teacher = region.members["teacher"]
    assert merge_url(teacher.person, copy.person) in page


def test_duplicates_are_found_whatever_the_case_of_the_name(client, region):
    duplicate_card(region, "teacher", region.school, "teacher.copy", shout=True)
    region.login(client, "admin")
    assert len(client.get(reverse("identity:duplicates")).context["rows"]) == 1


def test_other_school_does_not_see_the_pair(client, region, copy):
    region.login(client, "other_school_admin")
    response = client.get(reverse("identity:duplicates"))
    assert response.context["rows"] == []


def test_pair_across_schools_is_offered_with_the_mergeable_card_as_duplicate(client, region):
    """School 2 made a second card of school 1's teacher: school 2 merges its copy away."""
    copy = duplicate_card(region, "teacher", region.other_school, "teacher.copy")
    region.login(client, "other_school_admin")
    rows = client.get(reverse("identity:duplicates")).context["rows"]
    assert len(rows) == 1
    assert rows[0].survivor.pk == region.members["teacher"].person_id
    assert rows[0].duplicate.pk == copy.person_id
    assert rows[0].can_merge


def test_duplicates_page_costs_the_same_for_1_and_6_pairs(client, region):
    region.login(client, "regional_admin")
    url = reverse("identity:duplicates")
    duplicate_card(region, "teacher", region.school, "teacher.copy")
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(url).context["rows"]) == 1
    for persona in ["hr", "secretary", "medical", "psychologist", "tech_staff"]:
        duplicate_card(region, persona, region.school, f"{persona}.copy")
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(url).context["rows"]) == 6
    assert len(small) == len(large)


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_merge_page_opens_for_administrators_of_the_duplicate_only(client, region, persona, copy):
    region.login(client, persona)
    response = client.get(merge_url(region.members["teacher"].person, copy.person))
    assert response.status_code == (200 if persona in SCHOOL_MERGERS else 404)


def test_merge_page_shows_both_cards_the_swap_and_the_login_warning(client, region, copy):
    teacher = region.members["teacher"]
    region.login(client, "admin")
    response = client.get(merge_url(teacher.person, copy.person))
    page = response.content.decode()
    assert 'data-testid="survivor"' in page and 'data-testid="duplicate"' in page
    assert merge_url(copy.person, teacher.person) in page
    assert response.context["pair"].can_swap
    warning = page[page.index('data-testid="merge-warning"') :]
    assert "teacher.copy" in warning[:600]


def test_swapped_merge_keeps_the_other_card(client, region, copy):
    teacher = region.members["teacher"]
    region.login(client, "admin")
    response = client.post(merge_url(copy.person, teacher.person), {"confirm": "on"})
    assert response.status_code == 302
    assert not Person.objects.filter(pk=teacher.person_id).exists()
    assert Account.objects.get(person_id=copy.person_id).login == "teacher.copy"
    assert (
        Membership.objects.filter(person_id=copy.person_id, organization=region.school).count() == 1
    )


def test_merge_moves_everything_to_the_kept_card(client, region, copy):
    teacher = region.members["teacher"]
    region.login(client, "admin")
    response = client.post(merge_url(teacher.person, copy.person), {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:duplicates")
    cabinet = Membership.objects.get(person=teacher.person, organization=region.school)
    assert set(cabinet.role_rows.values_list("role", flat=True)) == {
        OrgRole.TEACHER,
        OrgRole.PSYCHOLOGIST,
    }
    assert not Account.objects.filter(login="teacher.copy").exists()
    assert AuditEntry.objects.filter(
        action="identity.people_merged", organization_id=region.school.pk
    ).exists()


def test_merge_needs_the_confirmation(client, region, copy):
    region.login(client, "admin")
    before = state(region, copy)
    response = client.post(merge_url(region.members["teacher"].person, copy.person), {})
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]
    assert state(region, copy) == before


@pytest.mark.parametrize("persona", sorted(set(STAFF_PERSONAS) - SCHOOL_MERGERS))
def test_denied_personas_merge_nothing(client, region, persona, copy):
    region.login(client, persona)
    before = state(region, copy)
    response = client.post(
        merge_url(region.members["teacher"].person, copy.person), {"confirm": "on"}
    )
    assert response.status_code in (403, 404)
    assert state(region, copy) == before


def test_school_admin_cannot_merge_a_person_of_another_school(client, region):
    copy = duplicate_card(region, "teacher", region.other_school, "teacher.copy")
    teacher = region.members["teacher"]
    region.login(client, "admin")
    before = state(region, copy)
    assert client.get(merge_url(teacher.person, copy.person)).status_code == 404
    response = client.post(merge_url(teacher.person, copy.person), {"confirm": "on"})
    assert response.status_code == 404
    assert state(region, copy) == before


def test_merge_across_schools_offers_no_swap(client, region):
    copy = duplicate_card(region, "teacher", region.other_school, "teacher.copy")
    teacher = region.members["teacher"]
    region.login(client, "other_school_admin")
    response = client.get(merge_url(teacher.person, copy.person))
    assert response.status_code == 200
    assert not response.context["pair"].can_swap
    assert 'data-testid="swap"' not in response.content.decode()
    assert client.get(merge_url(copy.person, teacher.person)).status_code == 404


def test_two_different_people_cannot_be_merged_by_a_forged_address(client, region):
    region.login(client, "admin")
    teacher, deputy = region.members["teacher"], region.members["deputy_head"]
    response = client.post(merge_url(deputy.person, teacher.person), {"confirm": "on"})
    assert response.status_code == 404
    assert Person.objects.filter(pk=teacher.person_id).exists()


def test_own_card_cannot_be_merged_away_from_the_screen(client, region):
    copy = duplicate_card(region, "admin", region.school, "admin.copy", roles=[])
    admin = region.members["admin"]
    region.login(client, "admin")
    response = client.post(merge_url(copy.person, admin.person), {"confirm": "on"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Person.objects.filter(pk=admin.person_id).exists()
