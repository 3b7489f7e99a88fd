"""The dashboard's ДПО role and its notices (issue 5 «Roles»): a school without a head chosen on
its card shows every listener why the director sees ДПО as a listener; a director working in
another role is pointed to «Сменить роль»."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core.testing.personas import login_member
from parta.dpo.selectors.roles import Role, role_notice
from parta.identity.models import Membership, OrgRole


def login(client, campaign, name):
    if name == "director_as_teacher":
        member = campaign.region.member("director").acting_as(OrgRole.TEACHER)
    else:
        member = campaign.member(name)
    return login_member(client, member)


def without_director(organization):
    Membership.objects.filter(organization=organization, is_director=True).update(is_director=False)


def dashboard(client):
    response = client.get(reverse("dpo:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


# (persona, school has a director) → (role shown, no-director notice, switch-role hint)
CASES = [
    ("teacher", True, Role.LISTENER, False, False),
    ("teacher", False, Role.LISTENER, True, False),
    ("secretary", False, Role.LISTENER, True, False),
    ("director", True, Role.DIRECTOR, False, False),
    ("director_as_teacher", True, Role.LISTENER, False, True),
    ("dpo_staff", True, Role.DPO_STAFF, False, False),
    ("dpo_staff", False, Role.DPO_STAFF, False, False),
]


@pytest.mark.parametrize(("name", "has_director", "role", "notice", "hint"), CASES)
def test_dashboard_shows_the_role_and_its_notices(
    client, campaign, name, has_director, role, notice, hint
):
    if not has_director:
        without_director(campaign.region.school)
        without_director(campaign.institute)
    login(client, campaign, name)
    page = dashboard(client)
    assert f'data-testid="dpo-role" data-role="{role}"' in page
    assert ('data-testid="no-director-notice"' in page) is notice
    assert ('data-testid="act-as-director"' in page) is hint
    if hint:
        assert reverse("identity:choose-cabinet") in page


def test_the_director_to_be_sees_the_notice_once_the_head_is_unset(campaign):
    director = campaign.region.member("director")
    without_director(director.organization)
    director.refresh_from_db()
    found = role_notice(director.acting_as(OrgRole.TEACHER))
    assert (found.role, found.no_director, found.can_act_as_director) == (
        Role.LISTENER,
        True,
        False,
    )


def test_choosing_a_head_removes_the_notice_for_everyone(campaign):
    without_director(campaign.region.school)
    teacher = campaign.member("teacher")
    assert role_notice(teacher).no_director
    Membership.objects.filter(pk=campaign.region.member("director").pk).update(is_director=True)
    assert not role_notice(teacher).no_director


def test_another_schools_director_does_not_count(campaign):
    without_director(campaign.region.school)
    assert (
        Membership.objects.filter(is_director=True)
        .exclude(organization=campaign.region.school)
        .exists()
    )
    assert role_notice(campaign.member("teacher")).no_director


def test_role_notice_costs_one_query(campaign):
    teacher = campaign.member("teacher")
    with CaptureQueriesContext(connection) as captured:
        role_notice(teacher)
    assert len(captured.captured_queries) == 1
