"""OneRoster export → import → export keeps the roster; a second import changes nothing."""

import csv
import io
import zipfile

import pytest

from parta.core.models import AuditEntry
from parta.exchange.models import ExternalId
from parta.exchange.oneroster import export, importing
from parta.exchange.oneroster import mapping as spec
from parta.identity.models import Account, Membership, Person
from parta.students.models import ClassEnrolment, GroupMembership, Guardianship, Student


def files_of(content: bytes) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))
            for name in archive.namelist()
        }


def comparable(files: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The files without dateLastModified, rows in a fixed order."""
    return {
        name: sorted(
            ({k: v for k, v in row.items() if k != "dateLastModified"} for row in rows),
            key=lambda row: sorted(row.items()),
        )
        for name, rows in files.items()
    }


def roster_state(organization) -> dict:
    students = Student.objects.filter(organization=organization)
    return {
        "people": Person.objects.count(),
        "students": students.count(),
        "guardianships": Guardianship.objects.filter(student__in=students).count(),
        "stays": sorted(
            ClassEnrolment.objects.filter(student__in=students).values_list(
                "student_id", "school_class_id", "starts_on", "ends_on"
            )
        ),
        "members": sorted(GroupMembership.objects.values_list("group_id", "student_id")),
        "external": ExternalId.objects.count(),
        "audit": AuditEntry.objects.exclude(action="exchange.oneroster_exported").count(),
    }


def forget_students(organization) -> None:
    """Remove the school's students and parents as if they had never been entered."""
    students = Student.objects.filter(organization=organization)
    people = set(students.values_list("person_id", flat=True))
    people |= set(
        Guardianship.objects.filter(student__in=students).values_list("guardian_id", flat=True)
    )
    ClassEnrolment.objects.filter(student__in=students).delete()
    memberships = list(students.values_list("membership_id", flat=True))
    students.delete()
    Membership.objects.filter(pk__in=memberships).delete()
    Membership.objects.filter(person_id__in=people, kind=Membership.Kind.GUARDIAN).delete()
    Account.objects.filter(person_id__in=people).delete()
    Person.objects.filter(pk__in=people).delete()


@pytest.fixture
def secretary(region, school):
    return region.member("secretary")


def test_export_holds_the_school_year_classes_people_and_their_links(region, school, secretary):
    files = files_of(export.export_roster(actor=secretary, organization=region.school))

    assert set(files) == {spec.MANIFEST, *spec.DATA_FILES}
    manifest = {row["propertyName"]: row["value"] for row in files[spec.MANIFEST]}
    assert manifest["oneroster.version"] == "1.2"
    assert manifest["file.users"] == "bulk" and manifest["file.resources"] == "absent"
    classes = {row["title"]: row for row in files[spec.CLASSES]}
    assert classes["5А"]["classType"] == "homeroom"
    assert classes["5А: Математика"]["classType"] == "scheduled"
    assert classes["5А: Математика"]["periods"] == "1,2"
    users = {row["familyName"] + " " + row["givenName"]: row for row in files[spec.USERS]}
    anna, mother = users["Алексеева Анна"], users["Алексеева Ольга"]
    assert mother["sourcedId"] in anna["agentSourcedIds"].split(",")
    assert anna["sourcedId"] in mother["agentSourcedIds"].split(",")
    assert "snils" not in "".join(files[spec.USERS][0]).lower()
    roles = {(row["userSourcedId"], row["role"]) for row in files[spec.ROLES]}
    assert (anna["sourcedId"], "student") in roles and (mother["sourcedId"], "parent") in roles
    demographics = {row["sourcedId"]: row for row in files[spec.DEMOGRAPHICS]}
    assert demographics[anna["sourcedId"]]["birthDate"] == "2015-01-10"
    assert demographics[anna["sourcedId"]]["sex"] == "female"
    english = classes["5А, Английский, группа 1: Английский язык"]["sourcedId"]
    in_english = {
        row["userSourcedId"]
        for row in files[spec.ENROLLMENTS]
        if row["classSourcedId"] == english and row["role"] == "student"
    }
    assert in_english == {anna["sourcedId"], users["Борисов Борис"]["sourcedId"]}
    assert all(row["status"] == "" for row in files[spec.USERS])


def test_round_trip_restores_forgotten_students_and_exports_the_same_files(
    region, school, secretary
):
    first = export.export_roster(actor=secretary, organization=region.school)
    forget_students(region.school)

    outcome = importing.import_roster(
        actor=secretary, organization=region.school, content=first, dry_run=False
    )

    assert outcome.counts()["student_created"] == 5
    assert outcome.counts()["guardian_linked"] == 3
    again = export.export_roster(actor=secretary, organization=region.school)
    assert comparable(files_of(again)) == comparable(files_of(first))
    anna = Student.objects.get(person__last_name="Алексеева", person__first_name="Анна")
    assert anna.person.account.login == "student"
    assert not anna.person.account.check_password("Persona-password-1")


def test_importing_the_own_export_again_changes_nothing(region, school, secretary):
    content = export.export_roster(actor=secretary, organization=region.school)
    before = roster_state(region.school)

    outcome = importing.import_roster(
        actor=secretary, organization=region.school, content=content, dry_run=False
    )

    assert outcome.changes == []
    assert roster_state(region.school) == before


def test_a_dry_run_writes_nothing(region, school, secretary):
    content = export.export_roster(actor=secretary, organization=region.school)
    forget_students(region.school)
    before = roster_state(region.school)

    outcome = importing.import_roster(
        actor=secretary, organization=region.school, content=content, dry_run=True
    )

    assert outcome.counts()["student_created"] == 5
    assert roster_state(region.school) == before
