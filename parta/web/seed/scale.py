"""A region of any size written with bulk inserts: `parta seed --scale municipality|region`.

The services would hash a password and write an audit entry for every one of 40,000 people (an
hour of argon2 alone). Here each table is filled with `bulk_create` in batches, every account
shares one precomputed hash of the demo password, and each bulk operation writes one audit
entry. The dataset is deterministic: one `random.Random` with a fixed seed draws everything.
"""

import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import (
    Account,
    AuthorityRole,
    Membership,
    MembershipRole,
    OrgRole,
    Person,
)
from parta.orgs.models import Authority, Municipality, Organization, Region, Subject
from parta.web.seed import catalogue, geography, names, numbers
from parta.web.seed.logins import LoginRow, login_rows
from parta.web.seed.rosters import Post, authority_roster, organization_roster, teacher_post

BATCH_SIZE = 2000
SEED_ACTOR = audit.SystemActor("seed")

Log = Callable[[str], None]


@dataclass(frozen=True)
class ScaleSpec:
    """The shape of a generated region."""

    code: str  # two digits: also the region part of the INN and OGRN
    name: str
    municipalities: int
    organizations: int
    staff: int  # staff of the organisations; authorities add their own
    login_prefix: str
    snils_base: int  # nine-digit start of this dataset's block of СНИЛС numbers
    ministry_staff: int = 12
    authority_staff: int = 6
    second_job_share: float = 0.03  # teachers who also teach in another school
    namesake_share: float = 0.001  # people entered twice (same ФИО and birth date)
    no_director_share: float = 0.02  # organisations whose head is not chosen yet
    random_seed: int = 20250901


SCALES: dict[str, ScaleSpec] = {
    "municipality": ScaleSpec(
        code="97",
        name="Область (масштаб муниципалитета)",
        municipalities=1,
        organizations=60,
        staff=1_600,
        login_prefix="mun.",
        snils_base=397_000_000,
    ),
    "region": ScaleSpec(
        code="98",
        name="Область (масштаб региона)",
        municipalities=40,
        organizations=1_500,
        staff=40_000,
        login_prefix="reg.",
        snils_base=398_000_000,
    ),
}

#: Relative staff size of each kind of organisation (a branch counts as "branch").
STAFF_WEIGHTS = {
    Organization.Kind.SCHOOL: 40,
    Organization.Kind.KINDERGARTEN: 20,
    Organization.Kind.SUPPLEMENTARY: 16,
    Organization.Kind.COLLEGE: 60,
    Organization.Kind.DPO: 30,
    "branch": 10,
}
MIN_STAFF = 3

#: Later apps add their part of a generated region here (classes, students, marks); each one
#: gets the spec, the region and the random generator after the staff exist.
PARTS: list[Callable[[ScaleSpec, Region, random.Random], None]] = []


@dataclass(frozen=True)
class ScaleResult:
    region: Region
    created: bool
    counts: dict[str, int]
    logins: list[LoginRow]


def _bulk_create(
    model: type[models.Model],
    objects: list,
    *,
    action: str,
    region: Region,
    log: Log,
    label: str = "",
) -> list:
    """Insert rows in batches and write one audit entry for the whole operation."""
    started = time.perf_counter()
    model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    if objects:
        audit.record(
            actor=SEED_ACTOR,
            action=action,
            target=region,
            after={"table": model._meta.db_table, "count": len(objects)},
        )
    log(
        _("%(what)s: %(count)s in %(seconds).1f s")
        % {
            "what": (label or str(model._meta.verbose_name_plural)).capitalize(),
            "count": len(objects),
            "seconds": time.perf_counter() - started,
        }
    )
    return objects


class StaffPlan:
    """People, accounts and memberships collected in memory, then written in one go."""

    def __init__(
        self,
        *,
        spec: ScaleSpec,
        rng: random.Random,
        subjects: dict[str, Subject],
        password_hash: str,
        first_login_serial: int = 0,
        first_snils_serial: int = 0,
    ) -> None:
        self.spec = spec
        self.rng = rng
        self.subjects = subjects
        self.password_hash = password_hash
        self.login_serial = first_login_serial
        self.snils_serial = first_snils_serial
        self.people: list[Person] = []
        self.accounts: list[Account] = []
        self.memberships: list[Membership] = []
        self.posts: list[Post] = []

    def _birth_date(self) -> date:
        start = date(1960, 1, 1).toordinal()
        return date.fromordinal(start + self.rng.randrange(date(2002, 12, 31).toordinal() - start))

    def _next_login(self) -> str:
        login = f"{self.spec.login_prefix}{self.login_serial:06d}"
        self.login_serial += 1
        return login

    def add_person(self, post: Post, *, like: Person | None = None) -> Person:
        """A new person with an account; `like` copies ФИО and birth date (a namesake card)."""
        if like is None:
            full_name = names.random_name(self.rng, female_share=post.female_share)
            no_middle_name = self.rng.random() < 0.005
            person = Person(
                last_name=full_name.last_name,
                first_name=full_name.first_name,
                middle_name="" if no_middle_name else full_name.middle_name,
                has_no_middle_name=no_middle_name,
                birth_date=self._birth_date(),
                sex=full_name.sex,
            )
            if self.rng.random() >= 0.02:  # a few cards still wait for their СНИЛС
                person.snils = numbers.snils(self.spec.snils_base, self.snils_serial)
                self.snils_serial += 1
        else:
            person = Person(
                last_name=like.last_name,
                first_name=like.first_name,
                middle_name=like.middle_name,
                has_no_middle_name=like.has_no_middle_name,
                birth_date=like.birth_date,
                sex=like.sex,
            )
        self.people.append(person)
        is_manager = any(role == OrgRole.ADMIN for role in post.roles) or post.is_director
        self.accounts.append(
            Account(
                person=person,
                login=self._next_login(),
                password=self.password_hash,
                must_change_password=not is_manager and self.rng.random() < 0.03,
            )
        )
        return person

    def add_membership(
        self, person: Person, unit: Organization | Authority, post: Post, *, starts_on: date
    ) -> Membership:
        scope: dict[str, Any] = (
            {"organization": unit} if isinstance(unit, Organization) else {"authority": unit}
        )
        membership = Membership(
            person=person,
            position=post.position,
            starts_on=starts_on,
            is_director=post.is_director,
            **scope,
        )
        self.memberships.append(membership)
        self.posts.append(post)
        return membership

    def staff(self, unit: Organization | Authority, posts: list[Post]) -> None:
        for post in posts:
            person = self.add_person(post)
            self.add_membership(person, unit, post, starts_on=self._starts_on())

    def _starts_on(self) -> date:
        return date(self.rng.randrange(2000, 2025), self.rng.randrange(1, 13), 1)

    def second_jobs(self, schools_by_municipality: dict[int, list[Organization]]) -> int:
        """Some teachers also teach in another school of their municipality: a second
        membership of the same person, never a second person."""
        candidates = [
            (membership, post)
            for membership, post in zip(self.memberships, self.posts, strict=True)
            if membership.organization is not None
            and membership.organization.kind == Organization.Kind.SCHOOL
            and membership.organization.parent_id is None
            and post.roles == (OrgRole.TEACHER,)
            and not post.is_director
        ]
        count = round(len(candidates) * self.spec.second_job_share)
        added = 0
        taken: set[tuple[int, int]] = set()
        for membership, post in self.rng.sample(candidates, min(count, len(candidates))):
            organization = membership.organization
            others = [
                school
                for school in schools_by_municipality[organization.municipality_id]
                if school.pk != organization.pk
            ]
            if not others:
                continue
            other = self.rng.choice(others)
            if (id(membership.person), other.pk) in taken:
                continue
            taken.add((id(membership.person), other.pk))
            self.add_membership(membership.person, other, post, starts_on=self._starts_on())
            added += 1
        return added

    def namesakes(self) -> int:
        """A few people entered twice in two organisations, for the duplicate finder."""
        candidates = [
            (membership, post)
            for membership, post in zip(self.memberships, self.posts, strict=True)
            if membership.organization is not None and not post.is_director
        ]
        count = min(round(len(self.people) * self.spec.namesake_share), len(candidates))
        organizations = list(
            {m.organization.pk: m.organization for m, _post in candidates}.values()
        )
        if len(organizations) < 2:
            return 0
        for membership, post in self.rng.sample(candidates, count):
            other = self.rng.choice(
                [org for org in organizations if org.pk != membership.organization.pk]
            )
            plain = Post(post.position, post.roles, post.subjects)
            twin = self.add_person(plain, like=membership.person)
            self.add_membership(twin, other, plain, starts_on=self._starts_on())
        return count

    def save(self, *, region: Region, log: Log) -> dict[str, int]:
        """Write everything with bulk inserts: one audit entry per table."""
        _bulk_create(Person, self.people, action="identity.people_seeded", region=region, log=log)
        _bulk_create(
            Account, self.accounts, action="identity.accounts_seeded", region=region, log=log
        )
        _bulk_create(
            Membership,
            self.memberships,
            action="identity.memberships_seeded",
            region=region,
            log=log,
        )
        role_rows = [
            MembershipRole(membership=membership, role=role)
            for membership, post in zip(self.memberships, self.posts, strict=True)
            for role in post.roles
        ]
        _bulk_create(
            MembershipRole, role_rows, action="identity.roles_seeded", region=region, log=log
        )
        through = Membership.subjects.through
        taught = [
            through(membership_id=membership.pk, subject_id=self.subjects[name].pk)
            for membership, post in zip(self.memberships, self.posts, strict=True)
            for name in post.subjects
        ]
        _bulk_create(
            through,
            taught,
            action="identity.subjects_taught_seeded",
            region=region,
            log=log,
            label=str(Membership._meta.get_field("subjects").verbose_name),
        )
        return {
            "people": len(self.people),
            "accounts": len(self.accounts),
            "memberships": len(self.memberships),
            "roles": len(role_rows),
            "subjects_taught": len(taught),
        }


def _organization_kinds(total: int) -> list[str]:
    """How many organisations of each kind a region of `total` organisations has."""
    dpo = 1 if total >= 100 else 0
    colleges = round(total * 0.02)
    supplementary = round(total * 0.08)
    branches = round(total * 0.05)
    kindergartens = round(total * 0.32)
    schools = total - dpo - colleges - supplementary - branches - kindergartens
    return (
        [Organization.Kind.SCHOOL] * schools
        + [Organization.Kind.KINDERGARTEN] * kindergartens
        + [Organization.Kind.SUPPLEMENTARY] * supplementary
        + [Organization.Kind.COLLEGE] * colleges
        + [Organization.Kind.DPO] * dpo
        + ["branch"] * branches
    )


def _build_organizations(
    *,
    spec: ScaleSpec,
    rng: random.Random,
    region: Region,
    ministry: Authority,
    municipalities: list[Municipality],
    authorities: dict[int, Authority],
    places: list[geography.Place],
    log: Log,
) -> list[Organization]:
    kinds = _organization_kinds(spec.organizations)
    place_of = {
        municipality.pk: place for municipality, place in zip(municipalities, places, strict=True)
    }
    position_of = {municipality.pk: index for index, municipality in enumerate(municipalities)}
    weights = [3 if place.kind == Municipality.Kind.URBAN_OKRUG else 1 for place in places]
    numbers_used: dict[tuple[int, str], int] = defaultdict(int)
    heads: list[Organization] = []
    branch_count = 0
    for index, kind in enumerate(kinds):
        if kind == "branch":
            branch_count += 1
            continue
        if index < len(municipalities):
            municipality = municipalities[index]  # every municipality gets at least one school
        else:
            municipality = rng.choices(municipalities, weights=weights)[0]
        numbers_used[(municipality.pk, kind)] += 1
        number = numbers_used[(municipality.pk, kind)]
        short_name, full_name = _organization_name(kind, number)
        if kind == Organization.Kind.COLLEGE:
            short_name = f"{short_name} ({place_of[municipality.pk].town})"
        regional = kind in (Organization.Kind.COLLEGE, Organization.Kind.DPO)
        tax_office = f"{spec.code}{position_of[municipality.pk] % 99 + 1:02d}"
        heads.append(
            Organization(
                region=region,
                municipality=municipality,
                authority=ministry if regional else authorities[municipality.pk],
                kind=kind,
                short_name=short_name,
                full_name=full_name,
                inn=numbers.inn(tax_office, index + 1),
                ogrn=numbers.ogrn(
                    year=rng.randrange(1992, 2016),
                    region_code=spec.code,
                    tax_office=tax_office,
                    serial=index + 1,
                ),
                address=f"{place_of[municipality.pk].town}, ул. {rng.choice(STREETS)}, д. {rng.randrange(1, 120)}",
                phone=f"+7 (3{rng.randrange(10, 99)}) {rng.randrange(200, 999)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)}",
            )
        )
    _bulk_create(Organization, heads, action="orgs.organizations_seeded", region=region, log=log)
    schools = [org for org in heads if org.kind == Organization.Kind.SCHOOL]
    branches = []
    for parent in rng.sample(schools, min(branch_count, len(schools))):
        branches.append(
            Organization(
                region=region,
                municipality_id=parent.municipality_id,
                authority_id=parent.authority_id,
                parent=parent,
                kind=Organization.Kind.SCHOOL,
                short_name=f"{parent.short_name}, филиал",
                full_name=f"Филиал {parent.full_name}",
                inn=parent.inn,
                ogrn=parent.ogrn,
                address=parent.address,
            )
        )
    _bulk_create(Organization, branches, action="orgs.branches_seeded", region=region, log=log)
    return heads + branches


STREETS = (
    "Ленина", "Советская", "Школьная", "Мира", "Молодёжная", "Центральная", "Садовая",
    "Лесная", "Набережная", "Гагарина", "Пушкина", "Кирова", "Заводская", "Октябрьская",
)  # fmt: skip


def _organization_name(kind: str, number: int) -> tuple[str, str]:
    if kind == Organization.Kind.SCHOOL:
        return (
            f"МБОУ СОШ № {number}",
            f"Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № {number}»",
        )
    if kind == Organization.Kind.KINDERGARTEN:
        title = geography.KINDERGARTEN_NAMES[(number - 1) % len(geography.KINDERGARTEN_NAMES)]
        return (
            f"МБДОУ детский сад № {number} «{title}»",
            f"Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № {number} «{title}»»",
        )
    if kind == Organization.Kind.SUPPLEMENTARY:
        short, full = geography.SUPPLEMENTARY_NAMES[
            (number - 1) % len(geography.SUPPLEMENTARY_NAMES)
        ]
        if number > len(geography.SUPPLEMENTARY_NAMES):
            suffix = f" № {(number - 1) // len(geography.SUPPLEMENTARY_NAMES) + 1}"
            short, full = f"{short}{suffix}", f"{full}{suffix}"
        return short, full
    if kind == Organization.Kind.COLLEGE:
        profile = geography.COLLEGE_PROFILES[(number - 1) % len(geography.COLLEGE_PROFILES)]
        return (
            f"ГАПОУ «{profile}»",
            f"Государственное автономное профессиональное образовательное учреждение «{profile}»",
        )
    return (
        "ГАУ ДПО «Институт развития образования»",
        "Государственное автономное учреждение дополнительного профессионального образования «Институт развития образования»",
    )


def _staff_sizes(organizations: list[Organization], total: int, rng: random.Random) -> list[int]:
    """Staff of each organisation: by kind, with some spread, adding up to about `total`."""
    raw = [
        STAFF_WEIGHTS["branch" if org.parent_id else org.kind] * rng.uniform(0.6, 1.4)
        for org in organizations
    ]
    scale = total / sum(raw)
    return [max(MIN_STAFF, round(weight * scale)) for weight in raw]


def build_region(spec: ScaleSpec, *, log: Log = lambda line: None) -> ScaleResult:
    """Create the region of this shape, or leave the existing one as it is."""
    existing = Region.objects.filter(code=spec.code).first()
    if existing is not None:
        return ScaleResult(
            region=existing, created=False, counts={}, logins=sample_logins(existing)
        )
    with transaction.atomic():
        region, counts = _build(spec, log=log)
    return ScaleResult(region=region, created=True, counts=counts, logins=sample_logins(region))


def _build(spec: ScaleSpec, *, log: Log) -> tuple[Region, dict[str, int]]:
    rng = random.Random(spec.random_seed)
    subjects = catalogue.ensure_subjects(actor=SEED_ACTOR)
    region = Region.objects.create(name=spec.name, code=spec.code)
    ministry = Authority.objects.create(
        region=region,
        level=Authority.Level.REGION,
        short_name="Министерство образования",
        full_name="Министерство образования и науки области",
    )
    audit.record(
        actor=SEED_ACTOR,
        action="orgs.region_seeded",
        target=region,
        after={"region": region.name, "code": region.code, "ministry": ministry.full_name},
    )
    places = geography.places(spec.municipalities)
    municipalities = _bulk_create(
        Municipality,
        [Municipality(region=region, name=place.name, kind=place.kind) for place in places],
        action="orgs.municipalities_seeded",
        region=region,
        log=log,
    )
    municipal_authorities = _bulk_create(
        Authority,
        [
            Authority(
                region=region,
                municipality=municipality,
                parent=ministry,
                level=Authority.Level.MUNICIPALITY,
                short_name=f"УО {place.genitive}",
                full_name=f"Управление образования администрации {place.genitive}",
            )
            for municipality, place in zip(municipalities, places, strict=True)
        ],
        action="orgs.authorities_seeded",
        region=region,
        log=log,
    )
    authorities = {authority.municipality_id: authority for authority in municipal_authorities}
    organizations = _build_organizations(
        spec=spec,
        rng=rng,
        region=region,
        ministry=ministry,
        municipalities=municipalities,
        authorities=authorities,
        places=places,
        log=log,
    )
    plan = StaffPlan(
        spec=spec,
        rng=rng,
        subjects=subjects,
        password_hash=make_password(settings.PARTA_DEMO_PASSWORD),
    )
    plan.staff(ministry, authority_roster(spec.ministry_staff, regional=True))
    for authority in municipal_authorities:
        plan.staff(authority, authority_roster(spec.authority_staff, regional=False))
    for organization, size in zip(
        organizations, _staff_sizes(organizations, spec.staff, rng), strict=True
    ):
        has_director = rng.random() >= spec.no_director_share
        plan.staff(
            organization,
            organization_roster(organization, size, rng, has_director=has_director),
        )
    schools: dict[int, list[Organization]] = defaultdict(list)
    for organization in organizations:
        if organization.kind == Organization.Kind.SCHOOL and organization.parent_id is None:
            schools[organization.municipality_id].append(organization)
    second_jobs = plan.second_jobs(schools)
    namesakes = plan.namesakes()
    counts = {
        "municipalities": len(municipalities),
        "authorities": len(municipal_authorities) + 1,
        "organizations": len(organizations),
        **plan.save(region=region, log=log),
        "second_jobs": second_jobs,
        "namesakes": namesakes,
    }
    for part in PARTS:
        part(spec, region, rng)
    return region, counts


def top_up_staff(
    *, spec: ScaleSpec, organization: Organization, total: int, log: Log = lambda line: None
) -> int:
    """Add teachers to an organisation until it has `total` current staff; returns how many."""
    current = Membership.objects.filter(
        organization=organization, kind=Membership.Kind.STAFF, is_archived=False
    ).count()
    if current >= total:
        return 0
    rng = random.Random(spec.random_seed + organization.pk)
    with transaction.atomic():
        plan = StaffPlan(
            spec=spec,
            rng=rng,
            subjects=catalogue.ensure_subjects(actor=SEED_ACTOR),
            password_hash=make_password(settings.PARTA_DEMO_PASSWORD),
            first_login_serial=Account.objects.filter(login__startswith=spec.login_prefix).count(),
            first_snils_serial=Person.objects.filter(
                snils__gte=f"{spec.snils_base:09d}00",
                snils__lt=f"{spec.snils_base + numbers.SNILS_BLOCK:09d}00",
            ).count(),
        )
        plan.staff(organization, [teacher_post(rng) for _index in range(total - current)])
        plan.save(region=organization.region, log=log)
    return total - current


def sample_logins(region: Region) -> list[LoginRow]:
    """A few logins worth trying in a generated region: the ministry's and one municipal
    authority's administrator and head, and one school's head, administrator and teacher."""
    ministry = Authority.objects.filter(region=region, level=Authority.Level.REGION).first()
    authority = (
        Authority.objects.filter(region=region, level=Authority.Level.MUNICIPALITY)
        .order_by("pk")
        .first()
    )
    school = (
        Organization.objects.filter(region=region, kind=Organization.Kind.SCHOOL, parent=None)
        .filter(memberships__is_director=True)
        .order_by("pk")
        .first()
    )
    admin, head, deputy, teacher = (
        OrgRole.ADMIN,
        AuthorityRole.HEAD,
        OrgRole.DEPUTY_HEAD,
        OrgRole.TEACHER,
    )
    wanted: list[tuple[Q, Q, list[str]]] = [  # (unit, role, roles the person must not have)
        (Q(authority=ministry), Q(role_rows__role=AuthorityRole.ADMIN), []),
        (Q(authority=authority), Q(role_rows__role=AuthorityRole.ADMIN), []),
        (Q(authority=authority), Q(role_rows__role=head), []),
        (Q(organization=school), Q(is_director=True), []),
        (Q(organization=school), Q(role_rows__role=admin), []),
        (Q(organization=school), Q(role_rows__role=deputy), []),
        (Q(organization=school), Q(role_rows__role=teacher, is_director=False), [admin, deputy]),
    ]
    memberships: list[Membership] = []
    for unit, role, other_roles in wanted:
        membership = (
            Membership.objects.filter(unit, role, kind=Membership.Kind.STAFF)
            .exclude(role_rows__role__in=other_roles)
            .exclude(pk__in=[chosen.pk for chosen in memberships])
            .select_related("person__account", "organization", "authority")
            .prefetch_related("role_rows")
            .order_by("pk")
            .first()
        )
        if membership is not None:
            memberships.append(membership)
    return login_rows(memberships)
