"""Reads for the organisation card, subordinate organisations and the head report."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Lower, Trim

from parta.identity.models import Membership
from parta.identity.policies import (
    Action,
    organizations_where,
    visible_organizations,
)
from parta.orgs.models import Organization


def organizations_without_director(*, viewer: Membership) -> QuerySet[Organization]:
    """Organisations in the viewer's view that have no head chosen on the card."""
    return (
        Organization.objects.filter(organizations_where(viewer, Action.VIEW_REPORTS))
        .filter(is_active=True)
        .exclude(Exists(Membership.objects.filter(organization=OuterRef("pk"), is_director=True)))
        .select_related("municipality", "authority")
        .order_by("municipality__name", "short_name")
    )


def director_of(*, organization: Organization) -> Membership | None:
    return (
        Membership.objects.select_related("person")
        .filter(organization=organization, is_director=True)
        .first()
    )


def director_candidates(*, organization: Organization) -> QuerySet[Membership]:
    """The organisation's own current staff: the only people a head can be chosen from."""
    return (
        Membership.objects.filter(
            organization=organization, kind=Membership.Kind.STAFF, is_archived=False
        )
        .select_related("person")
        .order_by(Lower("person__last_name"), Lower("person__first_name"))
    )


def subordinate_organizations(
    *, viewer: Membership, search: str = "", kind: str = ""
) -> QuerySet[Organization]:
    """Organisations the viewer may open, each with its head and staff count.

    Head and count are correlated subqueries, so a page of 50 costs the same whatever the
    region's size: only the rows returned are counted.
    """
    queryset = (
        Organization.objects.filter(visible_organizations(viewer))
        .filter(is_active=True)
        .select_related("municipality", "parent")
        .annotate(director_name=_director_name(), staff_count=_staff_count())
        .order_by("municipality__name", "short_name", "pk")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    for word in search.split():
        queryset = queryset.filter(
            Q(short_name__icontains=word) | Q(full_name__icontains=word) | Q(inn=word)
        )
    return queryset


SUBORDINATES_PAGE_SIZE = 50


REPORT_PAGE_SIZE = 100


@dataclass(frozen=True)
class OrganizationCard:
    """What «Карточка ОО» shows: the organisation, its branches, its head and its staff count."""

    organization: Organization
    branches: list[Organization]
    director: Membership | None
    staff_count: int


def organization_card(*, viewer: Membership, organization_id: int) -> OrganizationCard | None:
    """The card of an organisation the viewer may open (None reads as 404)."""
    organization = (
        Organization.objects.filter(organizations_where(viewer, Action.VIEW_CARD))
        .filter(pk=organization_id)
        .select_related("municipality", "authority", "parent")
        .first()
    )
    if organization is None:
        return None
    staff = Membership.objects.filter(
        organization=organization, kind=Membership.Kind.STAFF, is_archived=False
    )
    return OrganizationCard(
        organization=organization,
        branches=list(organization.branches.order_by("short_name")),
        director=director_of(organization=organization),
        staff_count=staff.count(),
    )


def _director_name() -> Subquery:
    directors = Membership.objects.filter(organization=OuterRef("pk"), is_director=True).annotate(
        full_name=Trim(
            Concat(
                "person__last_name",
                Value(" "),
                "person__first_name",
                Value(" "),
                "person__middle_name",
                output_field=CharField(),
            )
        )
    )
    return Subquery(directors.values("full_name")[:1], output_field=CharField())


def _staff_count() -> Coalesce:
    staff = (
        Membership.objects.filter(
            organization=OuterRef("pk"), kind=Membership.Kind.STAFF, is_archived=False
        )
        .order_by()
        .values("organization")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(staff, output_field=IntegerField()), 0)


def subordinates_page(*, viewer: Membership, search: str, kind: str, page: int) -> Page:
    """«Подведомственные организации»: one page of the authority's organisations with their
    heads and staff counts, in one query for the rows whatever their number."""
    if not viewer.authority_id:
        return Paginator(Organization.objects.none(), 1).get_page(1)
    queryset = subordinate_organizations(viewer=viewer, search=search, kind=kind)
    return Paginator(queryset, SUBORDINATES_PAGE_SIZE).get_page(page)


def no_director_report(*, viewer: Membership, page: int) -> Page:
    """«Организации без руководителя в карточке», scoped to what the viewer's role sees."""
    queryset = organizations_without_director(viewer=viewer).select_related("parent")
    return Paginator(
        queryset.order_by("municipality__name", "short_name", "pk"), REPORT_PAGE_SIZE
    ).get_page(page)
