"""Reads of cabinets: the session's one, a person's all, and the units a viewer may open."""

from django.db.models import (
    F,
    Q,
    QuerySet,
)

from parta.identity.models import Membership
from parta.identity.policies import (
    Unit,
    visible_authorities,
    visible_organizations,
)
from parta.orgs.models import Authority, Organization


def unit_filter(unit: Unit) -> Q:
    """Memberships of this organisation or authority."""
    if isinstance(unit, Organization):
        return Q(organization=unit)
    return Q(authority=unit)


def membership_for_session(*, membership_id: int, account_id: int) -> Membership | None:
    """The cabinet a session works in, with all the frame needs, in two queries."""
    return (
        Membership.objects.select_related(
            "person__account", "organization", "authority", "authority__region"
        )
        .prefetch_related("role_rows")
        .filter(pk=membership_id, person__account__pk=account_id, is_archived=False)
        .first()
    )


def cabinets_of_account(*, account_id: int) -> list[Membership]:
    """Every active cabinet of a person, for «Сменить роль» and the login page."""
    return list(
        Membership.objects.select_related("organization", "authority", "person")
        .prefetch_related("role_rows")
        .filter(person__account__pk=account_id, is_archived=False)
        .order_by("authority_id", "organization__short_name")
    )


def authorities_for_login() -> QuerySet[Authority]:
    """The ministry first, then the municipal authorities by name."""
    return Authority.objects.select_related("municipality").order_by(
        F("parent_id").asc(nulls_first=True), "short_name"
    )


def organizations_for_login(*, search: str = "") -> QuerySet[Organization]:
    """Organisations a user can choose on the login page, matched by any words of the name."""
    queryset = Organization.objects.filter(is_active=True).select_related("municipality")
    for word in search.split():
        queryset = queryset.filter(
            Q(short_name__icontains=word)
            | Q(full_name__icontains=word)
            | Q(municipality__name__icontains=word)
        )
    return queryset.order_by("municipality__name", "short_name")


def unit_by_key(*, viewer: Membership, kind: str, pk: int) -> Unit | None:
    """An organisation or authority the viewer may at least open the cabinet of (else None)."""
    if kind == "org":
        return (
            Organization.objects.filter(visible_organizations(viewer), pk=pk)
            .select_related("municipality", "authority", "parent")
            .first()
        )
    return Authority.objects.filter(visible_authorities(viewer), pk=pk).first()


def cabinets_of_person(*, person_id: int) -> list[Membership]:
    """Where a person works or studies: shown when «Добавить» finds the person already known."""
    return list(
        Membership.objects.select_related("person", "organization", "authority")
        .filter(person_id=person_id, is_archived=False)
        .order_by("authority_id", "organization__short_name")
    )
