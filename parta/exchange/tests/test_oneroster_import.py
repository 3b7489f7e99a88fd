"""Importing OneRoster zips: a hand-made one following the binding, and bad ones that are refused
with every problem listed and nothing written."""

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from parta.exchange.models import ExternalId
from parta.exchange.oneroster import importing
from parta.exchange.oneroster.reading import RosterRefused
from parta.exchange.tests.test_oneroster_round_trip import roster_state
from parta.students.models import Guardianship, Student

HAND = Path(__file__).parent / "oneroster" / "hand"


def hand_files() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(HAND.glob("*.csv"))}


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()


@pytest.fixture
def secretary(region, school):
    return region.member("secretary")


def run(secretary, region, content, dry_run=False):
    return importing.import_roster(
        actor=secretary, organization=region.school, content=content, dry_run=dry_run
    )


def test_a_hand_made_roster_adds_the_student_to_the_class_with_the_parent(
    region, school, secretary
):
    outcome = run(secretary, region, zipped(hand_files()))

    student = Student.objects.get(person__last_name="Дмитриев", person__first_name="Дмитрий")
    stay = student.enrolments.get()
    assert (stay.school_class, stay.starts_on, stay.ends_on) == (
        school.class_5a,
        date(2026, 11, 2),
        None,
    )
    assert student.person.birth_date == date(2015, 6, 1)
    assert student.person.account.login == "d.dmitriev"
    guardianship = Guardianship.objects.get(student=student)
    assert guardianship.relation == Guardianship.Relation.FATHER
    assert guardianship.guardian.email == "denis@example.org"
    assert not hasattr(guardianship.guardian, "account")
    assert ExternalId.objects.get(kind="user", external_id="u-100").object_id == student.person_id
    assert ExternalId.objects.get(kind="class", external_id="hr-5a").object_id == school.class_5a.pk
    assert outcome.counts() == {"student_created": 1, "placed": 1, "guardian_linked": 1}


def test_a_hand_made_roster_imported_twice_changes_nothing_the_second_time(
    region, school, secretary
):
    run(secretary, region, zipped(hand_files()))
    before = roster_state(region.school)

    outcome = run(secretary, region, zipped(hand_files()))

    assert outcome.changes == []
    assert roster_state(region.school) == before


def test_a_known_person_is_matched_by_name_and_birth_date_with_a_warning(region, school, secretary):
    files = hand_files()
    files["users.csv"] = files["users.csv"].replace(
        "Дмитрий,Дмитриев,Денисович", "Анна,Алексеева,Сергеевна"
    )
    files["demographics.csv"] = files["demographics.csv"].replace(
        "2015-06-01,male", "2015-01-10,female"
    )

    outcome = run(secretary, region, zipped(files))

    assert "duplicate" in {warning.code for warning in outcome.warnings}
    assert (
        Student.objects.filter(person__last_name="Алексеева", person__first_name="Анна").count()
        == 1
    )


def problems_of(secretary, region, files) -> set[tuple[str, str, str]]:
    before = roster_state(region.school)
    with pytest.raises(RosterRefused) as refused:
        run(secretary, region, zipped(files))
    assert roster_state(region.school) == before
    return {(p.file, p.column, p.code) for p in refused.value.problems}


def test_a_zip_without_users_csv_is_refused(region, school, secretary):
    files = hand_files()
    del files["users.csv"]

    assert ("users.csv", "", "missing_file") in problems_of(secretary, region, files)


def test_a_zip_without_a_manifest_is_refused(region, school, secretary):
    files = hand_files()
    del files["manifest.csv"]

    assert ("manifest.csv", "", "no_manifest") in problems_of(secretary, region, files)


def test_every_problem_of_a_bad_zip_is_listed_at_once(region, school, secretary):
    files = hand_files()
    files["roles.csv"] = files["roles.csv"].replace("primary,parent", "primary,uncle")
    files["enrollments.csv"] = files["enrollments.csv"].replace(
        "hr-5a,sch-1,u-100,student,false,2026-11-02", "hr-9z,sch-1,u-100,student,false,02.11.2026"
    )

    problems = problems_of(secretary, region, files)

    assert ("roles.csv", "role", "enumeration") in problems
    assert ("enrollments.csv", "classSourcedId", "unknown_reference") in problems
    assert ("enrollments.csv", "beginDate", "date") in problems


def test_a_class_missing_in_the_year_refuses_the_import(region, school, secretary):
    files = hand_files()
    files["classes.csv"] = files["classes.csv"].replace("5А,05,c5,5A", "7В,07,c5,7В")

    assert ("classes.csv", "title", "unknown_class") in problems_of(secretary, region, files)


def test_not_a_zip_and_an_empty_file_are_refused(region, school, secretary):
    for content, code in ((b"", "empty"), (b"sourcedId,name\r\n", "not_zip")):
        with pytest.raises(RosterRefused) as refused:
            run(secretary, region, content)
        assert [problem.code for problem in refused.value.problems] == [code]


def test_a_manifest_that_disagrees_with_the_archive_is_refused(region, school, secretary):
    files = hand_files()
    files["manifest.csv"] = files["manifest.csv"].replace(
        "file.demographics,bulk", "file.demographics,absent"
    )

    assert ("manifest.csv", "", "manifest_inconsistent") in problems_of(secretary, region, files)


def test_a_renamed_column_and_a_missing_required_value_are_refused(region, school, secretary):
    files = hand_files()
    files["users.csv"] = files["users.csv"].replace("givenName", "firstName", 1)
    files["orgs.csv"] = files["orgs.csv"].replace("School One,school", ",school")

    problems = problems_of(secretary, region, files)

    assert ("users.csv", "firstName", "unknown_column") in problems
    assert ("users.csv", "givenName", "missing_column") in problems
    assert ("orgs.csv", "name", "required") in problems
