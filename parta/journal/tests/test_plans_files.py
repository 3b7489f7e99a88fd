import csv
import os
import shutil
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from parta.core.models import AuditEntry
from parta.journal.models import LessonPlan
from parta.journal.plan_files import PlanRow, read_plan, whole_number, write_plan
from parta.journal.services.plans import create_plan, import_plan_items, save_plan_items

HEADER = ["№", "Тема урока", "Часы", "Домашнее задание"]


def workbook_file(rows: list[list], name: str = "plan.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def items_of(plan: LessonPlan) -> list[tuple]:
    return list(plan.items.order_by("number").values_list("number", "topic", "hours", "homework"))


@pytest.fixture
def teacher(region, school):
    return region.member("teacher")


@pytest.fixture
def math_plan(region, school, teacher) -> LessonPlan:
    plan = create_plan(
        actor=teacher, year=school.year, subject=region.subjects["Математика"], grade=5
    )
    save_plan_items(
        actor=teacher,
        plan=plan,
        rows=[
            PlanRow(line=1, number=1, topic="Было", hours=1),
            PlanRow(line=2, number=2, topic="Было тоже", hours=2, homework="§9"),
        ],
    )
    return plan


# --- reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number"),
    [(3, 3), (3.0, 3), ("3", 3), (" 3 ", 3), ("3,0", 3), ("3.", 3), (2.5, None), ("два", None)],
)
def test_whole_numbers_are_read_from_numbers_and_text(value, number):
    assert whole_number(value) == number


def test_the_header_may_be_on_the_first_row():
    rows = read_plan(workbook_file([HEADER, [1, "Числа", 2, "§1"], [2, "Сложение", 1, None]]))

    assert [(row.line, row.number, row.topic, row.hours, row.homework) for row in rows] == [
        (2, 1, "Числа", 2, "§1"),
        (3, 2, "Сложение", 1, ""),
    ]


def test_the_header_may_be_on_the_second_row_under_a_title():
    rows = read_plan(workbook_file([["Математика, 5 класс"], HEADER, [1, "Числа", 1, None]]))

    assert [(row.line, row.topic) for row in rows] == [(3, "Числа")]


def test_text_numbers_empty_hours_and_trailing_empty_rows_are_accepted():
    rows = read_plan(
        workbook_file(
            [
                HEADER,
                ["1", "Числа", "2", ""],
                ["2", "Сложение", None, "§2"],
                [None, None, None, None],
                [None, "  ", None, None],
            ]
        )
    )

    assert [(row.number, row.topic, row.hours, row.homework) for row in rows] == [
        (1, "Числа", 2, ""),
        (2, "Сложение", 1, "§2"),
    ]


def test_columns_are_found_by_their_names_in_any_order():
    rows = read_plan(workbook_file([["Домашнее задание", "Часы", "Тема"], ["§1", 3, "Дроби"]]))

    assert [(row.number, row.topic, row.hours, row.homework) for row in rows] == [
        (None, "Дроби", 3, "§1")
    ]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("plan.csv", "№;Тема\n1;Числа\n".encode(), "wrong_type"),
        ("plan.xls", b"\xd0\xcf\x11\xe0 old excel", "wrong_type"),
        ("plan.xlsx", b"", "empty_file"),
        ("plan.xlsx", "это не таблица".encode(), "not_xlsx"),
    ],
)
def test_files_that_are_not_xlsx_workbooks_are_refused(name, content, code):
    with pytest.raises(ValidationError) as error:
        read_plan(SimpleUploadedFile(name, content))

    assert error.value.code == code


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")

    with pytest.raises(ValidationError) as error:
        read_plan(SimpleUploadedFile("plan.xlsx", buffer.getvalue()))

    assert error.value.code == "not_xlsx"


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ([], "empty_file"),
        ([["Математика"], ["Числа", 1], ["Сложение", 1]], "no_header"),
        ([["Просто текст"]], "no_header"),
        ([["Математика"], HEADER, [None, None, None, None]], "no_topics"),
    ],
)
def test_workbooks_without_a_header_or_topics_are_refused(rows, code):
    with pytest.raises(ValidationError) as error:
        read_plan(workbook_file(rows))

    assert error.value.code == code


# --- writing and importing -----------------------------------------------------------------------


def test_the_export_has_a_title_row_and_the_four_columns(math_plan):
    content = write_plan(title="Математика, 5", items=math_plan.items.order_by("number"))

    sheet = load_workbook(BytesIO(content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Математика, 5"
    assert len(values[1]) == 4
    assert values[2:] == [[1, "Было", 1, None], [2, "Было тоже", 2, "§9"]]


def test_an_exported_plan_imports_back_unchanged(teacher, math_plan):
    save_plan_items(
        actor=teacher,
        plan=math_plan,
        rows=[
            PlanRow(line=1, number=1, topic="Натуральные числа", hours=3, homework="§1, № 1–5"),
            PlanRow(line=2, number=2, topic="Сложение «в столбик»", hours=1),
            PlanRow(line=3, number=3, topic="Контрольная работа № 1", hours=2, homework="—"),
        ],
    )
    exported = items_of(math_plan)
    content = write_plan(title="КТП", items=math_plan.items.order_by("number"))
    save_plan_items(actor=teacher, plan=math_plan, rows=[PlanRow(line=1, number=1, topic="X")])

    import_plan_items(
        actor=teacher, plan=math_plan, upload=SimpleUploadedFile("plan.xlsx", content)
    )

    assert items_of(math_plan) == exported
    entry = AuditEntry.objects.filter(action="journal.plan_imported").get()
    assert entry.after == {"plan_topics": 3, "plan_hours": 6}


def test_a_bad_row_imports_nothing_and_names_the_spreadsheet_row(teacher, math_plan):
    before = items_of(math_plan)
    audit_count = AuditEntry.objects.count()
    upload = workbook_file(
        [
            ["Математика, 5 класс"],
            HEADER,
            [1, "Числа", 1, None],
            [2, "Сложение", 1, None],
            [3, "Вычитание", 1, None],
            [4, "Умножение", 1, None],
            [5, None, 2, "§5"],
            [6, "Деление", "много", None],
        ]
    )

    with pytest.raises(ValidationError) as error:
        import_plan_items(actor=teacher, plan=math_plan, upload=upload)

    found = [(item.code, item.params["row"]) for item in error.value.error_list]
    assert found == [("topic_missing", 7), ("hours_invalid", 8)]
    assert items_of(math_plan) == before
    assert AuditEntry.objects.count() == audit_count


def test_a_broken_file_imports_nothing(teacher, math_plan):
    before = items_of(math_plan)

    with pytest.raises(ValidationError):
        import_plan_items(
            actor=teacher, plan=math_plan, upload=SimpleUploadedFile("plan.xlsx", b"PK\x03\x04")
        )

    assert items_of(math_plan) == before


# --- a workbook written by LibreOffice -----------------------------------------------------------


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def libreoffice_xlsx(rows: list[list[str]], directory: Path) -> bytes:
    """Rows written as a UTF-8 CSV and converted to .xlsx by LibreOffice Calc."""
    source = directory / "ктп.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{directory}/lo-profile",
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(directory),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (directory / "ктп.xlsx").read_bytes()


def test_a_workbook_saved_by_libreoffice_imports(teacher, math_plan, tmp_path):
    content = libreoffice_xlsx(
        [
            ["Математика, 5 класс, 2026/2027", "", "", ""],
            HEADER,
            ["1", "Натуральные числа и шкалы", "2", "§1, № 12"],
            ["2", "Сложение и вычитание «в столбик»", "", ""],
            ["3", "Ёмкость, объём; единицы измерения", "1", "Выучить таблицу"],
        ],
        tmp_path,
    )

    import_plan_items(actor=teacher, plan=math_plan, upload=SimpleUploadedFile("ктп.xlsx", content))

    assert items_of(math_plan) == [
        (1, "Натуральные числа и шкалы", 2, "§1, № 12"),
        (2, "Сложение и вычитание «в столбик»", 1, ""),
        (3, "Ёмкость, объём; единицы измерения", 1, "Выучить таблицу"),
    ]
