"""The sections of the header, each shown only to roles that may use it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parta.identity.models import DerivedRole, Membership, OrgRole
from parta.identity.policies import Action, can

STAFF_ROLES = frozenset(OrgRole.values) | {DerivedRole.DIRECTOR}
EVERYONE = STAFF_ROLES | {DerivedRole.STUDENT, DerivedRole.GUARDIAN}

#: Sections of an organisation's cabinet that later modules fill, with the roles that use them.
UPCOMING_SECTIONS: dict[str, tuple[Promise, frozenset[str]]] = {
    "planning": (
        _("Planning"),
        frozenset({OrgRole.ADMIN, OrgRole.DEPUTY_HEAD, DerivedRole.DIRECTOR}),
    ),
    "teaching": (_("Teaching"), frozenset({OrgRole.DEPUTY_HEAD, OrgRole.TEACHER})),
    "timetable": (_("Timetable"), EVERYONE),
    "journal": (
        _("Journal"),
        frozenset({OrgRole.TEACHER, OrgRole.DEPUTY_HEAD, DerivedRole.DIRECTOR, OrgRole.ADMIN}),
    ),
    "resources": (_("Resources"), STAFF_ROLES),
}


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    url: str


def sections(member: Membership) -> list[Section]:
    """The header's sections for the member's current cabinet and role, in the usual order."""
    unit = member.unit
    result: list[Section] = []
    if any(can(member, action, unit) for action in (Action.LIST_STAFF, Action.EDIT_CARD)):
        result.append(Section("manage", _("Management"), reverse("web:manage")))
    if member.authority_id and member.is_staff:
        result.append(
            Section("organizations", _("Organisations"), reverse("identity:subordinates"))
        )
    if member.organization_id:
        for key in ("planning", "teaching", "timetable", "journal"):
            title, roles = UPCOMING_SECTIONS[key]
            if member.active_role in roles:
                result.append(Section(key, title, reverse("web:section", args=[key])))
    if can(member, Action.VIEW_REPORTS, unit):
        result.append(Section("reports", _("Reports"), reverse("web:reports")))
    if member.organization_id and member.active_role in UPCOMING_SECTIONS["resources"][1]:
        result.append(
            Section(
                "resources",
                UPCOMING_SECTIONS["resources"][0],
                reverse("web:section", args=["resources"]),
            )
        )
    return result
