"""Who may do what with people, accounts, memberships and organisation cards.

Every right is granted in one of three tables: to a role in its own organisation, to a role in
its own authority, and to an authority role over the organisations (and municipal authorities)
subordinate to it. Seed 000 (приложение 1) lists the authority roles' rights word for word.
"""

from enum import StrEnum

from django.db.models import Q

from parta.identity.models import AuthorityRole, DerivedRole, Membership, OrgRole
from parta.orgs.models import Authority, Organization


class Action(StrEnum):
    LIST_STAFF = "staff.list"
    VIEW_STAFF = "staff.view"
    ADD_STAFF = "staff.add"
    EDIT_STAFF = "staff.edit"
    EDIT_ROLES = "staff.roles"
    SET_PASSWORD = "staff.password"
    ARCHIVE_STAFF = "staff.archive"
    IMPORT_STAFF = "staff.import"
    DELETE_STAFF = "staff.delete"
    MERGE_PEOPLE = "people.merge"
    VIEW_PERSONAL_DATA = "people.personal_data"
    VIEW_AUDIT = "audit.view"
    VIEW_CARD = "unit.view_card"
    EDIT_CARD = "unit.edit_card"
    SET_DIRECTOR = "unit.set_director"
    VIEW_REPORTS = "reports.view"
    INVITE_STAFF = "staff.invite"
    VIEW_LOGIN_READINESS = "reports.login_readiness"


MANAGE_STAFF = frozenset(
    {
        Action.LIST_STAFF,
        Action.VIEW_STAFF,
        Action.ADD_STAFF,
        Action.EDIT_STAFF,
        Action.EDIT_ROLES,
        Action.SET_PASSWORD,
        Action.ARCHIVE_STAFF,
        Action.IMPORT_STAFF,
        Action.DELETE_STAFF,
        Action.MERGE_PEOPLE,
        Action.VIEW_PERSONAL_DATA,
    }
)
READ_STAFF = frozenset({Action.LIST_STAFF, Action.VIEW_STAFF})
ADMIN_RIGHTS = MANAGE_STAFF | {
    Action.VIEW_AUDIT,
    Action.VIEW_CARD,
    Action.EDIT_CARD,
    Action.SET_DIRECTOR,
    Action.VIEW_REPORTS,
    Action.INVITE_STAFF,
    Action.VIEW_LOGIN_READINESS,
}

#: Rights of a role in its own organisation.
ORGANIZATION_RIGHTS: dict[str, frozenset[Action]] = {
    OrgRole.ADMIN: ADMIN_RIGHTS,
    DerivedRole.DIRECTOR: READ_STAFF
    | {
        Action.VIEW_PERSONAL_DATA,
        Action.VIEW_AUDIT,
        Action.VIEW_CARD,
        Action.VIEW_REPORTS,
        Action.INVITE_STAFF,
        Action.VIEW_LOGIN_READINESS,
    },
    OrgRole.DEPUTY_HEAD: READ_STAFF
    | {Action.VIEW_CARD, Action.VIEW_REPORTS, Action.VIEW_LOGIN_READINESS},
    OrgRole.HR: READ_STAFF
    | {
        Action.ADD_STAFF,
        Action.EDIT_STAFF,
        Action.ARCHIVE_STAFF,
        Action.IMPORT_STAFF,
        Action.VIEW_PERSONAL_DATA,
        Action.VIEW_CARD,
    },
    OrgRole.SECRETARY: READ_STAFF | {Action.VIEW_PERSONAL_DATA, Action.VIEW_CARD},
    OrgRole.TEACHER: frozenset({Action.VIEW_CARD}),
    OrgRole.TECH_STAFF: frozenset({Action.VIEW_CARD}),
    OrgRole.MEDICAL: frozenset({Action.VIEW_CARD}),
    OrgRole.PSYCHOLOGIST: frozenset({Action.VIEW_CARD}),
}

#: Rights of a role in its own authority (its staff list and its card).
AUTHORITY_RIGHTS: dict[str, frozenset[Action]] = {
    AuthorityRole.ADMIN: ADMIN_RIGHTS - {Action.SET_DIRECTOR},
    AuthorityRole.HEAD: READ_STAFF
    | {Action.VIEW_CARD, Action.VIEW_REPORTS, Action.VIEW_LOGIN_READINESS},
    AuthorityRole.STAFF: READ_STAFF
    | {Action.VIEW_CARD, Action.VIEW_REPORTS, Action.VIEW_LOGIN_READINESS},
    AuthorityRole.OPERATOR: frozenset(
        {Action.VIEW_CARD, Action.VIEW_REPORTS, Action.VIEW_LOGIN_READINESS}
    ),
    AuthorityRole.EVENTS_COORDINATOR: frozenset({Action.VIEW_CARD}),
    AuthorityRole.GIFTED_COORDINATOR: frozenset({Action.VIEW_CARD}),
}

# Viewing subordinate cabinets: the operator and the coordinators open them "without access to
# the cards of users (teachers, students, parents)"; the head and employees read the cards; the
# administrator has "all of the system's functions".
_VIEW_CABINET = frozenset({Action.VIEW_CARD})

#: Rights of an authority role over subordinate organisations and municipal authorities.
SUBORDINATE_RIGHTS: dict[str, frozenset[Action]] = {
    AuthorityRole.ADMIN: ADMIN_RIGHTS,
    AuthorityRole.HEAD: _VIEW_CABINET
    | READ_STAFF
    | {Action.VIEW_REPORTS, Action.VIEW_LOGIN_READINESS},
    AuthorityRole.STAFF: _VIEW_CABINET
    | READ_STAFF
    | {Action.VIEW_REPORTS, Action.VIEW_LOGIN_READINESS},
    AuthorityRole.OPERATOR: _VIEW_CABINET | {Action.VIEW_REPORTS, Action.VIEW_LOGIN_READINESS},
    AuthorityRole.EVENTS_COORDINATOR: _VIEW_CABINET,
    AuthorityRole.GIFTED_COORDINATOR: _VIEW_CABINET,
}

Unit = Organization | Authority


def is_subordinate(authority: Authority, unit: Unit) -> bool:
    """Whether an organisation or a municipal authority is under this authority."""
    if isinstance(unit, Organization):
        if authority.level == Authority.Level.REGION:
            return unit.region_id == authority.region_id
        return unit.authority_id == authority.pk
    return unit.parent_id == authority.pk


def rights(member: Membership, unit: Unit) -> frozenset[Action]:
    """Everything the member's current role may do in this organisation or authority."""
    if not member.is_staff or member.is_archived:
        return frozenset()
    if isinstance(unit, Organization) and member.organization_id == unit.pk:
        return ORGANIZATION_RIGHTS.get(member.active_role, frozenset())
    if member.authority_id is None:
        return frozenset()
    if isinstance(unit, Authority) and member.authority_id == unit.pk:
        return AUTHORITY_RIGHTS.get(member.active_role, frozenset())
    if is_subordinate(member.authority, unit):
        return SUBORDINATE_RIGHTS.get(member.active_role, frozenset())
    return frozenset()


def can(member: Membership, action: Action, unit: Unit) -> bool:
    """Whether the member's current role may perform the action in this unit."""
    return action in rights(member, unit)


#: Actions on the person's one account, which opens every cabinet of theirs.
ACCOUNT_ACTIONS = frozenset({Action.SET_PASSWORD})


def can_edit_staff_member(member: Membership, target: Membership, action: Action) -> bool:
    """An action on one staff card: allowed in the card's unit, never on one's own roles.

    A password opens all of a person's cabinets, so it is set only by someone with that right
    in every one of them: otherwise a school administrator could import the regional
    administrator and take over their login.
    """
    if action == Action.EDIT_ROLES and target.person_id == member.person_id:
        return False
    if action in ACCOUNT_ACTIONS:
        cabinets = [m for m in target.person.memberships.all() if not m.is_archived]
        if not all(can(member, action, cabinet.unit) for cabinet in cabinets):
            return False
    return can(member, action, target.unit)


def can_manage_region_login(member: Membership) -> bool:
    """Region-wide login settings and the OpenID Connect clients: the regional administrator."""
    authority = member.authority if member.authority_id else None
    return (
        authority is not None
        and authority.level == Authority.Level.REGION
        and member.is_staff
        and not member.is_archived
        and member.active_role == AuthorityRole.ADMIN
    )


def visible_organizations(member: Membership) -> Q:
    """Organisations whose cabinet the member may open."""
    if member.is_archived:
        return Q(pk__in=[])
    if member.organization_id:
        return Q(pk=member.organization_id)
    authority = member.authority
    if authority is None or not member.is_staff:
        return Q(pk__in=[])
    if authority.level == Authority.Level.REGION:
        return Q(region_id=authority.region_id)
    return Q(authority_id=authority.pk)


def visible_authorities(member: Membership) -> Q:
    """Authorities whose cabinet the member may open: its own and those under it."""
    if member.authority_id is None or member.is_archived:
        return Q(pk__in=[])
    return Q(pk=member.authority_id) | Q(parent_id=member.authority_id)


def organizations_where(member: Membership, action: Action) -> Q:
    """Organisations in which the member's role may perform the action (a list filter)."""
    if member.is_archived:
        return Q(pk__in=[])
    if member.organization_id:
        allowed = action in ORGANIZATION_RIGHTS.get(member.active_role, frozenset())
        return Q(pk=member.organization_id) if allowed and member.is_staff else Q(pk__in=[])
    if action not in SUBORDINATE_RIGHTS.get(member.active_role, frozenset()):
        return Q(pk__in=[])
    return visible_organizations(member)
