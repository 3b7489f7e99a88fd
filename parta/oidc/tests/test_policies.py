"""Who manages the OpenID Connect clients and who signs in to them, persona by persona.

Managing the clients is a region-wide login setting: the regional administrator's alone (the
right `can_manage_region_login` of identity). Signing in to a module is open to every cabinet in
a role it holds, while the client is switched on and the account is not blocked.
"""

import pytest

from parta.core.testing.personas import STAFF_PERSONAS
from parta.identity.models import AuthorityRole
from parta.oidc.models import Client
from parta.oidc.policies import Action, can, can_manage_clients, can_sign_in, visible_clients

NOTHING: frozenset[Action] = frozenset()
EVERYTHING = frozenset(Action)
#: persona → the actions on clients it may take: the municipal and school administrators none.
EXPECTED: dict[str, frozenset[Action]] = dict.fromkeys(STAFF_PERSONAS, NOTHING) | {
    "regional_admin": EVERYTHING
}
MANAGERS = {persona for persona, actions in EXPECTED.items() if actions}


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_only_the_regional_administrator_manages_the_clients(region, lms, persona):
    member = region.member(persona)
    allowed = frozenset(action for action in Action if can(member, action))
    assert allowed == EXPECTED[persona]
    assert can_manage_clients(member) is (persona in MANAGERS)
    visible = Client.objects.filter(visible_clients(member))
    assert list(visible) == ([lms] if persona in MANAGERS else [])


def test_the_regional_administrator_in_another_role_manages_nothing(region):
    member = region.member("regional_admin").acting_as(AuthorityRole.HEAD)
    assert not any(can(member, action) for action in Action)


def test_an_archived_regional_administrator_manages_nothing(region):
    member = region.member("regional_admin")
    member.is_archived = True
    assert not any(can(member, action) for action in Action)


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_every_cabinet_signs_in_to_a_switched_on_client(region, lms, persona):
    assert can_sign_in(region.member(persona), lms)


@pytest.mark.parametrize("persona", ["teacher", "regional_admin"])
def test_nobody_signs_in_to_a_switched_off_client(region, lms, persona):
    lms.is_active = False
    assert not can_sign_in(region.member(persona), lms)


def test_a_closed_cabinet_a_lost_role_or_a_blocked_account_signs_in_nowhere(region, lms):
    archived = region.member("teacher")
    archived.is_archived = True
    lost_role = region.member("teacher").acting_as(AuthorityRole.ADMIN)
    blocked = region.member("teacher")
    blocked.person.account.is_active = False
    assert not can_sign_in(archived, lms)
    assert not can_sign_in(lost_role, lms)
    assert not can_sign_in(blocked, lms)
