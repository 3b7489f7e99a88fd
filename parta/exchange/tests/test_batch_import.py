"""«2. Обновление данных»: a whole file is checked first; a correct one shows a dry run and is
applied in one transaction, audited; any problem lists every problem and writes nothing."""

import io
import zipfile
from datetime import date

import openpyxl
import pytest
import xlwt
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import valid_snils
from parta.exchange.batch.fields import GUARDIANS_SHEET, STUDENTS_SHEET
from parta.exchange.batch.writers import FileFormat
from parta.exchange.models import ImportRun
from parta.exchange.tests.batch_files import add_row, cell, exported, read, set_cell, upload, write
from parta.identity.models import Person
from parta.students.models import ClassEnrolment, Guardianship, Student

S = STUDENTS_SHEET
G = GUARDIANS_SHEET


@pytest.fixture
def secretary(client, region, school):
    return region.login(client, "secretary")


def snapshot() -> tuple:
    """Everything an import could write."""
    return (
        list(Person.objects.order_by("pk").values()),
        list(Student.objects.order_by("pk").values()),
        list(Guardianship.objects.order_by("pk").values()),
        list(ClassEnrolment.objects.order_by("pk").values()),
    )


def class_5a_sheets(member, school, file_format=FileFormat.XLS):
    return read(exported(member, school_class=school.class_5a, file_format=file_format))


def post(client, school, content, name="ученики.xls"):
    return upload(client, content, name, school_class=school.class_5a.pk)


def codes(run: ImportRun) -> list[str]:
    return [problem["code"] for problem in run.report["problems"]]


@pytest.mark.parametrize("file_format", [FileFormat.XLS, FileFormat.XLSX])
def test_edited_file_shows_a_dry_run_then_applies_in_one_go_with_audit(
    client, school, secretary, file_format
):
    anna = school.students["student"]
    mother = Guardianship.objects.get(student=anna)
    sheets = class_5a_sheets(secretary, school, file_format)
    set_cell(sheets, S, anna.pk, "Телефон", "+7 900 111-22-33")
    set_cell(sheets, S, anna.pk, "Адрес проживания", "г. Петропавловск-Камчатский, ул. Ленина, 1")
    set_cell(sheets, S, anna.pk, "СНИЛС", valid_snils(123456789))
    set_cell(sheets, G, mother.pk, "Эл. почта", "olga@example.ru")
    set_cell(sheets, G, mother.pk, "Кем приходится", "Опекун")
    before = snapshot()

    response = post(client, school, write(sheets, file_format), f"5А.{file_format}")

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.CHECKED and run.file
    assert snapshot() == before
    page = response.content.decode()
    assert 'data-testid="batch-dry-run"' in page and page.count('data-testid="change"') == 5
    assert {(c["column"], c["old"], c["new"]) for c in run.report["changes"]} >= {
        ("Телефон", "", "+7 900 111-22-33"),
        ("Кем приходится", "Мать", "Опекун"),
    }

    client.post(reverse("exchange:batch-apply", args=[run.pk]))

    run.refresh_from_db()
    anna.refresh_from_db()
    anna.person.refresh_from_db()
    mother.refresh_from_db()
    mother.guardian.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED and run.applied_at and not run.file
    assert anna.person.phone == "+7 900 111-22-33"
    assert anna.residence_address.startswith("г. Петропавловск-Камчатский")
    assert anna.person.snils == valid_snils(123456789)
    assert mother.guardian.email == "olga@example.ru" and mother.relation == "guardian"
    entry = AuditEntry.objects.get(action="students.card_batch_updated")
    assert entry.target_id == anna.pk and entry.before["phone"] == ""
    assert entry.after["phone"] == "+7 900 111-22-33"
    assert AuditEntry.objects.filter(action="students.guardian_batch_updated").count() == 1


def test_unchanged_export_changes_nothing(client, school, secretary):
    response = post(client, school, exported(secretary, school_class=school.class_5a))
    assert 'data-testid="batch-nothing"' in response.content.decode()
    assert 'data-testid="batch-apply"' not in response.content.decode()


def test_a_run_is_applied_once(client, school, secretary):
    sheets = class_5a_sheets(secretary, school)
    set_cell(sheets, S, school.students["pupil_2"].pk, "Телефон", "+79001112233")
    post(client, school, write(sheets))
    run = ImportRun.objects.get()
    client.post(reverse("exchange:batch-apply", args=[run.pk]))
    count = AuditEntry.objects.count()
    client.post(reverse("exchange:batch-apply", args=[run.pk]))
    assert AuditEntry.objects.count() == count


def test_rows_without_id_add_students_into_the_named_class_and_their_parents(
    client, school, secretary, today
):
    sheets = class_5a_sheets(secretary, school)
    add_row(
        sheets,
        S,
        {
            "Фамилия": "Дмитриев",
            "Имя": "Денис",
            "Отчество": "",
            "Дата рождения": "03.04.2015",
            "Пол": "М" if False else "Мужской",
            "Класс": "5 А",
            "СНИЛС": valid_snils(223344556),
        },
    )
    add_row(
        sheets,
        G,
        {
            "ФИО ученика": "Дмитриев Денис",
            "Дата рождения ученика": date(2015, 4, 3),
            "Кем приходится": "отец",
            "Фамилия": "Дмитриев",
            "Имя": "Дмитрий",
            "Отчество": "Петрович",
            "Телефон": "+79005556677",
        },
    )
    add_row(
        sheets,
        G,
        {
            "ID ученика": school.students["pupil_3"].pk,
            "ФИО ученика": "Васильева Вера Олеговна",
            "Дата рождения ученика": "10.03.2015",
            "Кем приходится": "Мать",
            "Фамилия": "Васильева",
            "Имя": "Валентина",
            "Отчество": "Ивановна",
        },
    )
    post(client, school, write(sheets))
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.CHECKED, run.report
    assert len(run.report["additions"]) == 3

    client.post(reverse("exchange:batch-apply", args=[run.pk]))

    new = Student.objects.get(person__last_name="Дмитриев")
    assert new.person.has_no_middle_name and new.person.snils == valid_snils(223344556)
    enrolment = new.enrolments.get()
    assert enrolment.school_class == school.class_5a and enrolment.starts_on == today
    assert new.guardianships.get().guardian.first_name == "Дмитрий"
    assert school.students["pupil_3"].guardianships.get().relation == "mother"


def broken(school, secretary, change) -> bytes:
    sheets = class_5a_sheets(secretary, school)
    change(sheets, school)
    return write(sheets)


def rename_header(sheets, school):
    sheets[S][0][sheets[S][0].index("Телефон")] = "Мобильный"


def drop_header(sheets, school):
    index = sheets[S][0].index("Имя")
    for row in sheets[S]:
        del row[index]


def change_name(sheets, school):
    set_cell(sheets, S, school.students["student"].pk, "Фамилия", "Петрова")


def change_birth_date(sheets, school):
    set_cell(sheets, S, school.students["student"].pk, "Дата рождения", "11.01.2015")


def wrong_date(sheets, school):
    set_cell(sheets, S, school.students["student"].pk, "Дата выдачи паспорта", "2015-01-10")


def unknown_class(sheets, school):
    add_row(
        sheets, S, {"Фамилия": "Новиков", "Имя": "Ян", "Дата рождения": "01.01.2015", "Класс": "5Я"}
    )


def move_class(sheets, school):
    set_cell(sheets, S, school.students["student"].pk, "Класс", "5Б")


def bad_snils(sheets, school):
    set_cell(sheets, S, school.students["student"].pk, "СНИЛС", "112-233-445 00")


def short_snils(sheets, school):
    set_cell(sheets, S, school.students["student"].pk, "СНИЛС", "12345")


def bad_sex(sheets, school):
    set_cell(sheets, S, school.students["student"].pk, "Пол", "Средний")


def long_text(sheets, school):
    set_cell(sheets, S, school.students["student"].pk, "Телефон", "1" * 31)


def bad_email(sheets, school):
    set_cell(sheets, S, school.students["student"].pk, "Эл. почта", "not an address")


def unknown_id(sheets, school):
    set_cell(sheets, S, school.students["student"].pk, "ID", 999999)


def outside_scope(sheets, school):
    add_row(
        sheets,
        S,
        {"ID": school.students["pupil_5b"].pk, "Фамилия": "Алексеев", "Имя": "Антон"},
    )


def duplicate_new_student(sheets, school):
    add_row(
        sheets,
        S,
        {
            "Фамилия": "Борисов",
            "Имя": "Борис",
            "Отчество": "Андреевич",
            "Дата рождения": "10.02.2015",
        },
    )


def taken_snils(sheets, school):
    mother = Guardianship.objects.get(student=school.students["student"]).guardian
    mother.snils = valid_snils(555666777)
    mother.save()
    set_cell(sheets, S, school.students["pupil_2"].pk, "СНИЛС", valid_snils(555666777))


def same_snils_twice(sheets, school):
    set_cell(sheets, S, school.students["student"].pk, "СНИЛС", valid_snils(100200300))
    set_cell(sheets, S, school.students["pupil_2"].pk, "СНИЛС", valid_snils(100200300))


def changed_guardian_student(sheets, school):
    mother = Guardianship.objects.get(student=school.students["student"])
    set_cell(sheets, G, mother.pk, "ФИО ученика", "Иванова Анна Сергеевна")


def missing_sheet(sheets, school):
    sheets["Лист1"] = sheets.pop(S)


def repeated_row(sheets, school):
    sheets[S].append(list(sheets[S][1]))


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (rename_header, "unknown_header"),
        (rename_header, "missing_header"),
        (drop_header, "missing_header"),
        (change_name, "identity_changed"),
        (change_birth_date, "identity_changed"),
        (wrong_date, "bad_date"),
        (unknown_class, "unknown_class"),
        (move_class, "class_read_only"),
        (bad_snils, "snils_checksum"),
        (short_snils, "snils_format"),
        (bad_sex, "bad_choice"),
        (long_text, "max_length"),
        (bad_email, "invalid"),
        (unknown_id, "unknown_id"),
        (outside_scope, "outside_scope"),
        (duplicate_new_student, "possible_duplicate"),
        (taken_snils, "snils_taken"),
        (same_snils_twice, "snils_taken"),
        (changed_guardian_student, "identity_changed"),
        (missing_sheet, "missing_sheet"),
        (missing_sheet, "unknown_sheet"),
        (repeated_row, "duplicate_id"),
    ],
)
def test_a_bad_row_refuses_the_whole_file_and_writes_nothing(
    client, school, secretary, change, code
):
    sheets = class_5a_sheets(secretary, school)
    change(sheets, school)
    # A correct change in the same file is not applied either.
    if S in sheets:
        set_cell(sheets, S, school.students["pupil_3"].pk, "Адрес регистрации", "ул. Новая, 5")
    before = snapshot()

    response = post(client, school, write(sheets))

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REFUSED and not run.file
    assert code in codes(run)
    problem = next(p for p in run.report["problems"] if p["code"] == code)
    assert problem["message"]
    page = response.content.decode()
    assert 'data-testid="batch-diagnostics"' in page and f'data-code="{code}"' in page
    assert 'data-testid="batch-apply"' not in page
    assert snapshot() == before


def test_every_problem_is_listed_with_its_row_and_column(client, school, secretary):
    sheets = class_5a_sheets(secretary, school)
    set_cell(sheets, S, school.students["student"].pk, "Фамилия", "Петрова")
    set_cell(sheets, S, school.students["pupil_2"].pk, "СНИЛС", "112-233-445 00")
    set_cell(sheets, S, school.students["pupil_3"].pk, "Дата выдачи паспорта", "31.02.2020")
    post(client, school, write(sheets))
    problems = ImportRun.objects.get().report["problems"]
    assert [(p["row"], p["column"], p["code"]) for p in problems] == [
        (2, "Фамилия", "identity_changed"),
        (3, "СНИЛС", "snils_checksum"),
        (4, "Дата выдачи паспорта", "bad_date"),
    ]
    assert problems[0]["value"] == "Петрова"


def xls_with_formula(school, secretary) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheets = class_5a_sheets(secretary, school)
    page = book.add_sheet(S)
    for r, row in enumerate(sheets[S]):
        for c, value in enumerate(row):
            if value != "" and not isinstance(value, date):
                page.write(r, c, value)
    page.write(1, sheets[S][0].index("Телефон"), xlwt.Formula('"8"&"900"'))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_with_formula(school, secretary) -> bytes:
    book = openpyxl.load_workbook(
        io.BytesIO(exported(secretary, school_class=school.class_5a, file_format=FileFormat.XLSX))
    )
    book[S]["I2"] = '=HYPERLINK("http://example.com")'
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_with_vba(school, secretary) -> bytes:
    content = exported(secretary, school_class=school.class_5a, file_format=FileFormat.XLSX)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really VBA")
    return out.getvalue()


def xls_with_vba(school, secretary) -> bytes:
    """An .xls whose compound document has a «_VBA_PROJECT_CUR» storage, as Excel saves macros."""
    content = bytearray(exported(secretary, school_class=school.class_5a))
    root = content.index("Root Entry".encode("utf-16-le"))
    entry = root + 2 * 128  # the first unused directory entry
    name = "_VBA_PROJECT_CUR".encode("utf-16-le") + b"\x00\x00"
    content[entry : entry + 64] = name.ljust(64, b"\x00")
    content[entry + 64 : entry + 66] = len(name).to_bytes(2, "little")
    content[entry + 66] = 1  # a storage
    return bytes(content)


@pytest.mark.parametrize(
    ("make", "name", "code"),
    [
        (lambda school, secretary: b"", "empty.xls", "empty_file"),
        (lambda school, secretary: "ФИО;Класс\n".encode() * 10, "ученики.xls", "wrong_type"),
        (lambda school, secretary: b"%PDF-1.4 not a workbook", "ученики.xlsx", "wrong_type"),
        (lambda school, secretary: exported(secretary)[:3000], "ученики.xls", "corrupt_file"),
        (xls_with_formula, "ученики.xls", "formula"),
        (xlsx_with_formula, "ученики.xlsx", "formula"),
        (xlsx_with_vba, "ученики.xlsm", "macro"),
        (xls_with_vba, "ученики.xls", "macro"),
        (
            lambda school, secretary: write({S: [["ID", "Фамилия"]]}),
            "ученики.xls",
            "missing_header",
        ),
    ],
)
def test_files_that_are_not_plain_workbooks_are_refused(
    client, school, secretary, make, name, code
):
    before = snapshot()
    response = post(client, school, make(school, secretary), name)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REFUSED
    assert code in codes(run), run.report
    assert f'data-code="{code}"' in response.content.decode()
    assert snapshot() == before


def test_a_formula_is_reported_at_its_cell(client, school, secretary):
    post(client, school, xlsx_with_formula(school, secretary), "5А.xlsx")
    problem = ImportRun.objects.get().report["problems"][0]
    assert (problem["sheet"], problem["row"], problem["column"]) == (S, 2, "I2")


def test_header_only_file_has_no_rows(client, school, secretary):
    sheets = class_5a_sheets(secretary, school)
    sheets[S] = sheets[S][:1]
    sheets[G] = sheets[G][:1]
    post(client, school, write(sheets))
    assert codes(ImportRun.objects.get()) == ["no_rows"]


def test_a_50_mb_upload_is_refused_before_it_is_read(client, school, secretary, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr("parta.exchange.batch.services.open_workbook", must_not_run)
    content = exported(secretary, school_class=school.class_5a)
    big = content + b"\x00" * (50 * 1024 * 1024)

    response = post(client, school, big)

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REFUSED and codes(run) == ["too_large"]
    assert 'data-code="too_large"' in response.content.decode()


def test_the_upload_handler_keeps_nothing_past_the_limit(rf):
    from django.core.files.uploadhandler import StopUpload

    from parta.exchange.views.batch import SizeLimitUploadHandler

    handler = SizeLimitUploadHandler(rf.post("/"), limit=10)
    handler.handle_raw_input(None, {}, 100, b"")
    assert not handler.exceeded
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"123456", 5)
    assert handler.exceeded


def test_detection_is_by_content_not_by_name(client, school, secretary):
    sheets = class_5a_sheets(secretary, school)
    set_cell(sheets, S, school.students["student"].pk, "Телефон", "+79001112233")
    post(client, school, write(sheets, FileFormat.XLSX), "ученики.xls")
    assert ImportRun.objects.get().status == ImportRun.Status.CHECKED


def test_the_file_is_checked_again_when_applied(client, school, secretary):
    sheets = class_5a_sheets(secretary, school)
    set_cell(sheets, S, school.students["pupil_2"].pk, "СНИЛС", valid_snils(987654321))
    post(client, school, write(sheets))
    run = ImportRun.objects.get()
    mother = Guardianship.objects.get(student=school.students["student"]).guardian
    mother.snils = valid_snils(987654321)  # taken meanwhile
    mother.save()
    before = snapshot()

    client.post(reverse("exchange:batch-apply", args=[run.pk]))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.REFUSED and "snils_taken" in codes(run)
    assert snapshot() == before


def test_values_typed_as_numbers_and_dates_as_text_are_understood(client, school, secretary):
    anna = school.students["student"]
    sheets = class_5a_sheets(secretary, school)
    set_cell(sheets, S, anna.pk, "СНИЛС", float(valid_snils(1234567)))  # leading zeros lost
    set_cell(sheets, S, anna.pk, "Номер паспорта", 12345.0)
    set_cell(sheets, S, anna.pk, "Дата выдачи свидетельства о рождении", "05.02.2015")
    set_cell(sheets, S, anna.pk, "Пол", "женский")
    post(client, school, write(sheets))
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.CHECKED, run.report
    client.post(reverse("exchange:batch-apply", args=[run.pk]))
    anna.refresh_from_db()
    anna.person.refresh_from_db()
    assert anna.person.snils == valid_snils(1234567)
    assert anna.person.passport_number == "012345"
    assert anna.birth_certificate_issued_on == date(2015, 2, 5)
    assert (
        cell(read(exported(secretary, school_class=school.class_5a)), S, anna.pk, "Пол")
        == "Женский"
    )
