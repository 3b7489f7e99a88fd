"""A full academic year of journals for the schools of one municipality of a generated region.

Used by the benchmarks: every school gets two classes in each parallel 1–11 (the first 5th
class with 30 students, the size of the journal grid the issue measures), their students and
parents, a timetable and every lesson of the year with topics, homework, marks and attendance,
as if the year were over. Running it again changes nothing.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from parta.orgs.models import Organization, Region, Subject
from parta.school.models import AcademicYear
from parta.web.seed import school_year

Log = Callable[[str], None]
CLASS_SIZES = {grade: [30 if grade == 5 else 25, 25] for grade in range(1, 12)}


@dataclass(frozen=True)
class JournalDataset:
    schools: list[Organization]
    counts: dict[str, int]
    seconds: float


def journal_schools(region: Region, count: int) -> list[Organization]:
    """The schools of the municipality with most schools, topped up from the next ones."""
    schools = list(
        Organization.objects.filter(
            region=region, kind=Organization.Kind.SCHOOL, parent=None, memberships__is_director=True
        )
        .order_by("municipality_id", "pk")
        .distinct()
    )
    by_municipality: dict[int, list[Organization]] = {}
    for school in schools:
        by_municipality.setdefault(school.municipality_id, []).append(school)
    ordered = sorted(by_municipality.values(), key=len, reverse=True)
    return [school for group in ordered for school in group][:count]


def ensure_journal_dataset(
    region: Region, *, schools: int = 50, log: Log = lambda line: None
) -> JournalDataset:
    """Build the year's journals of `schools` schools unless they are there."""
    chosen = journal_schools(region, schools)
    started = time.perf_counter()
    subjects = {subject.name: subject for subject in Subject.objects.all()}
    counts = {"schools": 0, "lessons": 0, "marks": 0, "absences": 0}
    rng = random.Random(20260901)
    for number, school in enumerate(chosen, start=1):
        if AcademicYear.objects.filter(organization=school).exists():
            continue
        with transaction.atomic():
            result = school_year.build_school_year(
                organization=school, subjects=subjects, class_sizes=CLASS_SIZES, rng=rng
            )
            filled = school_year.fill_journal(year=result.year, until=result.year.ends_on, rng=rng)
        counts["schools"] += 1
        for key in ("lessons", "marks", "absences"):
            counts[key] += filled[key]
        log(
            f"{number}/{len(chosen)} {school}: {filled['lessons']} lessons, "
            f"{filled['marks']} marks ({time.perf_counter() - started:.0f} s)"
        )
    return JournalDataset(
        schools=chosen, counts=counts, seconds=round(time.perf_counter() - started, 1)
    )
