"""The sections of the header, each shown only to roles that may use it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parta.dpo import policies as dpo_policies
from parta.exchange.policies import can_exchange
from parta.identity.models import DerivedRole, Membership, OrgRole
from parta.identity.policies import Action, can
from parta.school import policies as school_policies
from parta.students import policies as student_policies

STAFF_ROLES = frozenset(OrgRole.values) | {DerivedRole.DIRECTOR}
DIARY_ROLES = frozenset({DerivedRole.STUDENT, DerivedRole.GUARDIAN})

#: Sections of an organisation's cabinet that later modules fill, with the roles that use them.
UPCOMING_SECTIONS: dict[str, tuple[Promise, frozenset[str]]] = {
    "resources": (_("Resources"), STAFF_ROLES),
}


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    url: str


def _school_sections(member: Membership) -> list[Section]:
    """Sections of a school cabinet: planning, classes, timetable, journals, the diary."""
    organization = member.organization
    school = school_policies.Action
    result: list[Section] = []
    if member.active_role in DIARY_ROLES:
        return [Section("diary", _("Diary"), reverse("journal:diary"))]
    if school_policies.can(member, school.VIEW_ALL_JOURNALS, organization):
        result.append(Section("planning", _("Planning"), reverse("school:planning")))
    if school_policies.can(member, school.VIEW_STRUCTURE, organization):
        result.append(Section("classes", _("Classes"), reverse("school:classes")))
        result.append(Section("timetable", _("Timetable"), reverse("school:timetable")))
    teaches = school_policies.is_teacher(member)
    if teaches or school_policies.can(member, school.VIEW_ALL_JOURNALS, organization):
        result.append(Section("journal", _("Journal"), reverse("journal:index")))
    if teaches or member.active_role == OrgRole.DEPUTY_HEAD:
        result.append(Section("teaching", _("Lesson plans"), reverse("journal:plans")))
    if school_policies.can(member, school.VIEW_STRUCTURE, organization):
        result.append(Section("announcements", _("Announcements"), reverse("school:announcements")))
    return result


def student_links(member: Membership) -> dict[str, bool]:
    """Which of the students' screens of «Управление» the member opens (none outside a school)."""
    organization = member.organization
    if organization is None:
        return dict.fromkeys(
            ("can_list_students", "can_view_orders", "can_view_movement_report", "can_exchange"),
            False,
        )
    return {
        "can_list_students": student_policies.can(
            member, student_policies.Action.LIST_STUDENTS, organization
        ),
        "can_view_orders": student_policies.can(
            member, student_policies.Action.VIEW_ORDERS, organization
        ),
        "can_view_movement_report": student_policies.can(
            member, student_policies.Action.VIEW_MOVEMENT_REPORT, organization
        ),
        "can_exchange": can_exchange(member, organization),
    }


def can_view_any_reports(member: Membership) -> bool:
    """Reports on people and organisations, or on marks and attendance."""
    unit = member.unit
    if can(member, Action.VIEW_REPORTS, unit):
        return True
    return member.organization_id is not None and school_policies.can(
        member, school_policies.Action.VIEW_REPORTS, unit
    )


def sections(member: Membership) -> list[Section]:
    """The header's sections for the member's current cabinet and role, in the usual order."""
    unit = member.unit
    result: list[Section] = []
    if any(can(member, action, unit) for action in (Action.LIST_STAFF, Action.EDIT_CARD)) or any(
        student_links(member).values()
    ):
        result.append(Section("manage", _("Management"), reverse("web:manage")))
    if member.authority_id and member.is_staff:
        result.append(
            Section("organizations", _("Organisations"), reverse("identity:subordinates"))
        )
    if member.organization_id:
        result.extend(_school_sections(member))
    if can_view_any_reports(member):
        result.append(Section("reports", _("Reports"), reverse("web:reports")))
    if member.organization_id and dpo_policies.is_listener(member):
        result.append(Section("dpo", _("Professional development"), reverse("dpo:dashboard")))
    if member.organization_id and member.active_role in UPCOMING_SECTIONS["resources"][1]:
        result.append(
            Section(
                "resources",
                UPCOMING_SECTIONS["resources"][0],
                reverse("web:section", args=["resources"]),
            )
        )
    return result
