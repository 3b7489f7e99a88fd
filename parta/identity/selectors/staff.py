"""Reads for the staff screens: lists, cards, namesakes and «Импорт из другой ОО»."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Lower

from parta.identity.models import Invitation, Membership, MembershipRole, Person
from parta.identity.policies import (
    Action,
    Unit,
    can,
)
from parta.identity.selectors import cabinets
from parta.orgs.models import Authority, Organization, Subject


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
        Membership.objects.filter(cabinets.unit_filter(unit), kind=Membership.Kind.STAFF)
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


def people_by_surnames(surnames: set[str], *, birth_date: date) -> QuerySet[Person]:
    """People born that day with one of these surnames (lower case), on the name index."""
    return (
        Person.objects.annotate(last_lower=Lower("last_name"))
        .filter(last_lower__in=surnames, birth_date=birth_date)
        .order_by("pk")
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
        cabinets.unit_filter(unit), kind=Membership.Kind.STAFF, is_archived=False
    ).values("person_id")
    queryset = (
        Membership.objects.filter(cabinets.unit_filter(source), kind=Membership.Kind.STAFF)
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
        .exclude(cabinets.unit_filter(unit))
        .select_related("person", "organization", "authority")
        .order_by("authority_id", "pk")
        .first()
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


def invitations(organization: Organization, *, limit: int = 50) -> QuerySet[Invitation]:
    """The organisation's latest invitations; one query."""
    return Invitation.objects.filter(organization=organization).order_by("-sent_at", "-id")[:limit]
