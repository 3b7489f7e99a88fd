"""Files saved by LibreOffice Calc import like files saved by Excel.

The committed files under files/ were written by LibreOffice, so that the reader is tested where
soffice is missing; write them again with
`.venv/bin/python manage.py shell -c "from parta.exchange.tests.test_batch_libreoffice import
make_fixture_files; make_fixture_files()"`. The live tests round-trip an export through soffice.
"""

import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from xlrd.compdoc import CompDoc

from parta.exchange.batch.fields import GUARDIANS_SHEET, STUDENTS_SHEET, FieldList
from parta.exchange.batch.writers import FileFormat
from parta.exchange.models import ImportRun
from parta.exchange.tests.batch_files import exported, read, set_cell, upload, write
from parta.students.models import Student

FILES = Path(__file__).parent / "files"
SOFFICE = shutil.which("soffice")
FILTERS = {"xls": "xls:MS Excel 97", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
S = STUDENTS_SHEET
G = GUARDIANS_SHEET

needs_soffice = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="soffice is missing: run scripts/install-test-tools",
)


def convert(source: Path, target: str, infilter: str = "") -> bytes:
    """The file converted by LibreOffice headless, in its own profile (one per process)."""
    if SOFFICE is None:
        pytest.fail("soffice is missing: run scripts/install-test-tools")
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as out:
        command = [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            FILTERS.get(target, target),
            "--outdir",
            out,
            str(source),
        ]
        if infilter:
            command[3:3] = [f"--infilter={infilter}"]
        subprocess.run(command, check=True, capture_output=True, timeout=180)
        return next(Path(out).iterdir()).read_bytes()


def convert_bytes(content: bytes, suffix: str, target: str) -> bytes:
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / f"Ученики.{suffix}"
        source.write_bytes(content)
        return convert(source, target)


def new_students_workbook() -> bytes:
    """Two new students, one with a parent, as a secretary would type them into the export."""
    headers = [
        "ID", "Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Класс", "СНИЛС",
        "Телефон", "Эл. почта", "Адрес регистрации", "Адрес проживания",
    ]  # fmt: skip
    guardian_headers = [
        "ID", "ID ученика", "ФИО ученика", "Дата рождения ученика", "Кем приходится",
        "Фамилия", "Имя", "Отчество", "Дата рождения", "Телефон", "Эл. почта", "СНИЛС",
    ]  # fmt: skip
    students = [
        headers,
        ["", "Ёлкина", "Юлия", "Петровна", date(2015, 6, 1), "Женский", "5А", "",
         "+7 (914) 000-11-22", "", "г. Елизово, ул. Лесная, д. 3", ""],
        ["", "Щукин", "Эдуард", "", "07.07.2015", "Мужской", "", "", "", "", "", ""],
    ]  # fmt: skip
    guardians = [
        guardian_headers,
        ["", "", "Ёлкина Юлия Петровна", date(2015, 6, 1), "Мать", "Ёлкина", "Мария",
         "Ивановна", date(1990, 2, 3), "89140001122", "elkina@example.ru", ""],
    ]  # fmt: skip
    return write({S: students, G: guardians}, FileFormat.XLS)


def make_fixture_files() -> None:
    """Write files/libreoffice_new_students.{xls,xlsx} through LibreOffice."""
    source = new_students_workbook()
    for target in ("xls", "xlsx"):
        (FILES / f"libreoffice_new_students.{target}").write_bytes(
            convert_bytes(source, "xls", target)
        )


@pytest.mark.parametrize("suffix", ["xls", "xlsx"])
def test_committed_libreoffice_files_add_students(client, region, school, today, suffix):
    content = (FILES / f"libreoffice_new_students.{suffix}").read_bytes()
    if suffix == "xlsx":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            assert b"LibreOffice" in archive.read("docProps/app.xml")
    else:  # xlwt writes no summary streams; LibreOffice (and Excel) do
        names = [entry.name for entry in CompDoc(content, logfile=io.StringIO()).dirlist]
        assert "\x05SummaryInformation" in names
    region.login(client, "secretary")
    upload(client, content, f"new.{suffix}", school_class=school.class_5a.pk)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.CHECKED, run.report["problems"]
    assert [a["name"] for a in run.report["additions"]] == [
        "Ёлкина Юлия Петровна",
        "Щукин Эдуард",
        "Ёлкина Мария Ивановна",
    ]
    client.post(reverse("exchange:batch-apply", args=[run.pk]))
    yulia = Student.objects.get(person__last_name="Ёлкина")
    assert yulia.person.birth_date == date(2015, 6, 1)
    assert yulia.person.phone == "+7 (914) 000-11-22"
    assert yulia.enrolments.get().school_class == school.class_5a
    assert yulia.guardianships.get().guardian.phone == "89140001122"
    assert not Student.objects.get(person__last_name="Щукин").enrolments.exists()


@needs_soffice
@pytest.mark.parametrize(("exported_as", "saved_as"), [("xlsx", "xls"), ("xls", "xlsx")])
def test_export_edited_and_saved_by_libreoffice_imports(
    client, region, school, exported_as, saved_as
):
    secretary = region.login(client, "secretary")
    anna = school.students["student"]
    sheets = read(
        exported(
            secretary,
            school_class=school.class_5a,
            file_format=exported_as,
            guardian_fields=FieldList.SHORT,
        )
    )
    set_cell(sheets, S, anna.pk, "Телефон", "+7 900 123-45-67")
    set_cell(sheets, S, anna.pk, "Адрес проживания", "ул. Ключевская, д. 10, кв. 2")
    content = convert_bytes(write(sheets, exported_as), exported_as, saved_as)

    upload(client, content, f"5А.{saved_as}", school_class=school.class_5a.pk)

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.CHECKED, run.report["problems"]
    assert {c["column"] for c in run.report["changes"]} == {"Телефон", "Адрес проживания"}, (
        run.report["changes"]
    )
    client.post(reverse("exchange:batch-apply", args=[run.pk]))
    anna.refresh_from_db()
    assert anna.residence_address == "ул. Ключевская, д. 10, кв. 2"


@needs_soffice
def test_csv_typed_in_cyrillic_converted_by_libreoffice_reads_back(client, region, school):
    """CSV → .xls needs the UTF-8 import filter, or Cyrillic breaks (DESIGN.md)."""
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "Ученики.csv"
        source.write_text(
            "ID,Фамилия,Имя,Отчество,Дата рождения,Пол,Класс,СНИЛС,Телефон,Эл. почта,"
            "Адрес регистрации,Адрес проживания\n"
            ",Жуков,Георгий,Юрьевич,02.03.2015,Мужской,5Б,,,,,\n",
            encoding="utf-8",
        )
        content = convert(source, "xls", infilter="CSV:44,34,76,1")
    region.login(client, "secretary")
    upload(client, content, "csv.xls")
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.CHECKED, run.report["problems"]
    assert run.report["additions"][0]["name"] == "Жуков Георгий Юрьевич"
    assert run.report["additions"][0]["detail"] == "5Б"
