"""Who may see and change a school's structure: years, classes, curriculum, timetable.

Seed 004, 3.3.3: the deputy head (Завуч) enters the year, periods, curriculum, classes and the
timetable; the administrator keeps the school's reference data; the psychologist, the medical
worker and the technical staff look at the timetable, classes and subjects; 3.3.9: the municipal
employee looks at the lists of classes and subjects and the curriculum of subordinate schools.
"""

from enum import StrEnum

from django.db.models import Q

from parta.identity.models import AuthorityRole, DerivedRole, Membership, OrgRole
from parta.identity.policies import is_subordinate
from parta.orgs.models import Organization
from parta.school.models import SchoolClass


class Action(StrEnum):
    VIEW_STRUCTURE = "school.view"
    MANAGE_STRUCTURE = "school.manage"
    CLOSE_TERMS = "school.close_terms"
    PERMIT_CORRECTIONS = "journal.permit_corrections"
    VIEW_ALL_JOURNALS = "journal.view_all"
    VIEW_REPORTS = "journal.reports"
    PUBLISH_ANNOUNCEMENTS = "school.announce"


VIEW = frozenset({Action.VIEW_STRUCTURE})
LEADERSHIP = VIEW | {
    Action.VIEW_ALL_JOURNALS,
    Action.VIEW_REPORTS,
    Action.PUBLISH_ANNOUNCEMENTS,
}

#: Rights of a role in its own school.
ORGANIZATION_RIGHTS: dict[str, frozenset[Action]] = {
    OrgRole.DEPUTY_HEAD: LEADERSHIP
    | {Action.MANAGE_STRUCTURE, Action.CLOSE_TERMS, Action.PERMIT_CORRECTIONS},
    OrgRole.ADMIN: LEADERSHIP | {Action.MANAGE_STRUCTURE},
    DerivedRole.DIRECTOR: LEADERSHIP,
    OrgRole.TEACHER: VIEW,
    OrgRole.SECRETARY: VIEW,
    OrgRole.HR: VIEW,
    OrgRole.PSYCHOLOGIST: VIEW,
    OrgRole.MEDICAL: VIEW,
    OrgRole.TECH_STAFF: VIEW,
}

#: Rights of an authority role over subordinate schools (seed 004, 3.3.9).
SUBORDINATE_RIGHTS: dict[str, frozenset[Action]] = {
    AuthorityRole.ADMIN: VIEW | {Action.VIEW_REPORTS},
    AuthorityRole.HEAD: VIEW | {Action.VIEW_REPORTS},
    AuthorityRole.STAFF: VIEW | {Action.VIEW_REPORTS},
    AuthorityRole.OPERATOR: frozenset({Action.VIEW_REPORTS}),
}


def rights(member: Membership, organization: Organization) -> frozenset[Action]:
    """What the member's current role may do with this school's structure."""
    if not member.is_staff or member.is_archived:
        return frozenset()
    if member.organization_id == organization.pk:
        return ORGANIZATION_RIGHTS.get(member.active_role, frozenset())
    if member.authority_id and is_subordinate(member.authority, organization):
        return SUBORDINATE_RIGHTS.get(member.active_role, frozenset())
    return frozenset()


def can(member: Membership, action: Action, organization: Organization) -> bool:
    """Whether the member's current role may perform the action in this school."""
    return action in rights(member, organization)


def is_teacher(member: Membership) -> bool:
    """A staff member working in the teacher's role (their own journals and classes)."""
    return member.is_staff and not member.is_archived and member.active_role == OrgRole.TEACHER


def visible_schools(member: Membership, action: Action) -> Q:
    """Organisations whose structure the member may reach with this action."""
    if not member.is_staff or member.is_archived:
        return Q(pk__in=[])
    if member.organization_id:
        allowed = action in ORGANIZATION_RIGHTS.get(member.active_role, frozenset())
        return Q(pk=member.organization_id) if allowed else Q(pk__in=[])
    if action not in SUBORDINATE_RIGHTS.get(member.active_role, frozenset()):
        return Q(pk__in=[])
    authority = member.authority
    if authority.level == authority.Level.REGION:
        return Q(region_id=authority.region_id)
    return Q(authority_id=authority.pk)


def can_publish_announcement(
    member: Membership, organization: Organization, school_class: SchoolClass | None = None
) -> bool:
    """Leaders publish for the school or any of its classes; a teacher, for the class they lead.

    `school_class=None` asks about an announcement of the whole school.
    """
    if school_class is not None and school_class.organization_id != organization.pk:
        return False
    if can(member, Action.PUBLISH_ANNOUNCEMENTS, organization):
        return True
    return (
        school_class is not None
        and is_teacher(member)
        and member.organization_id == organization.pk
        and school_class.class_teacher_id == member.pk
    )


def can_view_class(member: Membership, school_class: SchoolClass) -> bool:
    """The class card with its roster and the students' parents: the school's own staff who see
    its structure (an authority sees only the lists of classes, seed 004, 3.3.9)."""
    return member.organization_id == school_class.organization_id and can(
        member, Action.VIEW_STRUCTURE, school_class.organization
    )


def visible_classes(member: Membership) -> Q:
    """Classes whose card the member may open (a list filter matching `can_view_class`)."""
    if member.organization_id is None:
        return Q(pk__in=[])
    rights = ORGANIZATION_RIGHTS.get(member.active_role, frozenset())
    if not member.is_staff or member.is_archived or Action.VIEW_STRUCTURE not in rights:
        return Q(pk__in=[])
    return Q(organization_id=member.organization_id)
