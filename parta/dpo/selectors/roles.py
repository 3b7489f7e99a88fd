"""The member's role in ДПО as the dashboard shows it, and what keeps a director a listener.

Issue 5 «Roles»: the director is the membership flagged `is_director` on the organisation card;
with no head chosen there, the would-be director sees ДПО as a listener and the dashboard says
what the school administrator must fix. A director working in another role is reminded to
«Сменить роль» → «Войти как руководитель ОО».
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from parta.dpo import policies
from parta.identity.models import Membership
from parta.identity.selectors.organizations import director_of


class Role(models.TextChoices):
    LISTENER = "listener", _("Listener")
    DIRECTOR = "director", _("Head of the organisation")
    DPO_STAFF = "dpo_staff", _("Professional development staff")


@dataclass(frozen=True)
class RoleNotice:
    role: Role
    #: The member's organisation has no head chosen on its card (shown to its listeners).
    no_director: bool
    #: The member is the director but works in another role now.
    can_act_as_director: bool

    @property
    def label(self) -> str:
        return self.role.label


def dpo_role(member: Membership) -> Role:
    """The role the member works in; the director's role comes first, as in `policies`."""
    if policies.is_acting_director(member):
        return Role.DIRECTOR
    if policies.is_dpo_staff(member):
        return Role.DPO_STAFF
    return Role.LISTENER


def role_notice(member: Membership) -> RoleNotice:
    """The dashboard's role line and notices; one query (the organisation's director)."""
    role = dpo_role(member)
    no_director = role == Role.LISTENER and director_of(organization=member.organization) is None
    return RoleNotice(
        role=role,
        no_director=no_director,
        can_act_as_director=member.is_director and role != Role.DIRECTOR,
    )
