"""Benchmarks against a region-sized dataset (`make bench`).

Builds the `parta seed --scale region` dataset once in its own database (var/bench/region.sqlite3,
or the PostgreSQL database PARTA_DB_NAME, default `parta_bench`, when PARTA_DB_ENGINE=postgresql)
and reuses it afterwards, with a full academic year of journals in 50 schools
(`parta.web.seed.scale_journal`). One school is topped up to 300 staff; its administrator then
requests the staff list, the login page and the API's staff list N times after a warm-up; a
teacher opens the journal grid of a 30-student class and saves cells; a student opens the
diary week; all through Django's test client. Writes var/bench/results.json and prints a
Markdown table for the README.

    python bench/run.py [--scale region|municipality] [-n 30] [--staff 300] [--schools 50]
"""

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
WARM_UP = 3


def configure(scale: str) -> str:
    """Point Django at the benchmark database (never the development one); returns the engine."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parta.settings")
    os.environ.setdefault("PARTA_MANIFEST_STATIC", "0")  # no collectstatic needed
    os.environ.setdefault("PARTA_DEBUG", "0")
    engine = os.environ.get("PARTA_DB_ENGINE", "sqlite")
    if engine == "postgresql":
        os.environ.setdefault("PARTA_DB_NAME", f"parta_bench_{scale}")
        ensure_postgresql_database(os.environ["PARTA_DB_NAME"])
    else:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("PARTA_SQLITE_PATH", str(BENCH_DIR / f"{scale}.sqlite3"))
    import django

    django.setup()
    return engine


def ensure_postgresql_database(name: str) -> None:
    """Create the benchmark database on the configured server if it is not there yet."""
    import psycopg
    from psycopg import sql

    from parta.settings import database_settings

    config = database_settings()
    with psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"],
        autocommit=True,
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@dataclass
class Measurement:
    name: str
    path: str
    status: int
    requests: int
    median_ms: float
    p95_ms: float
    queries: str  # "12", or "12–14" when it varies between requests
    note: str = ""


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(name: str, path: str, get: Callable[[], object], count: int) -> Measurement:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        get()
    timings: list[float] = []
    queries: list[int] = []
    status = 0
    for _ in range(count):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = get()
            timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured.captured_queries))
        status = response.status_code  # type: ignore[attr-defined]
    low, high = min(queries), max(queries)
    return Measurement(
        name=name,
        path=path,
        status=status,
        requests=count,
        median_ms=round(statistics.median(timings), 1),
        p95_ms=round(percentile(timings, 0.95), 1),
        queries=str(low) if low == high else f"{low}–{high}",
    )


def seed(scale: str, engine: str) -> tuple[float | None, bool]:
    """Build the dataset unless it is there; returns (seconds it took to build, reused)."""
    from parta.orgs.models import Region
    from parta.web.seed.scale import SCALES, build_region

    spec = SCALES[scale]
    record = BENCH_DIR / f"seed-{engine}-{scale}.json"
    if Region.objects.filter(code=spec.code).exists():
        seconds = json.loads(record.read_text())["seconds"] if record.exists() else None
        print(f"Reusing the {scale} dataset (built in {seconds} s)")
        return seconds, True
    print(f"Building the {scale} dataset…")
    started = time.perf_counter()
    build_region(spec, log=print)
    seconds = round(time.perf_counter() - started, 1)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"seconds": seconds, "built_at": datetime.now(UTC).isoformat()}))
    print(f"Built in {seconds} s")
    return seconds, False


def pick_school(scale: str, staff: int):  # noqa: ANN201
    """The first school with a head and an administrator, topped up to `staff` current staff."""
    from parta.identity.models import Membership, OrgRole
    from parta.orgs.models import Organization
    from parta.web.seed.scale import SCALES, top_up_staff

    spec = SCALES[scale]
    school = (
        Organization.objects.filter(
            region__code=spec.code, kind=Organization.Kind.SCHOOL, parent=None
        )
        .filter(memberships__is_director=True)
        .order_by("pk")
        .first()
    )
    added = top_up_staff(spec=spec, organization=school, total=staff, log=print)
    admin = (
        Membership.objects.filter(organization=school, role_rows__role=OrgRole.ADMIN)
        .select_related("person__account")
        .order_by("pk")
        .first()
        .acting_as(OrgRole.ADMIN)
    )
    if added:
        print(f"Topped {school} up by {added} staff")
    return school, admin


def ministry_admin(scale: str):  # noqa: ANN201
    """The regional ministry's administrator, acting as such."""
    from parta.identity.models import AuthorityRole, Membership
    from parta.orgs.models import Authority
    from parta.web.seed.scale import SCALES

    return (
        Membership.objects.filter(
            authority__region__code=SCALES[scale].code,
            authority__level=Authority.Level.REGION,
            role_rows__role=AuthorityRole.ADMIN,
        )
        .select_related("person__account", "authority")
        .order_by("pk")
        .first()
        .acting_as(AuthorityRole.ADMIN)
    )


def bench_place():  # noqa: ANN201
    """The region, a municipality and its education authority that benchmark-only
    organisations belong to: the database's own, or new ones in an empty database."""
    from parta.orgs.models import Authority, Municipality, Region

    region = Region.objects.first() or Region.objects.create(name="Регион", code="bench")
    municipality = Municipality.objects.filter(region=region).first() or (
        Municipality.objects.create(region=region, name="Район")
    )
    authority = Authority.objects.filter(region=region).first() or Authority.objects.create(
        region=region,
        municipality=municipality,
        level=Authority.Level.MUNICIPALITY,
        short_name="УО",
        full_name="Управление образования",
    )
    return region, municipality, authority


def signed_in_client(admin):  # noqa: ANN001, ANN201
    """A test client signed in as the administrator, in the school's cabinet (as personas.login)."""
    from django.test import Client

    from parta.identity.middleware import SESSION_MEMBERSHIP, SESSION_ROLE

    client = Client()
    client.force_login(admin.person.account)
    session = client.session
    session[SESSION_MEMBERSHIP] = admin.pk
    session[SESSION_ROLE] = admin.active_role
    session.save()
    return client


def staff_list_path(school) -> str | None:  # noqa: ANN001
    """The staff list page of the school, whichever URL shape the staff screens settled on."""
    from django.urls import NoReverseMatch, reverse

    for attempt in ({"args": [school]}, {"kwargs": {"organization_id": school.pk}}, {}):
        try:
            return reverse("identity:staff-list", **attempt)
        except NoReverseMatch:
            continue
    return None


def journal_measurements(scale: str, count: int, schools: int) -> tuple[list[Measurement], dict]:
    """The journal grid of a 30-student class, a cell save and the diary week, on a full year
    of lessons, marks and attendance in `schools` schools."""
    from datetime import timedelta

    from django.db.models import Count
    from django.urls import reverse

    from parta.core import calendar
    from parta.identity.models import Account, DerivedRole, OrgRole
    from parta.journal.models import Attendance, Lesson, Mark
    from parta.orgs.models import Region
    from parta.school.models import TeachingAssignment
    from parta.web.seed.scale import SCALES
    from parta.web.seed.scale_journal import ensure_journal_dataset

    region = Region.objects.get(code=SCALES[scale].code)
    dataset = ensure_journal_dataset(region, schools=schools, log=print)
    assignment = (
        TeachingAssignment.objects.filter(
            group__school_class__organization=dataset.schools[0],
            group__school_class__grade=5,
            subject__name="Математика",
        )
        .annotate(students=Count("group__school_class__enrolments"))
        .select_related("teacher__person__account", "group__school_class__year")
        .order_by("-students", "pk")
        .first()
    )
    school_class = assignment.group.school_class
    teacher = signed_in_client(assignment.teacher.acting_as(OrgRole.TEACHER))
    today = calendar.today()
    term = school_class.year.terms.filter(starts_on__lte=today).order_by("-number").first()
    grid = reverse("journal:grid", args=[assignment.pk]) + f"?term={term.number}"
    measurements = [
        measure("Journal grid, 30 students, one term", grid, lambda: teacher.get(grid), count)
    ]

    lesson = Lesson.objects.filter(assignment=assignment, date__lt=today).order_by("-date").first()
    student = school_class.enrolments.select_related("student").order_by("pk").first().student
    cell = reverse("journal:cell", args=[lesson.pk, student.pk])
    state = {
        "seen": " ".join(
            Mark.objects.filter(lesson=lesson, student=student)
            .order_by("id")
            .values_list("value", flat=True)
        )
    }
    if Attendance.objects.filter(lesson=lesson, student=student).exists():
        Attendance.objects.filter(lesson=lesson, student=student).delete()

    def save():  # noqa: ANN202
        value = "4" if state["seen"] == "5" else "5"
        response = teacher.post(cell, {"value": value, "seen": state["seen"]})
        state["seen"] = response.json().get("text", state["seen"])
        return response

    measurements.append(measure("Save one journal cell", cell, save, count))

    membership = student.membership
    account = Account.objects.filter(person=membership.person).first()
    if account is None:
        account = Account(person=membership.person, login=f"bench.student.{student.pk}")
        account.set_unusable_password()
        account.save()
    diary = signed_in_client(membership.acting_as(DerivedRole.STUDENT))
    # The last full week: every day with its marks, absences and homework.
    monday = today - timedelta(days=today.weekday() + 7)
    week = reverse("journal:diary") + f"?week={monday.isoformat()}"
    measurements.append(measure("Diary week of a student", week, lambda: diary.get(week), count))
    facts = {
        "schools": len(dataset.schools),
        "lessons": Lesson.objects.count(),
        "marks": Mark.objects.count(),
        "absences": Attendance.objects.count(),
        "class": str(school_class),
        "class_students": school_class.enrolments.count(),
        "grid_lessons": Lesson.objects.filter(
            assignment=assignment, date__range=(term.starts_on, term.ends_on)
        ).count(),
        "journal_seed_seconds": dataset.seconds,
    }
    return measurements, facts


def run(scale: str, count: int, staff: int, schools: int) -> dict:
    engine = configure(scale)
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from parta.identity.models import Membership
    from parta.identity.services.accounts import issue_api_token

    call_command("migrate", verbosity=0, interactive=False)
    seed_seconds, reused = seed(scale, engine)
    school, admin = pick_school(scale, staff)
    school_staff = Membership.objects.filter(organization=school, is_archived=False).count()
    client = signed_in_client(admin)
    anonymous = Client()
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_api_token(actor=admin, name='bench')}")

    measurements: list[Measurement] = []
    path = staff_list_path(school)
    if path is None:
        measurements.append(
            Measurement("Staff list (page)", "identity:staff-list", 0, 0, 0, 0, "", "URL not found")
        )
    else:
        measurements.append(measure("Staff list (page)", path, lambda: client.get(path), count))
    login = reverse("identity:login")
    measurements.append(measure("Login page", login, lambda: anonymous.get(login), count))
    api_staff = f"/api/v1/organizations/{school.pk}/staff"
    measurements.append(
        measure("API staff list", api_staff, lambda: api_client.get(api_staff), count)
    )
    api_organizations = "/api/v1/organizations"
    measurements.append(
        measure(
            "API organisations (own)",
            api_organizations,
            lambda: api_client.get(api_organizations),
            count,
        )
    )
    regional_admin = ministry_admin(scale)
    regional_client = Client(
        HTTP_AUTHORIZATION=f"Bearer {issue_api_token(actor=regional_admin, name='bench')}"
    )
    measurements.append(
        measure(
            "API organisations (ministry, page 1 of the region)",
            api_organizations,
            lambda: regional_client.get(api_organizations),
            count,
        )
    )
    regional_session = signed_in_client(regional_admin)
    readiness = reverse("identity:login-readiness")
    measurements.append(
        measure(
            "Gosuslugi readiness, the region's organisations (page 1)",
            readiness,
            lambda: regional_session.get(readiness),
            count,
        )
    )
    school_readiness = reverse("identity:login-readiness-organization", args=[school.pk])
    measurements.append(
        measure(
            "Gosuslugi readiness, who lacks what in one school",
            school_readiness,
            lambda: client.get(school_readiness),
            count,
        )
    )
    journal, journal_facts = journal_measurements(scale, count, schools)
    measurements.extend(journal)
    from dpo import dpo_measurements

    dpo_results, dpo_facts = dpo_measurements(count)
    measurements.extend(dpo_results)
    from exchange import exchange_measurements

    batch_update = exchange_measurements([1_000, 10_000])
    for item in measurements:
        if item.status not in (0, 200):
            item.note = f"HTTP {item.status}"

    from parta.identity.models import Person
    from parta.orgs.models import Organization

    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "python": platform.python_version(),
        "scale": scale,
        "dataset": {
            "organizations": Organization.objects.count(),
            "people": Person.objects.count(),
            "staff_memberships": Membership.objects.filter(kind=Membership.Kind.STAFF).count(),
        },
        "seed_seconds": seed_seconds,
        "seed_reused": reused,
        "school": {"id": school.pk, "name": str(school), "staff": school_staff},
        "journal": journal_facts,
        "dpo": dpo_facts,
        "measurements": [asdict(item) for item in measurements],
        "batch_update": [asdict(item) for item in batch_update],
    }


def markdown(results: dict) -> str:
    dataset = results["dataset"]
    lines = [
        f"Dataset `{results['scale']}` on {results['engine']}: {dataset['organizations']} "
        f"organisations, {dataset['people']} people, {dataset['staff_memberships']} staff "
        f"memberships; seeded in {results['seed_seconds']} s. "
        f"School «{results['school']['name']}» with {results['school']['staff']} staff, "
        f"{results['measurements'][0]['requests']} requests each after {WARM_UP} warm-up.",
        f"Journals: {results['journal']['schools']} schools with a full year, "
        f"{results['journal']['lessons']} lessons, {results['journal']['marks']} marks, "
        f"{results['journal']['absences']} absences; grid of {results['journal']['class']} "
        f"({results['journal']['class_students']} students × {results['journal']['grid_lessons']} "
        f"lessons).",
        f"ДПО: {results['dpo']['programmes']} programmes, {results['dpo']['applications']} "
        f"applications of a campaign; target under {results['dpo']['target_ms']:g} ms.",
        "",
        "| what | path | median, ms | p95, ms | SQL queries | note |",
        "|---|---|---:|---:|---:|---|",
    ]
    for item in results["measurements"]:
        lines.append(
            f"| {item['name']} | `{item['path']}` | {item['median_ms']} | {item['p95_ms']} "
            f"| {item['queries']} | {item['note']} |"
        )
    from exchange import ExchangeMeasurement
    from exchange import markdown as exchange_table

    batch_update = [ExchangeMeasurement(**item) for item in results["batch_update"]]
    lines += ["", exchange_table(batch_update)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["region", "municipality"], default="region")
    parser.add_argument("-n", "--requests", type=int, default=30)
    parser.add_argument("--staff", type=int, default=300, help="staff of the measured school")
    parser.add_argument(
        "--schools", type=int, default=50, help="schools with a full year of journals"
    )
    options = parser.parse_args()
    results = run(options.scale, options.requests, options.staff, options.schools)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / "results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    print()
    print(markdown(results))


if __name__ == "__main__":
    main()
