"""Who may manage the OpenID Connect clients, and which cabinets may sign in to them."""

from enum import StrEnum

from django.db.models import Q

from parta.identity.models import Membership
from parta.identity.policies import can_manage_region_login
from parta.oidc.models import Client


class Action(StrEnum):
    LIST_CLIENTS = "clients.list"
    ADD_CLIENT = "clients.add"
    EDIT_CLIENT = "clients.edit"
    SWITCH_CLIENT = "clients.switch"
    DELETE_CLIENT = "clients.delete"
    REPLACE_SECRET = "clients.replace_secret"


def can(member: Membership, action: Action) -> bool:
    """Every action on the region's clients belongs to the regional administrator."""
    return can_manage_region_login(member)


def can_manage_clients(member: Membership) -> bool:
    """Whether «Клиенты OpenID Connect» opens for the member's current cabinet and role."""
    return can(member, Action.LIST_CLIENTS)


def visible_clients(member: Membership) -> Q:
    """Clients the member sees on the list: all of them for the regional administrator."""
    return Q() if can(member, Action.LIST_CLIENTS) else Q(pk__in=[])


def can_sign_in(member: Membership, client: Client) -> bool:
    """A cabinet signs in to a switched-on client in a role it still holds, with a live account.

    Checked when the code is issued and again whenever the client exchanges it, refreshes the
    tokens or reads the claims, so a closed cabinet or a blocked account ends the module's access.
    """
    account = member.person.account
    return (
        client.is_active
        and account.is_active
        and not member.is_archived
        and member.active_role in member.available_roles
    )
