"""Who a member is for an application, who may open it, and which lists they see.

Roles (issue 5): «Слушатель» is any active staff membership of an organisation; «Руководитель ОО»
is the membership flagged `is_director` working in the director's role (seed 001: the director
must «Сменить роль» → «Войти как руководитель ОО» to confirm applications); «Сотрудник ДПО» is a
staff membership of an organisation of kind `dpo`, who serves the schools of its region.
"""

from django.db.models import Q

from parta.dpo.models import Application
from parta.dpo.states import ActorKind
from parta.identity.models import DerivedRole, Membership
from parta.orgs.models import Organization


def is_listener(member: Membership) -> bool:
    """An active staff member of an organisation: may apply to groups."""
    return member.is_staff and member.organization_id is not None and not member.is_archived


def is_acting_director(member: Membership) -> bool:
    """The director of an organisation, working in the director's role."""
    return is_listener(member) and member.is_director and member.active_role == DerivedRole.DIRECTOR


def is_dpo_staff(member: Membership) -> bool:
    """A staff member of a ДПО organisation (the institute, the assessment centre)."""
    return is_listener(member) and member.organization.kind == Organization.Kind.DPO


def actor_kind(member: Membership, application: Application) -> ActorKind:
    """Who the member is for this application; the director's role comes first, so a director
    who applied confirms their own application, and ДПО staff never enrol themselves."""
    if not is_listener(member):
        return ActorKind.NOBODY
    if is_acting_director(member) and member.organization_id == application.organization_id:
        return ActorKind.DIRECTOR
    if member.pk == application.applicant_id:
        return ActorKind.APPLICANT
    if is_dpo_staff(member) and member.organization.region_id == application.organization.region_id:
        return ActorKind.DPO_STAFF
    return ActorKind.NOBODY


def can_apply(member: Membership) -> bool:
    return is_listener(member)


def can_view(member: Membership, application: Application) -> bool:
    """The applicant, the director of their school and ДПО staff of the region."""
    return actor_kind(member, application) != ActorKind.NOBODY


def can_comment(member: Membership, application: Application) -> bool:
    """Everyone who sees an application comments on it, cancelled ones included (seed 001)."""
    return can_view(member, application)


def own_applications(member: Membership) -> Q:
    """«Заявки» of a listener: their own."""
    if not is_listener(member):
        return Q(pk__in=[])
    return Q(applicant_id=member.pk)


def managed_applications(member: Membership) -> Q:
    """The list a member acts on: the director's school, or the region for ДПО staff."""
    scope = Q(pk__in=[])
    if is_acting_director(member):
        scope |= Q(organization_id=member.organization_id)
    if is_dpo_staff(member):
        scope |= Q(organization__region_id=member.organization.region_id)
    return scope


def visible_applications(member: Membership) -> Q:
    """Every application the member may open (the list form of `can_view`)."""
    return own_applications(member) | managed_applications(member)
