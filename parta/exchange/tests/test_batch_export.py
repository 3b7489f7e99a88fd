"""«1. Выгрузка данных»: who may export and import, what the file holds for each role, and that
nothing in it is a formula."""

import io
import zipfile

import openpyxl
import pytest
import xlrd
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import SYSTEM
from parta.exchange import policies
from parta.exchange.batch.fields import GUARDIANS_SHEET, STUDENTS_SHEET, FieldList
from parta.exchange.batch.scope import batch_scope
from parta.exchange.batch.writers import FileFormat
from parta.exchange.models import ImportRun
from parta.exchange.tests.batch_files import cell, exported, read, upload
from parta.identity.models import OrgRole
from parta.students.policies import READ_SECTIONS, CardSection
from parta.students.services.enrolment import enrol_student

S = STUDENTS_SHEET
G = GUARDIANS_SHEET


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("secretary", True),
        ("hr", True),
        ("admin", True),
        ("director", False),
        ("deputy_head", False),
        ("teacher", False),
        ("medical", False),
        ("psychologist", False),
        ("tech_staff", False),
        ("municipal_admin", False),
        ("regional_admin", False),
        ("parent", False),
        ("student", False),
    ],
)
def test_who_may_export_and_import(client, region, school, persona, allowed):
    member = region.login(client, persona)
    assert policies.can_exchange(member, region.school) is allowed
    page = client.get(reverse("exchange:batch"))
    download = client.get(
        reverse("exchange:batch-export"),
        {"student_fields": "full", "guardian_fields": "full", "file_format": "xls"},
    )
    posted = upload(client, exported(region.member("secretary")), "a.xls")
    expected = 200 if allowed else 404
    assert page.status_code == expected
    assert download.status_code == expected
    assert ImportRun.objects.exists() is allowed
    if not allowed:
        assert posted.status_code == 404


def test_download_is_an_xls_of_the_filtered_class_with_both_sheets(client, region, school):
    region.login(client, "secretary")
    response = client.get(
        reverse("exchange:batch-export"),
        {
            "school_class": school.class_5b.pk,
            "student_fields": "short",
            "guardian_fields": "short",
            "file_format": "xls",
        },
    )
    assert response["Content-Type"] == "application/vnd.ms-excel"
    assert ".xls" in response["Content-Disposition"]
    book = xlrd.open_workbook(file_contents=b"".join(response.streaming_content))
    assert book.sheet_names() == [S, G]
    students = book.sheet_by_name(S)
    names = [students.cell_value(row, 1) for row in range(1, students.nrows)]
    assert names == ["Алексеев", "Григорьев"]
    assert AuditEntry.objects.filter(action="students.cards_exported").count() == 1


def test_scope_is_the_class_the_parallel_or_the_school(region, school):
    secretary = region.member("secretary")

    def ids(**filters):
        return [row[0] for row in read(exported(secretary, **filters))[S][1:]]

    assert len(ids(school_class=school.class_5a)) == 3
    assert len(ids(grade=5)) == 5
    assert len(ids(grade=6)) == 0
    assert len(ids()) == 5


def test_short_and_full_lists(region, school):
    secretary = region.member("secretary")
    short = read(
        exported(secretary, student_fields=FieldList.SHORT, guardian_fields=FieldList.SHORT)
    )
    full = read(exported(secretary))
    assert "Серия паспорта" not in short[S][0] and "Серия паспорта" in full[S][0]
    assert "Номер личного дела" in full[S][0] and "СНИЛС" in short[S][0]
    assert "Пол" not in short[G][0] and "Пол" in full[G][0]
    assert len(short[S]) == len(full[S]) == 6


@pytest.mark.parametrize("persona", ["secretary", "hr", "admin"])
def test_an_export_never_holds_sections_the_role_may_not_read(region, school, persona):
    member = region.member(persona)
    headers = read(exported(member))[S][0] + read(exported(member))[G][0]
    readable = READ_SECTIONS[OrgRole(member.active_role)]
    assert CardSection.HEALTH not in readable
    assert not {"Группа здоровья", "Группа для занятий физкультурой", "ОВЗ / инвалидность"} & set(
        headers
    )


def test_health_columns_follow_the_policy_table(region, school, monkeypatch):
    secretary = region.member("secretary")
    monkeypatch.setitem(
        READ_SECTIONS, OrgRole.SECRETARY, READ_SECTIONS[OrgRole.SECRETARY] | {CardSection.HEALTH}
    )
    headers = read(exported(secretary))[S][0]
    assert "Группа здоровья" in headers


def test_no_documents_without_the_documents_section(region, school, monkeypatch):
    secretary = region.member("secretary")
    monkeypatch.setitem(
        READ_SECTIONS, OrgRole.SECRETARY, frozenset({CardSection.MAIN, CardSection.GUARDIANS})
    )
    sheets = read(exported(secretary))
    headers = sheets[S][0] + sheets[G][0]
    assert "СНИЛС" not in headers and "Серия паспорта" not in headers
    assert "Адрес проживания" not in headers


#: Session and cabinet (4), the year and the chosen class, the year's classes, recent runs.
PAGE_QUERIES = 8
INJECTIONS = ["=1+1", "+7 (900) 000", "-2+3", "@SUM(A1)", "\t=cmd", '=HYPERLINK("http://x")']


@pytest.mark.parametrize("file_format", [FileFormat.XLS, FileFormat.XLSX])
def test_user_values_that_look_like_formulas_are_written_as_text(region, school, file_format):
    anna = school.students["student"]
    anna.registration_address = INJECTIONS[0]
    anna.residence_address = INJECTIONS[5]
    anna.personal_file_number = INJECTIONS[3]
    anna.save()
    person = anna.person
    person.phone = INJECTIONS[1]
    person.passport_issued_by = INJECTIONS[2]
    person.email = ""
    person.save()
    content = exported(region.member("secretary"), file_format=file_format)

    if file_format == FileFormat.XLSX:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = archive.read("xl/worksheets/sheet1.xml")
        assert b"<f>" not in xml and b"<f " not in xml
        sheet = openpyxl.load_workbook(io.BytesIO(content))[S]
        header = [c.value for c in sheet[1]]
        row = [c for c in sheet[2]]
        for name, value in [
            ("Адрес регистрации", INJECTIONS[0]),
            ("Адрес проживания", INJECTIONS[5]),
            ("Телефон", INJECTIONS[1]),
            ("Номер личного дела", INJECTIONS[3]),
        ]:
            target = row[header.index(name)]
            assert target.data_type == "s" and target.value == value
        assert row[header.index("Адрес регистрации")].quotePrefix
    else:
        book = xlrd.open_workbook(file_contents=content)
        sheet = book.sheet_by_name(S)
        header = sheet.row_values(0)
        column = header.index("Адрес регистрации")
        assert sheet.cell_type(1, column) == xlrd.XL_CELL_TEXT
        assert sheet.cell_value(1, column) == INJECTIONS[0]
    sheets = read(content)
    assert cell(sheets, S, anna.pk, "Адрес проживания") == INJECTIONS[5]


def test_students_without_a_class_are_in_the_whole_school_only(region, school, today):
    from parta.students.services.enrolment import create_student

    create_student(
        actor=SYSTEM,
        organization=region.school,
        person_fields={"last_name": "Ёлкин", "first_name": "Ёжик", "middle_name": "Ёлкович"},
    )
    secretary = region.member("secretary")
    assert "Ёлкин" in [row[1] for row in read(exported(secretary))[S]]
    assert "Ёлкин" not in [row[1] for row in read(exported(secretary, grade=5))[S]]


def test_batch_page_costs_the_same_queries_for_any_school_size(
    client, region, school, today, django_assert_num_queries
):
    region.login(client, "secretary")
    url = reverse("exchange:batch") + f"?school_class={school.class_5a.pk}"
    upload(client, b"", "a.xls", school_class=school.class_5a.pk)
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url)
    for index in range(6):
        enrol_student(
            actor=SYSTEM,
            school_class=school.class_5a,
            on=today,
            person_fields={"last_name": f"Ученик{index}", "first_name": "А", "middle_name": "Б"},
        )
    upload(client, exported(region.member("secretary")), "b.xls", school_class=school.class_5a.pk)
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url)


def test_another_schools_admin_exports_only_their_own_school(client, region, school):
    member = region.login(client, "other_school_admin")
    assert not policies.can_exchange(member, region.school)
    assert policies.can_exchange(member, region.other_school)
    response = client.get(
        reverse("exchange:batch-export"),
        {"student_fields": "full", "guardian_fields": "full", "file_format": "xlsx"},
    )
    rows = read(b"".join(response.streaming_content))[S]
    assert len(rows) == 1  # the header only: Школа № 2 has no students


def test_run_page_of_another_school_is_not_found(client, region, school):
    region.login(client, "secretary")
    upload(client, b"", "a.xls")
    run = ImportRun.objects.get()
    region.login(client, "other_school_admin")
    assert client.get(reverse("exchange:batch-run", args=[run.pk])).status_code == 404
    assert client.post(reverse("exchange:batch-apply", args=[run.pk])).status_code == 404


def test_scope_of_a_class_of_another_school_is_the_whole_school(region, school):
    scope = batch_scope(viewer=region.member("other_school_admin"), school_class=school.class_5a.pk)
    assert scope is not None and scope.school_class is None
