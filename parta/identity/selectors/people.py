"""Reads for finding and merging two cards of one person."""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
)
from django.db.models.functions import Lower

from parta.identity.models import Membership, Person
from parta.identity.policies import (
    Action,
    can,
    organizations_where,
)
from parta.orgs.models import Organization


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
