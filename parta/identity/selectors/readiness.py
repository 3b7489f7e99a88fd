"""Reads for «Готовность к входу через Госуслуги»: who has on the card what the matching needs.

The Gosuslugi login finds the person by СНИЛС or, where the card has none, by ФИО and date of
birth when exactly one person matches (seed 002). So a card is ready with a complete ФИО, a date
of birth and a СНИЛС; staff and parents also need a passport and a contact (e-mail or phone),
students a passport from the age of 14 (seed 002, «ШАГ 1»).
"""

import operator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import reduce

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from parta.core import calendar
from parta.identity.models import Membership, Person
from parta.identity.policies import Action, can, organizations_where
from parta.orgs.models import Organization

PAGE_SIZE = 50
PASSPORT_AGE = 14


class Item(StrEnum):
    """What a card may lack for the matching."""

    FULL_NAME = "full_name"
    BIRTH_DATE = "birth_date"
    SNILS = "snils"
    PASSPORT = "passport"
    CONTACTS = "contacts"


ITEM_LABELS = {
    Item.FULL_NAME: _("Full name"),
    Item.BIRTH_DATE: _("Date of birth"),
    Item.SNILS: _("SNILS"),
    Item.PASSPORT: _("Passport"),
    Item.CONTACTS: _("Contacts (e-mail or phone)"),
}
AMBIGUOUS_LABEL = _("Same full name and date of birth as another person without SNILS")

Kind = Membership.Kind
GROUPS = (Kind.STAFF, Kind.STUDENT, Kind.GUARDIAN)
GROUP_LABELS = {
    Kind.STAFF: _("Staff"),
    Kind.STUDENT: _("Learners"),
    Kind.GUARDIAN: _("Parents (legal representatives)"),
}


class Order(StrEnum):
    WORST_FIRST = "worst"
    NAME = "name"


class Show(StrEnum):
    NOT_READY = "not_ready"
    ALL = "all"


def passport_cutoff(today: date) -> date:
    """Students born on or before this day are 14 or older and need a passport."""
    try:
        return today.replace(year=today.year - PASSPORT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - PASSPORT_AGE, day=28)


def missing_conditions(today: date) -> dict[Item, Q]:
    """For each item, the condition on a membership's person that it is missing."""
    passport_required = ~Q(kind=Kind.STUDENT) | Q(person__birth_date__lte=passport_cutoff(today))
    return {
        Item.FULL_NAME: Q(person__last_name="")
        | Q(person__first_name="")
        | Q(person__middle_name="", person__has_no_middle_name=False),
        Item.BIRTH_DATE: Q(person__birth_date__isnull=True),
        Item.SNILS: Q(person__snils=""),
        Item.PASSPORT: passport_required
        & (Q(person__passport_series="") | Q(person__passport_number="")),
        Item.CONTACTS: ~Q(kind=Kind.STUDENT) & Q(person__email="", person__phone=""),
    }


def not_ready_condition(today: date) -> Q:
    """A membership whose person lacks at least one required item."""
    return reduce(operator.or_, missing_conditions(today).values())


def _namesake_without_snils() -> Exists:
    """Another person with this ФИО and date of birth and no СНИЛС: the matching cannot tell
    them apart (the index `person_name_birth` serves the lookup)."""
    return Exists(
        Person.objects.annotate(
            last=Lower("last_name"), first=Lower("first_name"), middle=Lower("middle_name")
        )
        .filter(
            last=Lower(OuterRef("person__last_name")),
            first=Lower(OuterRef("person__first_name")),
            middle=Lower(OuterRef("person__middle_name")),
            birth_date=OuterRef("person__birth_date"),
            snils="",
        )
        .exclude(pk=OuterRef("person_id"))
    )


def ambiguous_condition() -> Q:
    return Q(person__snils="") & Q(_namesake_without_snils())


@dataclass(frozen=True)
class GroupReadiness:
    """One group (staff, students or parents) of an organisation, or of all of them."""

    kind: str
    total: int = 0
    ready: int = 0
    full_name: int = 0
    birth_date: int = 0
    snils: int = 0
    passport: int = 0
    contacts: int = 0
    #: Counted for one organisation only (see `group_counts`).
    ambiguous: int = 0

    @property
    def label(self) -> str:
        return str(GROUP_LABELS[self.kind])

    @property
    def percent(self) -> int | None:
        """Share of ready cards, rounded down so that 100 % means every card."""
        return self.ready * 100 // self.total if self.total else None

    @property
    def missing(self) -> list[tuple[str, int]]:
        """(label, count) of the items some cards lack, in the usual order."""
        counts = [(str(label), getattr(self, item)) for item, label in ITEM_LABELS.items()]
        return [(label, count) for label, count in counts if count]

    def __add__(self, other: "GroupReadiness") -> "GroupReadiness":
        names = [name for name in self.__dataclass_fields__ if name != "kind"]
        sums = {name: getattr(self, name) + getattr(other, name) for name in names}
        return GroupReadiness(kind=self.kind, **sums)


def _counts(today: date, *, ambiguous: bool) -> dict[str, Count]:
    counts = {"total": Count("pk"), "ready": Count("pk", filter=~not_ready_condition(today))}
    for item, condition in missing_conditions(today).items():
        counts[item.value] = Count("pk", filter=condition)
    if ambiguous:
        counts["ambiguous"] = Count("pk", filter=ambiguous_condition())
    return counts


def _active(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    return memberships.filter(is_archived=False)


def _groups(rows: dict[str, dict]) -> list[GroupReadiness]:
    return [GroupReadiness(kind=kind, **rows.get(kind, {})) for kind in GROUPS]


def group_counts_by_organization(
    organizations: QuerySet[Organization], *, today: date
) -> dict[int, list[GroupReadiness]]:
    """Organisation id → its three groups, in one aggregate query over all of them.

    Namesakes without СНИЛС are not counted here: over a region the lookup per card lacking a
    СНИЛС would triple the query's time (the list of one organisation shows them).
    """
    rows: dict[int, dict[str, dict]] = {}
    query = (
        _active(Membership.objects.filter(organization__in=organizations))
        .order_by()
        .values("organization_id", "kind")
        .annotate(**_counts(today, ambiguous=False))
    )
    for row in query:
        organization_id, kind = row.pop("organization_id"), row.pop("kind")
        rows.setdefault(organization_id, {})[kind] = row
    return {organization_id: _groups(groups) for organization_id, groups in rows.items()}


def group_counts(*, organization: Organization, today: date) -> list[GroupReadiness]:
    """The organisation's three groups, namesakes without СНИЛС included, in one query."""
    query = (
        _active(Membership.objects.filter(organization=organization))
        .order_by()
        .values("kind")
        .annotate(**_counts(today, ambiguous=True))
    )
    return _groups({row.pop("kind"): row for row in query})


@dataclass(frozen=True)
class OrganizationReadiness:
    organization: Organization
    groups: list[GroupReadiness]

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def ready(self) -> int:
        return sum(group.ready for group in self.groups)

    @property
    def percent(self) -> int | None:
        return self.ready * 100 // self.total if self.total else None

    @property
    def sort_key(self) -> tuple[bool, float]:
        """The least ready first; an organisation with nobody in it last."""
        return (not self.total, self.ready / self.total if self.total else 0.0)


@dataclass(frozen=True)
class ReadinessSummary:
    """One page of organisations with their groups, and the groups over all of them."""

    page: Page
    totals: list[GroupReadiness]

    @property
    def rows(self) -> list[OrganizationReadiness]:
        return list(self.page.object_list)


def readiness_organizations(*, viewer: Membership, search: str = "") -> QuerySet[Organization]:
    """Organisations whose readiness the viewer may read, by name."""
    queryset = (
        Organization.objects.filter(organizations_where(viewer, Action.VIEW_LOGIN_READINESS))
        .filter(is_active=True)
        .select_related("municipality", "parent")
        .order_by("short_name", "pk")
    )
    for word in search.split():
        queryset = queryset.filter(
            Q(short_name__icontains=word) | Q(full_name__icontains=word) | Q(inn=word)
        )
    return queryset


def readiness_summary_rows(
    *, viewer: Membership, search: str = "", order: str = Order.WORST_FIRST
) -> tuple[list[OrganizationReadiness], list[GroupReadiness]]:
    """Every organisation of the summary with its groups, and the groups summed, in two
    queries whatever the number of organisations and people.

    One grouped pass over the memberships serves the order, the page and the totals alike:
    cheaper than sorting by a correlated subquery and counting the totals again.
    """
    today = calendar.today()
    organizations = readiness_organizations(viewer=viewer, search=search)
    counts = group_counts_by_organization(organizations.order_by().values("pk"), today=today)
    rows = [
        OrganizationReadiness(organization, counts.get(organization.pk) or _groups({}))
        for organization in organizations
    ]
    if order != Order.NAME:
        rows.sort(key=lambda row: row.sort_key)
    totals = _groups({})
    for row in rows:
        totals = [total + group for total, group in zip(totals, row.groups, strict=True)]
    return rows, totals


def readiness_summary(
    *, viewer: Membership, search: str = "", order: str = Order.WORST_FIRST, page: int | str = 1
) -> ReadinessSummary:
    """A page of 50 organisations with each group's ready cards and missing items."""
    rows, totals = readiness_summary_rows(viewer=viewer, search=search, order=order)
    return ReadinessSummary(page=Paginator(rows, PAGE_SIZE).get_page(page), totals=totals)


@dataclass(frozen=True)
class PersonReadiness:
    """One membership of the list with what its card lacks."""

    membership: Membership
    missing: list[str]
    is_ambiguous: bool

    @property
    def group_label(self) -> str:
        return str(GROUP_LABELS[self.membership.kind])

    @property
    def is_ready(self) -> bool:
        return not self.missing

    @property
    def problems(self) -> list[str]:
        """The missing items and, where it applies, the namesake without СНИЛС."""
        return [*self.missing, str(AMBIGUOUS_LABEL)] if self.is_ambiguous else self.missing


@dataclass(frozen=True)
class OrganizationPeople:
    """«Кому чего не хватает» in one organisation: a page of people and the group totals."""

    organization: Organization
    groups: list[GroupReadiness]
    page: Page
    rows: list[PersonReadiness]
    can_open_staff_cards: bool


def readiness_organization(*, viewer: Membership, organization_id: int) -> Organization | None:
    """The organisation, if the viewer may read its readiness (None reads as 404)."""
    organization = (
        Organization.objects.select_related("municipality", "parent")
        .filter(pk=organization_id)
        .first()
    )
    if organization is None or not can(viewer, Action.VIEW_LOGIN_READINESS, organization):
        return None
    return organization


_GROUP_ORDER = Case(
    *(When(kind=kind, then=Value(number)) for number, kind in enumerate(GROUPS)),
    output_field=IntegerField(),
)


def readiness_people(
    *, organization: Organization, kind: str = "", show: str = Show.NOT_READY, today: date
) -> QuerySet[Membership]:
    """The organisation's current staff, students and parents, with a flag per missing item."""
    flags = {
        f"lacks_{item.value}": ExpressionWrapper(condition, output_field=BooleanField())
        for item, condition in missing_conditions(today).items()
    }
    queryset = (
        _active(Membership.objects.filter(organization=organization))
        .select_related("person")
        .annotate(**flags, is_ambiguous=ExpressionWrapper(ambiguous_condition(), BooleanField()))
        .order_by(
            _GROUP_ORDER,
            Lower("person__last_name"),
            Lower("person__first_name"),
            Lower("person__middle_name"),
            "pk",
        )
    )
    if kind in GROUPS:
        queryset = queryset.filter(kind=kind)
    if show != Show.ALL:
        queryset = queryset.filter(not_ready_condition(today))
    return queryset


def person_readiness(membership: Membership) -> PersonReadiness:
    missing = [
        str(label) for item, label in ITEM_LABELS.items() if getattr(membership, f"lacks_{item}")
    ]
    return PersonReadiness(
        membership=membership, missing=missing, is_ambiguous=bool(membership.is_ambiguous)
    )


def organization_people(
    *,
    viewer: Membership,
    organization: Organization,
    kind: str = "",
    show: str = Show.NOT_READY,
    page: int | str = 1,
) -> OrganizationPeople:
    """A page of 50 people of the organisation with what each lacks, and its group totals, in
    three queries whatever the number of people."""
    today = calendar.today()
    people = readiness_people(organization=organization, kind=kind, show=show, today=today)
    chosen = Paginator(people, PAGE_SIZE).get_page(page)
    return OrganizationPeople(
        organization=organization,
        groups=group_counts(organization=organization, today=today),
        page=chosen,
        rows=[person_readiness(membership) for membership in chosen],
        can_open_staff_cards=can(viewer, Action.VIEW_STAFF, organization),
    )


def organization_people_rows(
    *, organization: Organization, kind: str = "", show: str = Show.NOT_READY
) -> list[PersonReadiness]:
    """Every person of the list (for the .xlsx file), in one query."""
    people = readiness_people(
        organization=organization, kind=kind, show=show, today=calendar.today()
    )
    return [person_readiness(membership) for membership in people.iterator(chunk_size=2000)]
