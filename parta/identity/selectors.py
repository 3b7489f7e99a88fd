"""Reads of people, accounts and memberships, scoped by the viewer's policies."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from parta.core.models import AuditEntry
from parta.identity.models import Membership, MembershipRole, Person
from parta.identity.policies import (
    Action,
    Unit,
    can,
    organizations_where,
    visible_authorities,
    visible_organizations,
)
from parta.orgs.models import Authority, Organization


def _unit_filter(unit: Unit) -> Q:
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


@dataclass(frozen=True)
class StaffFilter:
    search: str = ""
    role: str = ""
    archived: bool = False


def staff_list(*, viewer: Membership, unit: Unit, filters: StaffFilter, page: int) -> Page:
    """One page of the staff list of an organisation or authority, in a fixed number of queries."""
    if not can(viewer, Action.LIST_STAFF, unit):
        return Paginator(Membership.objects.none(), 1).get_page(1)
    queryset = (
        Membership.objects.filter(_unit_filter(unit), kind=Membership.Kind.STAFF)
        .filter(is_archived=filters.archived)
        .select_related("person__account")
        .prefetch_related("role_rows", "subjects")
        .order_by(Lower("person__last_name"), Lower("person__first_name"), "person_id")
    )
    if filters.role:
        queryset = queryset.filter(
            Exists(MembershipRole.objects.filter(membership=OuterRef("pk"), role=filters.role))
            if filters.role != "director"
            else Q(is_director=True)
        )
    for word in filters.search.split():
        queryset = queryset.filter(
            Q(person__last_name__icontains=word)
            | Q(person__first_name__icontains=word)
            | Q(person__middle_name__icontains=word)
            | Q(person__account__login__icontains=word)
            | Q(position__icontains=word)
        )
    return Paginator(queryset, settings.PARTA_STAFF_PAGE_SIZE).get_page(page)


def staff_card(*, viewer: Membership, membership_id: int) -> Membership | None:
    """A staff member's card, if the viewer may open it (None reads as 404)."""
    membership = (
        Membership.objects.select_related(
            "person__account", "organization", "authority", "authority__region"
        )
        .prefetch_related("role_rows", "subjects")
        .filter(pk=membership_id, kind=Membership.Kind.STAFF)
        .first()
    )
    if membership is None or not can(viewer, Action.VIEW_STAFF, membership.unit):
        return None
    return membership


def other_memberships(*, person: Person, exclude: Membership) -> list[Membership]:
    """The person's other cabinets, shown on the card so one person reads as one."""
    return list(
        Membership.objects.select_related("organization", "authority")
        .filter(person=person)
        .exclude(pk=exclude.pk)
    )


def namesakes(
    *, last_name: str, first_name: str, middle_name: str, birth_date: date | None
) -> QuerySet[Person]:
    """People with the same ФИО (any case) and date of birth."""
    if not birth_date:
        return Person.objects.none()
    return (
        Person.objects.annotate(
            last_lower=Lower("last_name"),
            first_lower=Lower("first_name"),
            middle_lower=Lower("middle_name"),
        )
        .filter(
            last_lower=last_name.strip().lower(),
            first_lower=first_name.strip().lower(),
            middle_lower=middle_name.strip().lower(),
            birth_date=birth_date,
        )
        .order_by("pk")
    )


def importable_staff(
    *, viewer: Membership, unit: Unit, source: Organization | Authority, search: str = ""
) -> QuerySet[Membership]:
    """«Импорт из другой ОО»: staff of the source unit who do not yet work in this one."""
    if not can(viewer, Action.IMPORT_STAFF, unit):
        return Membership.objects.none()
    already = Membership.objects.filter(
        _unit_filter(unit), kind=Membership.Kind.STAFF, is_archived=False
    ).values("person_id")
    queryset = (
        Membership.objects.filter(_unit_filter(source), kind=Membership.Kind.STAFF)
        .filter(is_archived=False)
        .exclude(person_id__in=already)
        .select_related("person")
        .order_by(Lower("person__last_name"), Lower("person__first_name"), "person_id")
    )
    for word in search.split():
        queryset = queryset.filter(
            Q(person__last_name__icontains=word) | Q(person__first_name__icontains=word)
        )
    return queryset


@dataclass(frozen=True)
class DuplicatePair:
    """Two cards that look like one person, and why."""

    first: Person
    second: Person
    reason: str


def duplicate_people(*, viewer: Membership, limit: int = 200) -> list[DuplicatePair]:
    """Cards with the same ФИО and date of birth where at least one is the viewer's to merge."""
    merge_units = Q(
        organization__in=Organization.objects.filter(
            organizations_where(viewer, Action.MERGE_PEOPLE)
        )
    )
    if viewer.authority is not None and can(viewer, Action.MERGE_PEOPLE, viewer.authority):
        merge_units |= Q(authority_id=viewer.authority_id)
    own = Membership.objects.filter(merge_units).values("person_id")
    keys = (
        Person.objects.filter(birth_date__isnull=False)
        .annotate(
            last_lower=Lower("last_name"),
            first_lower=Lower("first_name"),
            middle_lower=Lower("middle_name"),
        )
        .values("last_lower", "first_lower", "middle_lower", "birth_date")
        .annotate(copies=Count("id"))
        .filter(copies__gt=1)
        .order_by("last_lower", "first_lower")
    )
    pairs: list[DuplicatePair] = []
    groups = list(keys[: limit * 4])
    if not groups:
        return pairs
    condition = Q()
    for key in groups:
        condition |= Q(
            last_lower=key["last_lower"],
            first_lower=key["first_lower"],
            middle_lower=key["middle_lower"],
            birth_date=key["birth_date"],
        )
    people = list(
        Person.objects.annotate(
            last_lower=Lower("last_name"),
            first_lower=Lower("first_name"),
            middle_lower=Lower("middle_name"),
            is_own=Exists(own.filter(person_id=OuterRef("pk"))),
        )
        .filter(condition)
        .select_related("account")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("organization", "authority"),
            )
        )
        .order_by("last_lower", "first_lower", "middle_lower", "birth_date", "pk")
    )
    by_key: dict[tuple, list[Person]] = {}
    for person in people:
        key = (person.last_lower, person.first_lower, person.middle_lower, person.birth_date)
        by_key.setdefault(key, []).append(person)
    for group in by_key.values():
        if not any(person.is_own for person in group):
            continue
        first = group[0]
        for second in group[1:]:
            pairs.append(DuplicatePair(first=first, second=second, reason="name_and_birth_date"))
    return pairs[:limit]


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


def authorities_for_login() -> QuerySet[Authority]:
    return Authority.objects.select_related("municipality").order_by("level", "short_name")


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


def subordinate_organizations(
    *, viewer: Membership, search: str = "", kind: str = ""
) -> QuerySet[Organization]:
    """Organisations under the viewer's authority, each with its head (one query for the page)."""
    queryset = (
        Organization.objects.filter(visible_organizations(viewer))
        .select_related("municipality", "parent")
        .annotate(
            has_director=Exists(
                Membership.objects.filter(organization=OuterRef("pk"), is_director=True)
            ),
            staff_count=Count(
                "memberships",
                filter=Q(memberships__kind=Membership.Kind.STAFF, memberships__is_archived=False),
            ),
        )
        .order_by("municipality__name", "short_name")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    for word in search.split():
        queryset = queryset.filter(Q(short_name__icontains=word) | Q(full_name__icontains=word))
    return queryset
