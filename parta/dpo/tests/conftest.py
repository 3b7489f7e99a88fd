"""A ДПО campaign on top of the persona region: the institute with its staff, a programme with
groups in every phase of the campaign, and the people who apply, approve and enrol.

Today is the `today` fixture's 25.11.2026.
"""

from dataclasses import dataclass, field
from datetime import date

import pytest

from parta.core.testing.personas import SYSTEM, PersonaRegion, valid_snils
from parta.dpo import services
from parta.dpo.models import Application, Cohort, Programme
from parta.identity.models import DerivedRole, Membership, OrgRole
from parta.identity.services.staff import add_staff_member
from parta.orgs.models import Authority, Municipality, Organization, Region


@dataclass
class Campaign:
    region: PersonaRegion
    institute: Organization
    programme: Programme
    cohorts: dict[str, Cohort]
    members: dict[str, Membership] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)

    def member(self, name: str) -> Membership:
        """A fresh copy of the named member, acting in its role (a persona or one of ours)."""
        if name not in self.members:
            return self.region.member(name)
        membership = Membership.objects.select_related("person", "organization").get(
            pk=self.members[name].pk
        )
        return membership.acting_as(self.roles[name])

    def apply(self, name: str, cohort: str = "open") -> Application:
        return services.apply(actor=self.member(name), cohort=self.cohorts[cohort])

    def application_in(self, status: str, applicant: str = "teacher") -> Application:
        """An application of the applicant to the open group, moved to the status by services."""
        application = self.apply(applicant)
        if status == Application.Status.CANCELLED:
            return services.cancel(actor=self.member(applicant), application=application)
        if status in (Application.Status.APPROVED, Application.Status.ENROLLED):
            application = services.approve(actor=self.member("director"), application=application)
        if status == Application.Status.ENROLLED:
            application = services.enrol(actor=self.member("dpo_staff"), application=application)
        return application


def _add(unit: Organization, name: str, number: int) -> Membership:
    return add_staff_member(
        actor=SYSTEM,
        unit=unit,
        person_fields={
            "last_name": name,
            "first_name": "Анна",
            "middle_name": "Сергеевна",
            "birth_date": date(1985, 3, number),
            "sex": "female",
            "snils": valid_snils(300_000_000 + number * 7919),
        },
        login=f"dpo.{number}",
        password="Dpo-password-1",
        must_change_password=False,
        roles=[OrgRole.TEACHER],
        position="Методист" if unit.kind == Organization.Kind.DPO else "Учитель",
    )


def _cohort(programme: Programme, title: str, opens: date, closes: date, approvals: date, **extra):
    return Cohort.objects.create(
        programme=programme,
        title=title,
        capacity=extra.pop("capacity", 30),
        applications_open_on=opens,
        applications_close_on=closes,
        approvals_close_on=approvals,
        **extra,
    )


def build_campaign(region: PersonaRegion) -> Campaign:
    institute = Organization.objects.create(
        region=region.region,
        municipality=region.school.municipality,
        authority=region.ministry,
        kind=Organization.Kind.DPO,
        short_name="ГБУ ДПО ИРО",
        full_name="ГБУ ДПО «Институт развития образования»",
    )
    far_region = Region.objects.create(name="Соседняя область", code="98")
    far_municipality = Municipality.objects.create(region=far_region, name="Город")
    far_ministry = Authority.objects.create(
        region=far_region,
        level=Authority.Level.REGION,
        short_name="Минобр соседей",
        full_name="Министерство образования Соседней области",
    )
    far_institute = Organization.objects.create(
        region=far_region,
        municipality=far_municipality,
        authority=far_ministry,
        kind=Organization.Kind.DPO,
        short_name="ИРО соседей",
        full_name="Институт развития образования Соседней области",
    )
    programme = Programme.objects.create(
        provider=institute,
        title="Формирование функциональной грамотности",
        hours=36,
        summary="Курс для учителей основной школы.",
    )
    cohorts = {
        "open": _cohort(
            programme,
            "Предварительная запись на 2027 год",
            date(2026, 11, 1),
            date(2026, 11, 30),
            date(2026, 12, 4),
            is_preliminary=True,
            planned_year=2027,
        ),
        "small": _cohort(
            programme, "Группа 2", date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 4),
            capacity=1,
        ),
        "future": _cohort(
            programme, "Группа 3", date(2026, 12, 1), date(2026, 12, 10), date(2026, 12, 15)
        ),
        "closed": _cohort(
            programme, "Группа 4", date(2026, 10, 1), date(2026, 11, 20), date(2026, 11, 24)
        ),
    }  # fmt: skip
    campaign = Campaign(region=region, institute=institute, programme=programme, cohorts=cohorts)
    people = {
        "dpo_staff": (institute, OrgRole.TEACHER),
        "far_dpo_staff": (far_institute, OrgRole.TEACHER),
        "teacher_2": (region.school, OrgRole.TEACHER),
        "other_director": (region.other_school, DerivedRole.DIRECTOR),
    }
    for number, (name, (unit, role)) in enumerate(people.items(), start=1):
        membership = _add(unit, f"Фамилия{number}", number)
        if role == DerivedRole.DIRECTOR:
            membership.is_director = True
            membership.save(update_fields=["is_director"])
        campaign.members[name] = membership
        campaign.roles[name] = role
    for persona, email in (("teacher", "teacher@example.org"), ("director", "head@example.org")):
        person = region.members[persona].person
        person.email = email
        person.save(update_fields=["email"])
    return campaign


@pytest.fixture
def campaign(region, today) -> Campaign:
    return build_campaign(region)
