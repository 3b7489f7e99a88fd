"""Reads of people, accounts and memberships, scoped by the viewer's policies."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Lower, Trim

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
from parta.orgs.models import Authority, Organization, Subject


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
        .prefetch_related(
            "role_rows",
            "subjects",
            Prefetch(
                "person__memberships",
                queryset=Membership.objects.select_related(
                    "organization", "authority", "authority__region"
                ),
            ),
        )
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


# Staff screens


def subjects_catalogue() -> QuerySet[Subject]:
    """The regional subject catalogue, for «Преподаваемые предметы» on a staff card."""
    return Subject.objects.order_by("name")


def _import_scope(viewer: Membership, unit: Unit) -> int | None:
    """The region whose units the viewer may import staff from into this unit (else None).

    Seed 000 lets an administrator pick any organisation of the region («указать тип
    организации и из списка выбрать образовательную организацию»), not only subordinate ones.
    An authority also imports from other authorities; an organisation, from organisations only.
    """
    if not can(viewer, Action.IMPORT_STAFF, unit):
        return None
    return unit.region_id


def _import_source_filter(unit: Unit, region_id: int) -> Q:
    """Cabinets in units staff may be imported from into this unit."""
    organizations = Q(organization__region_id=region_id, organization__is_active=True)
    if isinstance(unit, Organization):
        return organizations
    return organizations | Q(authority__region_id=region_id)


def import_sources(*, viewer: Membership, unit: Unit, kind: str) -> list[Unit]:
    """Organisations of one kind (or, for kind "authority", authorities) to import staff from."""
    region_id = _import_scope(viewer, unit)
    if region_id is None:
        return []
    if kind == "authority":
        if not isinstance(unit, Authority):
            return []
        authorities = Authority.objects.filter(region_id=region_id).exclude(pk=unit.pk)
        return list(authorities.order_by("level", "short_name"))
    organizations = Organization.objects.filter(region_id=region_id, kind=kind, is_active=True)
    if isinstance(unit, Organization):
        organizations = organizations.exclude(pk=unit.pk)
    return list(organizations.select_related("municipality").order_by("short_name"))


def import_source(*, viewer: Membership, unit: Unit, kind: str, pk: int) -> Unit | None:
    """One organisation or authority the viewer may import staff from into this unit."""
    region_id = _import_scope(viewer, unit)
    if region_id is None:
        return None
    source: Unit | None
    if kind == "org":
        source = Organization.objects.filter(region_id=region_id, is_active=True, pk=pk).first()
    elif isinstance(unit, Authority):
        source = Authority.objects.filter(region_id=region_id, pk=pk).first()
    else:
        return None
    if source is None or (type(source) is type(unit) and source.pk == unit.pk):
        return None
    return source


def import_cabinet_of_person(
    *, viewer: Membership, unit: Unit, person_id: int
) -> Membership | None:
    """A working staff cabinet of the person that the viewer may import them into this unit from."""
    region_id = _import_scope(viewer, unit)
    if region_id is None:
        return None
    return (
        Membership.objects.filter(
            person_id=person_id, kind=Membership.Kind.STAFF, is_archived=False
        )
        .filter(_import_source_filter(unit, region_id))
        .exclude(_unit_filter(unit))
        .select_related("person", "organization", "authority")
        .order_by("authority_id", "pk")
        .first()
    )


def cabinets_of_person(*, person_id: int) -> list[Membership]:
    """Where a person works or studies: shown when «Добавить» finds the person already known."""
    return list(
        Membership.objects.select_related("person", "organization", "authority")
        .filter(person_id=person_id, is_archived=False)
        .order_by("authority_id", "organization__short_name")
    )


def importable_staff_page(
    *, viewer: Membership, unit: Unit, source: Unit, search: str, page: int | str
) -> Page:
    """One page of the import list: the source's staff who do not yet work in this unit."""
    queryset = importable_staff(viewer=viewer, unit=unit, source=source, search=search)
    return Paginator(queryset, settings.PARTA_STAFF_PAGE_SIZE).get_page(page)


def importable_staff_chosen(
    *, viewer: Membership, unit: Unit, source: Unit, membership_ids: list[int]
) -> list[Membership]:
    """The ticked rows of the import list that are still importable (ticks from elsewhere drop)."""
    if not membership_ids:
        return []
    queryset = importable_staff(viewer=viewer, unit=unit, source=source)
    return list(queryset.filter(pk__in=membership_ids))


# Organisation and people screens


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


def may_merge_away(viewer: Membership, person: Person) -> bool:
    """Whether every cabinet of the person (prefetched) lies where the viewer may merge cards."""
    memberships = list(person.memberships.all())
    return bool(memberships) and all(
        can(viewer, Action.MERGE_PEOPLE, membership.unit) for membership in memberships
    )


def same_person_key(person: Person) -> tuple[str, str, str, date | None]:
    """What two cards of one human share: ФИО (any case) and date of birth."""
    return (
        person.last_name.strip().lower(),
        person.first_name.strip().lower(),
        person.middle_name.strip().lower(),
        person.birth_date,
    )


@dataclass(frozen=True)
class MergePair:
    """Two cards of one person on the merge page: the one kept and the one merged into it."""

    survivor: Person
    duplicate: Person
    can_swap: bool


def merge_pair(*, viewer: Membership, survivor_id: int, duplicate_id: int) -> MergePair | None:
    """Both cards for «Объединить», if they look like one person and the viewer may merge the
    duplicate away (every cabinet of it is the viewer's to manage); None reads as 404."""
    if survivor_id == duplicate_id:
        return None
    people = {
        person.pk: person
        for person in Person.objects.filter(pk__in=[survivor_id, duplicate_id])
        .select_related("account")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related(
                    "organization", "authority"
                ).prefetch_related("role_rows", "subjects"),
            )
        )
    }
    survivor, duplicate = people.get(survivor_id), people.get(duplicate_id)
    if survivor is None or duplicate is None or survivor.birth_date is None:
        return None
    if same_person_key(survivor) != same_person_key(duplicate):
        return None
    if not may_merge_away(viewer, duplicate):
        return None
    return MergePair(
        survivor=survivor, duplicate=duplicate, can_swap=may_merge_away(viewer, survivor)
    )
