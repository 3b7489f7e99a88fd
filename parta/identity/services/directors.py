"""The head of an organisation, chosen on its card from its own staff (seed 000, п. 3)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership
from parta.identity.policies import Action, can
from parta.orgs.models import Organization


@transaction.atomic
def set_director(
    *, actor: Membership, organization: Organization, membership: Membership | None
) -> Membership | None:
    """Make one of the organisation's active staff its head, or leave it without one."""
    if not can(actor, Action.SET_DIRECTOR, organization):
        raise PermissionDenied
    if membership is not None and (
        membership.organization_id != organization.pk
        or membership.kind != Membership.Kind.STAFF
        or membership.is_archived
    ):
        raise ValidationError(
            {"director": _("The head is chosen from this organisation's current staff list.")},
            code="not_own_staff",
        )
    current = (
        Membership.objects.select_for_update()
        .select_related("person")
        .filter(organization=organization, is_director=True)
        .first()
    )
    if current == membership:
        return membership
    if current is not None:
        current.is_director = False
        current.save(update_fields=["is_director"])
    if membership is not None:
        membership.is_director = True
        membership.save(update_fields=["is_director"])
    audit.record(
        actor=actor,
        action="orgs.director_set",
        target=organization,
        before={"director": current.person.full_name if current else None},
        after={"director": membership.person.full_name if membership else None},
        organization_id=organization.pk,
    )
    return membership
