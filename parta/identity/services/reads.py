"""Reads that leave a trace: personal data shown in full is logged (DESIGN.md, «Decisions»)."""

from django.core.exceptions import PermissionDenied

from parta.core import audit
from parta.core.models import AuditEntry
from parta.identity.models import Membership
from parta.identity.policies import Action, can


def record_personal_data_view(*, actor: Membership, membership: Membership) -> AuditEntry:
    """Log that the actor was shown a staff member's СНИЛС and passport in full."""
    if not can(actor, Action.VIEW_PERSONAL_DATA, membership.unit):
        raise PermissionDenied
    return audit.record(
        actor=actor,
        action="identity.personal_data_viewed",
        target=membership.person,
        organization_id=membership.organization_id,
        authority_id=membership.authority_id,
    )
