"""Reads of the audit log."""

from django.core.paginator import Page, Paginator
from django.db.models import (
    Q,
)

from parta.core.models import AuditEntry
from parta.identity.models import Membership
from parta.identity.policies import (
    Action,
    Unit,
    can,
)
from parta.orgs.models import Organization


def audit_entries(*, viewer: Membership, unit: Unit, page: int, action: str = "") -> Page:
    """The audit log of a unit, newest first."""
    if not can(viewer, Action.VIEW_AUDIT, unit):
        return Paginator(AuditEntry.objects.none(), 1).get_page(1)
    scope = (
        Q(organization_id=unit.pk) if isinstance(unit, Organization) else Q(authority_id=unit.pk)
    )
    queryset = AuditEntry.objects.filter(scope)
    if action:
        queryset = queryset.filter(action=action)
    return Paginator(queryset.order_by("-created_at", "-id"), 50).get_page(page)
