"""Catalogue test data: a ДПО organisation and its staff, competencies, programmes and groups."""

from datetime import date, timedelta
from decimal import Decimal

from parta.core.testing.personas import PASSWORD, SYSTEM, PersonaRegion, valid_snils
from parta.dpo.models import Assessment, Cohort, Competency, Programme
from parta.identity.models import Membership, OrgRole
from parta.identity.services.staff import add_staff_member
from parta.orgs.models import Organization, Subject

TODAY = date(2026, 11, 25)


def dpo_organization(region: PersonaRegion) -> Organization:
    return Organization.objects.create(
        region=region.region,
        municipality=region.school.municipality,
        authority=region.ministry.children.first(),
        kind=Organization.Kind.DPO,
        short_name="ИРО",
        full_name="Институт развития образования",
    )


def dpo_staff(region: PersonaRegion, organization: Organization) -> Membership:
    """A methodologist of the institute, acting as an administrator there."""
    member = add_staff_member(
        actor=SYSTEM,
        unit=organization,
        person_fields={
            "last_name": "Методистова",
            "first_name": "Анна",
            "middle_name": "Сергеевна",
            "birth_date": date(1980, 5, 5),
            "sex": "female",
            "snils": valid_snils(300_000_001),
        },
        login="dpo.staff",
        password=PASSWORD,
        must_change_password=False,
        roles=[OrgRole.ADMIN],
        position="Методист",
    )
    return member.acting_as(OrgRole.ADMIN)


def competency(code: str, name: str = "") -> Competency:
    return Competency.objects.create(code=code, name=name or f"Компетенция {code}")


def programme(
    provider: Organization,
    title: str,
    *,
    competencies: list[Competency] = (),  # type: ignore[assignment]
    subjects: list[Subject] = (),  # type: ignore[assignment]
    positions: list[str] | None = None,
    **fields,
) -> Programme:
    created = Programme.objects.create(
        provider=provider,
        title=title,
        hours=fields.pop("hours", 36),
        positions=positions or [],
        **fields,
    )
    created.competencies.set(competencies)
    created.subjects.set(subjects)
    return created


def cohort(
    programme: Programme, title: str = "Группа 1", *, open_now: bool = True, **fields
) -> Cohort:
    opens = TODAY - timedelta(days=5) if open_now else TODAY + timedelta(days=30)
    return Cohort.objects.create(
        programme=programme,
        title=title,
        capacity=fields.pop("capacity", 25),
        applications_open_on=opens,
        applications_close_on=opens + timedelta(days=20),
        approvals_close_on=opens + timedelta(days=23),
        **fields,
    )


def assess(
    person_id: int, competency: Competency, *, deficit: bool, on: date = TODAY, score: str = "50"
) -> Assessment:
    return Assessment.objects.create(
        person_id=person_id,
        competency=competency,
        is_deficit=deficit,
        assessed_on=on,
        score=Decimal(score),
    )
