"""Loading competency assessment results from .xlsx or .csv: the whole file or nothing."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from parta.core.models import AuditEntry
from parta.core.testing.personas import PASSWORD, SYSTEM, login_member
from parta.dpo.assessments import import_assessments
from parta.dpo.models import Assessment
from parta.dpo.tests.builders import competency, dpo_organization, dpo_staff
from parta.identity.models import OrgRole
from parta.identity.services.staff import add_staff_member
from parta.orgs.models import Authority, Municipality, Organization, Region

HEADER = ["ФИО", "Дата рождения", "Код компетенции", "Балл", "Дефицит (да/нет)", "Дата оценки"]


def xlsx(rows, header=HEADER, name="results.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(lines, name="results.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, "\n".join(lines).encode(encoding))


@pytest.fixture
def setup(region, today):
    organization = dpo_organization(region)
    competency("ПЗ-1", "Предметные знания")
    competency("МК-2", "Методические компетенции")
    teacher = region.member("teacher").person
    secretary = region.member("secretary").person
    return {
        "actor": dpo_staff(region, organization),
        "teacher": teacher,
        "secretary": secretary,
        "good_rows": [
            [teacher.full_name, teacher.birth_date, "ПЗ-1", 45.5, "да", date(2026, 10, 1)],
            [
                teacher.full_name.upper(),
                teacher.birth_date.strftime("%d.%m.%Y"),
                "мк-2",
                "80",
                "нет",
                "01.10.2026",
            ],
        ],
    }


def codes(error):
    return [problem.code for problem in error.value.error_list]


def nothing_written():
    return (
        not Assessment.objects.exists()
        and not AuditEntry.objects.filter(action="dpo.assessments_imported").exists()
    )


def test_good_xlsx_writes_every_row_and_one_audit_entry(setup):
    result = import_assessments(actor=setup["actor"], upload=xlsx(setup["good_rows"]))
    assert (result.created, result.updated, result.people) == (2, 0, 1)
    rows = {
        (a.competency.code, a.score, a.is_deficit, a.assessed_on)
        for a in Assessment.objects.filter(person=setup["teacher"])
    }
    assert rows == {
        ("ПЗ-1", Decimal("45.50"), True, date(2026, 10, 1)),
        ("МК-2", Decimal("80.00"), False, date(2026, 10, 1)),
    }
    entry = AuditEntry.objects.get(action="dpo.assessments_imported")
    assert entry.after["rows"] == 2
    assert entry.after["people"] == [setup["teacher"].pk]
    assert entry.organization_id == setup["actor"].organization_id


def test_a_second_file_replaces_results_of_the_same_person_competency_and_date(setup):
    import_assessments(actor=setup["actor"], upload=xlsx(setup["good_rows"]))
    teacher = setup["teacher"]
    again = [
        [teacher.full_name, teacher.birth_date, "ПЗ-1", 70, "нет", date(2026, 10, 1)],
        [teacher.full_name, teacher.birth_date, "ПЗ-1", 30, "да", date(2026, 11, 1)],
    ]
    result = import_assessments(actor=setup["actor"], upload=xlsx(again))
    assert (result.created, result.updated) == (1, 1)
    assert Assessment.objects.count() == 3
    first = Assessment.objects.get(competency__code="ПЗ-1", assessed_on=date(2026, 10, 1))
    assert (first.score, first.is_deficit) == (Decimal("70.00"), False)


def test_csv_in_windows_1251_with_snils_instead_of_the_date_of_birth(setup):
    secretary = setup["secretary"]
    upload = csv_file(
        [
            "ФИО;СНИЛС;Код компетенции;Балл;Дефицит;Дата оценки",
            f"{secretary.full_name};{secretary.snils_display};ПЗ-1;12,5;Да;2026-09-15",
            f"{secretary.full_name};{secretary.snils};МК-2;;нет;15.09.2026",
        ],
        encoding="cp1251",
    )
    result = import_assessments(actor=setup["actor"], upload=upload)
    assert result.created == 2
    scores = dict(Assessment.objects.values_list("competency__code", "score"))
    assert scores == {"ПЗ-1": Decimal("12.50"), "МК-2": None}


def test_every_problem_is_listed_with_row_column_and_value_and_nothing_is_written(setup):
    teacher = setup["teacher"]
    rows = [
        *setup["good_rows"],
        ["Никто Никтович Никтоев", date(1990, 1, 1), "ПЗ-1", 10, "да", date(2026, 10, 1)],
        [teacher.full_name, teacher.birth_date, "НЕТ-ТАКОЙ", "много", "может", "31.02.2026"],
    ]
    with pytest.raises(ValidationError) as error:
        import_assessments(actor=setup["actor"], upload=xlsx(rows))
    found = [(p.code, p.params["row"], p.params["value"]) for p in error.value.error_list]
    assert found == [
        ("unknown_person", 4, "Никто Никтович Никтоев"),
        ("unknown_competency", 5, "НЕТ-ТАКОЙ"),
        ("bad_score", 5, "много"),
        ("bad_yes_no", 5, "может"),
        ("bad_date", 5, "31.02.2026"),
    ]
    assert nothing_written()


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        (3, -1, "bad_score"),
        (3, 1000, "bad_score"),
        (3, "1.234", "bad_score"),
        (4, "", "bad_yes_no"),
        (5, date(2026, 11, 26), "bad_date"),
        (5, "", "bad_date"),
        (1, "1990-13-01", "bad_date"),
        (2, "", "unknown_competency"),
    ],
)
def test_each_bad_value_is_refused(setup, column, value, code):
    row = list(setup["good_rows"][0])
    row[column] = value
    with pytest.raises(ValidationError) as error:
        import_assessments(actor=setup["actor"], upload=xlsx([row]))
    assert codes(error) == [code]
    assert error.value.error_list[0].params["row"] == 2
    assert nothing_written()


def test_two_employees_with_one_name_and_birth_date_are_ambiguous(region, setup):
    teacher = setup["teacher"]
    add_staff_member(
        actor=SYSTEM,
        unit=region.other_school,
        person_fields={
            "last_name": teacher.last_name,
            "first_name": teacher.first_name,
            "middle_name": teacher.middle_name,
            "birth_date": teacher.birth_date,
        },
        login="namesake",
        password=PASSWORD,
        must_change_password=False,
        roles=[OrgRole.TEACHER],
        confirm_namesake=True,
    )
    with pytest.raises(ValidationError) as error:
        import_assessments(actor=setup["actor"], upload=xlsx(setup["good_rows"][:1]))
    assert codes(error) == ["ambiguous_person"]
    assert nothing_written()


def test_people_of_another_region_are_not_found(setup):
    region = Region.objects.create(name="Соседняя область", code="98")
    municipality = Municipality.objects.create(region=region, name="Город")
    authority = Authority.objects.create(
        region=region, level=Authority.Level.REGION, short_name="М", full_name="Министерство"
    )
    school = Organization.objects.create(
        region=region,
        municipality=municipality,
        authority=authority,
        kind=Organization.Kind.SCHOOL,
        short_name="Школа",
        full_name="Школа соседей",
    )
    stranger = add_staff_member(
        actor=SYSTEM,
        unit=school,
        person_fields={
            "last_name": "Чужой",
            "first_name": "Пётр",
            "middle_name": "Петрович",
            "birth_date": date(1975, 3, 3),
        },
        login="stranger",
        password=PASSWORD,
        must_change_password=False,
        roles=[OrgRole.TEACHER],
    ).person
    row = [stranger.full_name, stranger.birth_date, "ПЗ-1", 40, "да", date(2026, 10, 1)]
    with pytest.raises(ValidationError) as error:
        import_assessments(actor=setup["actor"], upload=xlsx([row]))
    assert codes(error) == ["unknown_person"]


def test_a_snils_of_somebody_else_is_an_unknown_person(setup):
    upload = csv_file(
        [
            "ФИО,СНИЛС,Код компетенции,Балл,Дефицит,Дата оценки",
            f"{setup['teacher'].full_name},{setup['secretary'].snils},ПЗ-1,5,да,01.10.2026",
        ]
    )
    with pytest.raises(ValidationError) as error:
        import_assessments(actor=setup["actor"], upload=upload)
    assert codes(error) == ["unknown_person"]


def test_the_same_result_twice_in_a_file_is_refused(setup):
    row = setup["good_rows"][0]
    with pytest.raises(ValidationError) as error:
        import_assessments(actor=setup["actor"], upload=xlsx([row, row]))
    assert codes(error) == ["duplicate_row"]
    assert nothing_written()


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("results.txt", b"some text"), "wrong_type"),
        (SimpleUploadedFile("results.csv", b""), "empty_file"),
        (SimpleUploadedFile("results.csv", b"\n\n"), "empty_file"),
        (SimpleUploadedFile("results.xlsx", b"not a workbook"), "not_xlsx"),
        (csv_file(["ФИО;Дата рождения;Код компетенции;Балл;Дефицит;Дата оценки"]), "empty_file"),
    ],
)
def test_unreadable_files_are_refused(setup, upload, code):
    with pytest.raises(ValidationError) as error:
        import_assessments(actor=setup["actor"], upload=upload)
    assert codes(error) == [code]
    assert nothing_written()


def test_missing_columns_are_each_named(setup):
    upload = xlsx([["Иванов", "ПЗ-1"]], header=["ФИО", "Код компетенции"])
    with pytest.raises(ValidationError) as error:
        import_assessments(actor=setup["actor"], upload=upload)
    assert codes(error) == ["missing_column"] * 4
    assert nothing_written()


def test_only_dpo_staff_may_import(region, setup):
    with pytest.raises(PermissionDenied):
        import_assessments(actor=region.member("admin"), upload=xlsx(setup["good_rows"]))
    assert nothing_written()


def test_import_page_loads_a_good_file(client, setup):
    login_member(client, setup["actor"])
    url = reverse("dpo:assessments-import")
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": xlsx(setup["good_rows"])})
    assert response.status_code == 302
    assert Assessment.objects.count() == 2


def test_import_page_lists_the_problems_of_a_bad_file(client, setup):
    login_member(client, setup["actor"])
    rows = [[*setup["good_rows"][0][:3], "плохо", "да", date(2026, 10, 1)]]
    response = client.post(reverse("dpo:assessments-import"), {"file": xlsx(rows)})
    assert response.status_code == 400
    content = response.content.decode()
    assert content.count('data-testid="import-problem"') == 1
    assert "плохо" in content
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    "persona", ["teacher", "director", "admin", "student", "parent", "regional_admin"]
)
def test_import_page_is_404_for_everybody_but_dpo_staff(client, region, school, setup, persona):
    region.login(client, persona)
    url = reverse("dpo:assessments-import")
    assert client.get(url).status_code == 404
    assert client.post(url, {"file": xlsx(setup["good_rows"])}).status_code == 404
    assert not Assessment.objects.exists()


def test_dpo_staff_sees_the_import_link_on_the_dashboard(client, region, setup):
    login_member(client, setup["actor"])
    assert 'data-testid="import-link"' in client.get(reverse("dpo:dashboard")).content.decode()
    region.login(client, "teacher")
    assert 'data-testid="import-link"' not in client.get(reverse("dpo:dashboard")).content.decode()


def test_anonymous_visitor_is_sent_to_login(client, setup):
    response = client.get(reverse("dpo:assessments-import"))
    assert response.status_code == 302
