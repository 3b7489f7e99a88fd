"""Benchmarks of «Пакетное обновление»: export and import (check, then apply) of a school of
1,000 and of 10,000 students, each with one parent; seconds and peak Python memory (tracemalloc).

The schools are made once with bulk inserts (classes of 25 students) and reused. The import
changes every student's phone, as filling in a column for the whole school does. Time is
measured without tracemalloc (it slows Python down) and memory in a second, separate run.

Alone, against its own database (never the one another benchmark may be using):

    python bench/exchange.py [--sizes 1000,10000] [--db var/bench/exchange.sqlite3]

`bench/run.py` calls `exchange_measurements` on its own benchmark database.
"""

import argparse
import io
import json
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
CLASS_SIZE = 25
LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"
TARGET_SECONDS = {1_000: 3.0, 10_000: 20.0}


@dataclass
class ExchangeMeasurement:
    name: str
    students: int
    seconds: float
    peak_mb: float
    target_seconds: float | None
    note: str = ""


def _measure(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _peak_mb(run: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


def ensure_school(size: int):  # noqa: ANN201
    """«Бенчмарк: N учеников»: one year, classes of 25, each student with a parent; made once."""
    from django.db import transaction
    from run import bench_place

    from parta.core import calendar
    from parta.core.audit import SystemActor
    from parta.identity.models import Membership, OrgRole, Person
    from parta.identity.services.staff import add_staff_member
    from parta.orgs.models import Organization
    from parta.school.models import AcademicYear, SchoolClass, StudyGroup
    from parta.students.models import ClassEnrolment, Guardianship, Student

    name = f"Бенчмарк: {size} учеников"
    school = Organization.objects.filter(short_name=name).first()
    if school is not None:
        return school, Membership.objects.get(organization=school, kind="staff")
    with transaction.atomic():
        region, municipality, authority = bench_place()
        school = Organization.objects.create(
            region=region,
            municipality=municipality,
            authority=authority,
            kind=Organization.Kind.SCHOOL,
            short_name=name,
            full_name=name,
        )
        secretary = add_staff_member(
            actor=SystemActor("bench"),
            unit=school,
            person_fields={
                "last_name": "Секретарь",
                "first_name": "Бенчмарк",
                "middle_name": str(size),
            },
            login=f"bench.secretary.{size}",
            password="Bench-password-1",
            must_change_password=False,
            roles=[OrgRole.SECRETARY],
        )
        today = calendar.today()
        start = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
        year = AcademicYear.objects.create(
            organization=school, starts_on=start, ends_on=date(start.year + 1, 5, 31)
        )
        classes = []
        for index in range(size // CLASS_SIZE):
            grade = 1 + index % 11
            letter = LETTERS[(index // 11) % len(LETTERS)] + str(index // (11 * len(LETTERS)) or "")
            classes.append(SchoolClass(year=year, organization=school, grade=grade, letter=letter))
        classes = SchoolClass.objects.bulk_create(classes)
        StudyGroup.objects.bulk_create(
            [StudyGroup(school_class=school_class, is_whole_class=True) for school_class in classes]
        )
        people = Person.objects.bulk_create(
            [
                Person(
                    last_name=f"Фамилия{number}",
                    first_name="Ученик",
                    middle_name="Иванович",
                    birth_date=date(2010 + number % 10, 1 + number % 12, 1 + number % 28),
                    sex="male",
                )
                for number in range(size)
            ],
            batch_size=1000,
        )
        parents = Person.objects.bulk_create(
            [
                Person(
                    last_name=f"Фамилия{number}",
                    first_name="Родитель",
                    middle_name="Петрович",
                    birth_date=date(1985, 1 + number % 12, 1 + number % 28),
                )
                for number in range(size)
            ],
            batch_size=1000,
        )
        memberships = Membership.objects.bulk_create(
            [Membership(person=person, organization=school, kind="student") for person in people]
            + [
                Membership(person=person, organization=school, kind="guardian")
                for person in parents
            ],
            batch_size=1000,
        )
        students = Student.objects.bulk_create(
            [
                Student(membership=membership, person=membership.person, organization=school)
                for membership in memberships[:size]
            ],
            batch_size=1000,
        )
        ClassEnrolment.objects.bulk_create(
            [
                ClassEnrolment(
                    student=student,
                    school_class=classes[number // CLASS_SIZE],
                    starts_on=start,
                )
                for number, student in enumerate(students)
            ],
            batch_size=1000,
        )
        Guardianship.objects.bulk_create(
            [
                Guardianship(guardian=parent, student=student, relation="mother")
                for parent, student in zip(parents, students, strict=True)
            ],
            batch_size=1000,
        )
    return school, secretary


def _with_phones(content: bytes, phone_prefix: str) -> bytes:
    """The exported workbook with every student's phone filled in."""
    from parta.exchange.batch.fields import STUDENTS_SHEET
    from parta.exchange.batch.readers import open_workbook
    from parta.exchange.batch.writers import Sheet, write_workbook

    workbook = open_workbook(content)
    sheets = []
    for name in workbook.sheet_names:
        rows = [list(row) for row in workbook.rows(name)]
        if name == STUDENTS_SHEET:
            column = rows[0].index("Телефон")
            for number, row in enumerate(rows[1:]):
                row[column] = f"{phone_prefix}{number:07d}"
        sheets.append(Sheet(name, rows[0], rows[1:]))
    out = io.BytesIO()
    write_workbook("xls", sheets, out)
    return out.getvalue()


def _school_measurements(size: int) -> list[ExchangeMeasurement]:
    from parta.exchange.batch.scope import batch_scope
    from parta.exchange.batch.services import ExportOptions, apply_run, check_upload
    from parta.exchange.batch.services import export_workbook as export
    from parta.exchange.models import ImportRun

    _school, secretary = ensure_school(size)
    secretary = secretary.acting_as("secretary")
    scope = batch_scope(viewer=secretary)
    assert scope is not None
    target = TARGET_SECONDS.get(size)
    results = []

    def export_once(file_format: str) -> bytes:
        out = io.BytesIO()
        options = ExportOptions("full", "full", file_format)
        export(viewer=secretary, scope=scope, options=options, out=out)
        return out.getvalue()

    for file_format in ("xls", "xlsx"):
        seconds = _measure(lambda file_format=file_format: export_once(file_format))
        peak = _peak_mb(lambda file_format=file_format: export_once(file_format))
        results.append(ExchangeMeasurement(f"Export .{file_format}", size, seconds, peak, target))
    exported = export_once("xls")
    runs: dict[str, ImportRun] = {}

    # Two files with different phones, so that the memory run changes every card too; made
    # before the measurements (the upload's bytes are the input, as in the view).
    timed, traced = f"+7{time.strftime('%H%M')}", f"+8{time.strftime('%H%M')}"
    contents = {prefix: _with_phones(exported, prefix) for prefix in (timed, traced)}

    def check(prefix: str) -> None:
        runs[prefix] = check_upload(
            actor=secretary, scope=scope, filename="bench.xls", content=contents[prefix]
        )

    def apply(prefix: str) -> None:
        run = apply_run(actor=secretary, run=runs[prefix])
        assert run.status == ImportRun.Status.APPLIED, run.report.get("problems", [])[:3]

    check_seconds = _measure(lambda: check(timed))
    check_peak = _peak_mb(lambda: check(traced))
    apply_seconds = _measure(lambda: apply(timed))
    apply_peak = _peak_mb(lambda: apply(traced))
    note = f"{size} phones changed"
    return [
        *results,
        ExchangeMeasurement("Import: check", size, check_seconds, check_peak, None, note),
        ExchangeMeasurement("Import: apply", size, apply_seconds, apply_peak, None, note),
        ExchangeMeasurement(
            "Import: check + apply",
            size,
            check_seconds + apply_seconds,
            max(check_peak, apply_peak),
            target,
            note,
        ),
    ]


def exchange_measurements(sizes: list[int]) -> list[ExchangeMeasurement]:
    """Export (.xls, .xlsx), check and apply of an import, for a school of each size."""
    results = [item for size in sizes for item in _school_measurements(size)]
    for item in results:
        item.seconds = round(item.seconds, 2)
        item.peak_mb = round(item.peak_mb, 1)
        if item.target_seconds and item.seconds > item.target_seconds:
            item.note = f"{item.note}; over the target".lstrip("; ")
    return results


def markdown(results: list[ExchangeMeasurement]) -> str:
    lines = [
        "| batch update | students | seconds | target, s | peak memory, MB | note |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for item in results:
        target = item.target_seconds if item.target_seconds is not None else ""
        lines.append(
            f"| {item.name} | {item.students} | {item.seconds} | {target} | {item.peak_mb} "
            f"| {item.note} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1000,10000", help="students per school, comma-separated"
    )
    parser.add_argument(
        "--db",
        default=os.environ.get("PARTA_BENCH_EXCHANGE_DB", str(BENCH_DIR / "exchange.sqlite3")),
        help="SQLite file of this benchmark (ignored when PARTA_DB_ENGINE=postgresql)",
    )
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parta.settings")
    os.environ.setdefault("PARTA_DEBUG", "0")
    os.environ.setdefault("PARTA_MANIFEST_STATIC", "0")
    os.environ.setdefault("PARTA_MEDIA_ROOT", str(BENCH_DIR / "media"))
    if os.environ.get("PARTA_DB_ENGINE", "sqlite") != "postgresql":
        os.environ["PARTA_SQLITE_PATH"] = options.db
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    results = exchange_measurements([int(size) for size in options.sizes.split(",")])
    (BENCH_DIR / "exchange.json").write_text(
        json.dumps([asdict(item) for item in results], ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    print(markdown(results))


if __name__ == "__main__":
    main()
