"""Benchmarks of «Организация ДПО»: a teacher's recommended programmes, the ДПО staff's list of
a campaign's 20,000 applications (page 1 and a middle page) and «Контроль кампании» (schools
whose director has not confirmed, assessed teachers who have not applied); median ms and SQL
queries.

The campaign is made once with bulk inserts and reused: a ДПО organisation with its methodologist,
10 competencies, 50 programmes, each with a group «Предварительная запись» open today, 2,000
teachers each applying to 10 groups (on the region dataset its own schools' staff, elsewhere new
schools of 100 teachers), 5,000 more of the region's staff assessed with a deficit who have not
applied, and one teacher with assessment results.

On the region dataset that `bench/run.py` builds (`make bench` does this), or alone against a
database of its own:

    python bench/dpo.py [-n 30] [--db var/bench/region.sqlite3]
"""

import argparse
import json
import os
import sys
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
TARGET_MS = 100.0
PROVIDER = "Бенчмарк: ИРО"
PROGRAMMES = 50
COMPETENCIES = 10
APPLICANTS = 2_000
TEACHERS_PER_SCHOOL = 100
ASSESSED_NOT_APPLIED = 5_000
GROUPS_PER_TEACHER = 10
SUBJECTS = ["Математика", "Русский язык", "Физика", "История", "Биология"]


def _staff(unit, login: str, last_name: str, position: str):  # noqa: ANN001, ANN202
    from parta.core.audit import SystemActor
    from parta.identity.models import OrgRole
    from parta.identity.services.staff import add_staff_member

    member = add_staff_member(
        actor=SystemActor("bench"),
        unit=unit,
        person_fields={"last_name": last_name, "first_name": "Бенчмарк", "middle_name": "ДПО"},
        login=login,
        password="Bench-password-1",
        must_change_password=False,
        roles=[OrgRole.TEACHER],
        position=position,
    )
    return member.acting_as(OrgRole.TEACHER)


def _organization(region, municipality, authority, kind: str, name: str):  # noqa: ANN001, ANN202
    from parta.orgs.models import Organization

    return Organization.objects.create(
        region=region,
        municipality=municipality,
        authority=authority,
        kind=kind,
        short_name=name,
        full_name=name,
    )


def _applicants(place) -> list:  # noqa: ANN001
    """APPLICANTS staff memberships: the region dataset's own teachers where it has them, the
    rest in new schools of 100 teachers."""
    from parta.identity.models import Membership, Person
    from parta.orgs.models import Organization

    region = place[0]
    members = list(
        Membership.objects.filter(
            kind=Membership.Kind.STAFF,
            is_archived=False,
            organization__region=region,
            organization__kind=Organization.Kind.SCHOOL,
        ).order_by("pk")[:APPLICANTS]
    )
    missing = APPLICANTS - len(members)
    schools = [
        _organization(*place, Organization.Kind.SCHOOL, f"Бенчмарк: ДПО школа {number}")
        for number in range(1, (missing + TEACHERS_PER_SCHOOL - 1) // TEACHERS_PER_SCHOOL + 1)
    ]
    people = Person.objects.bulk_create(
        [
            Person(
                last_name=f"Педагог{number}",
                first_name="Анна",
                middle_name="Сергеевна",
                birth_date=date(1970 + number % 30, 1 + number % 12, 1 + number % 28),
            )
            for number in range(missing)
        ],
        batch_size=1000,
    )
    return members + Membership.objects.bulk_create(
        [
            Membership(
                person=person,
                organization=schools[number // TEACHERS_PER_SCHOOL],
                kind=Membership.Kind.STAFF,
                position="Учитель",
            )
            for number, person in enumerate(people)
        ],
        batch_size=1000,
    )


def _assessed_without_application(place, applicants: list) -> list:  # noqa: ANN001
    """ASSESSED_NOT_APPLIED other staff of the region's schools: assessed, with a deficit, and
    no application yet (the «Контроль кампании» list); as many as the region has."""
    from parta.identity.models import Membership
    from parta.orgs.models import Organization

    return list(
        Membership.objects.filter(
            kind=Membership.Kind.STAFF,
            is_archived=False,
            organization__region=place[0],
            organization__kind=Organization.Kind.SCHOOL,
        )
        .exclude(pk__in=[member.pk for member in applicants])
        .order_by("pk")[:ASSESSED_NOT_APPLIED]
    )


def _build_campaign() -> None:
    """The ДПО organisation, its catalogue, the schools' teachers and their applications."""
    from django.db import transaction
    from run import bench_place

    from parta.core import calendar
    from parta.dpo.models import Application, Assessment, Cohort, Competency, Programme
    from parta.orgs.models import Organization, Subject

    today = calendar.today()
    with transaction.atomic():
        place = bench_place()
        provider = _organization(*place, Organization.Kind.DPO, PROVIDER)
        _staff(provider, "bench.dpo.staff", "Методист", "Методист")
        subjects = [Subject.objects.get_or_create(name=name)[0] for name in SUBJECTS]
        competencies = [
            Competency.objects.get_or_create(
                code=f"bench-{number}", defaults={"name": f"Компетенция {number}"}
            )[0]
            for number in range(COMPETENCIES)
        ]
        programmes = Programme.objects.bulk_create(
            [
                Programme(
                    provider=provider,
                    title=f"Программа {number:02d}",
                    hours=36 + number % 4 * 36,
                    summary="Программа повышения квалификации.",
                    positions=["Учитель"] if number % 3 == 0 else [],
                )
                for number in range(PROGRAMMES)
            ]
        )
        Programme.competencies.through.objects.bulk_create(
            [
                Programme.competencies.through(
                    programme=programme, competency=competencies[(number + shift) % COMPETENCIES]
                )
                for number, programme in enumerate(programmes)
                for shift in (0, 3)
            ]
        )
        Programme.subjects.through.objects.bulk_create(
            [
                Programme.subjects.through(
                    programme=programme, subject=subjects[number % len(subjects)]
                )
                for number, programme in enumerate(programmes)
                if number % 2
            ]
        )
        cohorts = Cohort.objects.bulk_create(
            [
                Cohort(
                    programme=programme,
                    title=f"Предварительная запись на {today.year + 1} год",
                    is_preliminary=True,
                    planned_year=today.year + 1,
                    capacity=30,
                    applications_open_on=today - timedelta(days=20),
                    applications_close_on=today + timedelta(days=10),
                    approvals_close_on=today + timedelta(days=15),
                )
                for programme in programmes
            ]
        )
        teacher = _staff(
            _organization(*place, Organization.Kind.SCHOOL, "Бенчмарк: ДПО школа 0"),
            "bench.dpo.teacher",
            "Учитель",
            "Учитель",
        )
        teacher.subjects.set(subjects[:2])
        Assessment.objects.bulk_create(
            [
                Assessment(
                    person=teacher.person,
                    competency=competency,
                    score=Decimal(40 + number * 5),
                    is_deficit=deficit,
                    assessed_on=on,
                )
                for number, competency in enumerate(competencies)
                for on, deficit in (
                    (date(today.year - 1, 3, 1), number < 6),
                    (today, number < 4),
                )
            ]
        )
        members = _applicants(place)
        Assessment.objects.bulk_create(
            [
                Assessment(
                    person_id=member.person_id,
                    competency=competencies[number % COMPETENCIES],
                    score=Decimal(30),
                    is_deficit=True,
                    assessed_on=today,
                )
                for number, member in enumerate(_assessed_without_application(place, members))
            ],
            batch_size=2000,
        )
        statuses = [Application.Status.NEW] * 5 + [
            Application.Status.APPROVED,
            Application.Status.APPROVED,
            Application.Status.ENROLLED,
            Application.Status.CANCELLED,
        ]
        Application.objects.bulk_create(
            [
                Application(
                    cohort=cohorts[(number * 7 + shift) % PROGRAMMES],
                    applicant=member,
                    organization_id=member.organization_id,
                    status=statuses[(number + shift) % len(statuses)],
                )
                for number, member in enumerate(members)
                for shift in range(GROUPS_PER_TEACHER)
            ],
            batch_size=2000,
        )


def dpo_measurements(count: int) -> tuple[list, dict]:
    """The recommendations of one teacher and the ДПО staff's applications list (page 1 and a
    middle page), each `count` times after a warm-up; returns (measurements, dataset facts)."""
    from django.urls import reverse
    from run import measure, signed_in_client

    from parta.dpo.models import Application, Assessment
    from parta.dpo.selectors.applications import PAGE_SIZE
    from parta.identity.models import Membership, OrgRole
    from parta.orgs.models import Organization

    if not Membership.objects.filter(person__account__login="bench.dpo.staff").exists():
        print("Building the ДПО campaign…")
        _build_campaign()
    members = Membership.objects.select_related("person__account")
    teacher = members.get(person__account__login="bench.dpo.teacher").acting_as(OrgRole.TEACHER)
    staff = members.get(person__account__login="bench.dpo.staff").acting_as(OrgRole.TEACHER)
    applications = Application.objects.filter(
        organization__region_id=staff.organization.region_id
    ).count()
    middle = max(1, (applications + PAGE_SIZE - 1) // PAGE_SIZE // 2)
    teacher_client, staff_client = signed_in_client(teacher), signed_in_client(staff)
    recommendations = reverse("dpo:recommendations")
    listing = reverse("dpo:applications")
    middle_page = f"{listing}?page={middle}"
    control_page = reverse("dpo:control")
    teachers_page = f"{control_page}?view=teachers"
    results = [
        measure(
            "ДПО: recommended programmes of a teacher",
            recommendations,
            lambda: teacher_client.get(recommendations),
            count,
        ),
        measure(
            "ДПО: applications of the region, page 1",
            listing,
            lambda: staff_client.get(listing),
            count,
        ),
        measure(
            f"ДПО: applications of the region, page {middle}",
            middle_page,
            lambda: staff_client.get(middle_page),
            count,
        ),
        measure(
            "ДПО: campaign control, schools not confirmed",
            control_page,
            lambda: staff_client.get(control_page),
            count,
        ),
        measure(
            "ДПО: campaign control, teachers not applied",
            teachers_page,
            lambda: staff_client.get(teachers_page),
            count,
        ),
    ]
    for item in results:
        if item.median_ms > TARGET_MS:
            item.note = f"over the {TARGET_MS:g} ms target"
    region = staff.organization.region_id
    facts = {
        "programmes": PROGRAMMES,
        "applications": applications,
        "organizations": Organization.objects.filter(region_id=region).count(),
        "staff": Membership.objects.filter(
            organization__region_id=region, kind=Membership.Kind.STAFF
        ).count(),
        "assessed": Assessment.objects.values("person_id").distinct().count(),
        "target_ms": TARGET_MS,
    }
    return results, facts


def markdown(results: list, facts: dict) -> str:
    lines = [
        f"ДПО: {facts['programmes']} programmes, {facts['applications']} applications in a "
        f"region of {facts['organizations']} organisations and {facts['staff']} staff, "
        f"{facts['assessed']} people assessed; target under {facts['target_ms']:g} ms.",
        "",
        "| what | path | median, ms | p95, ms | SQL queries | note |",
        "|---|---|---:|---:|---:|---|",
    ]
    for item in results:
        lines.append(
            f"| {item.name} | `{item.path}` | {item.median_ms} | {item.p95_ms} "
            f"| {item.queries} | {item.note} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--requests", type=int, default=30)
    parser.add_argument(
        "--db",
        default=os.environ.get("PARTA_BENCH_DPO_DB", str(BENCH_DIR / "region.sqlite3")),
        help="SQLite file (default: the region dataset of bench/run.py; ignored with PostgreSQL)",
    )
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parta.settings")
    os.environ.setdefault("PARTA_DEBUG", "0")
    os.environ.setdefault("PARTA_MANIFEST_STATIC", "0")
    if os.environ.get("PARTA_DB_ENGINE", "sqlite") != "postgresql":
        os.environ["PARTA_SQLITE_PATH"] = options.db
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    results, facts = dpo_measurements(options.requests)
    (BENCH_DIR / "dpo.json").write_text(
        json.dumps(
            {"dataset": facts, "measurements": [asdict(item) for item in results]},
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    print(markdown(results, facts))


if __name__ == "__main__":
    main()
