"""The batch update reads, checks and applies a file a chunk of rows at a time (its memory does not
grow with the file): the result is the same as for one chunk — every problem of every chunk,
nothing written on any of them, a parent met in rows of several chunks changed once."""

from datetime import date

import pytest
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import valid_snils
from parta.exchange.batch import checks
from parta.exchange.batch.fields import GUARDIANS_SHEET, STUDENTS_SHEET
from parta.exchange.models import ImportRun
from parta.exchange.tests.batch_files import add_row, exported, read, set_cell, upload, write
from parta.exchange.tests.test_batch_import import snapshot
from parta.students.models import Guardianship, Student

S = STUDENTS_SHEET
G = GUARDIANS_SHEET


@pytest.fixture
def secretary(client, region, school):
    return region.login(client, "secretary")


@pytest.fixture
def one_row_chunks(monkeypatch):
    monkeypatch.setattr(checks, "CHUNK_ROWS", 1)


def codes_and_rows(run: ImportRun) -> list[tuple[str, int | None]]:
    return [(problem["code"], problem["row"]) for problem in run.report["problems"]]


@pytest.mark.usefixtures("one_row_chunks")
@pytest.mark.parametrize("child", ["student", "pupil_5b"])
def test_a_parent_in_rows_of_two_chunks_changes_once(client, school, secretary, today, child):
    """The parent of «student» (5А) and «pupil_5b» (5Б) has a row for each child; one row gives
    a new phone, the other keeps the old one: the new phone is applied, whichever row comes
    first, though the later chunk sees the phone the earlier one wrote."""
    sheets = read(exported(secretary))
    mother = Guardianship.objects.get(student=school.students[child])
    set_cell(sheets, G, mother.pk, "Телефон", "+79001234567")
    set_cell(sheets, S, school.students["pupil_2"].pk, "Телефон", "+79007654321")
    add_row(
        sheets,
        S,
        {"Фамилия": "Дмитриев", "Имя": "Денис", "Дата рождения": "03.04.2015", "Класс": "5А"},
    )
    add_row(
        sheets,
        G,
        {
            "ФИО ученика": "Дмитриев Денис",
            "Дата рождения ученика": date(2015, 4, 3),
            "Кем приходится": "Отец",
            "Фамилия": "Дмитриев",
            "Имя": "Дмитрий",
        },
    )

    upload(client, write(sheets))

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.CHECKED, run.report["problems"]
    assert run.report["change_count"] == 2 and run.report["addition_count"] == 2

    client.post(reverse("exchange:batch-apply", args=[run.pk]))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED, run.report["problems"]
    assert run.report["applied"] == {
        "students": 1,
        "guardians": 1,
        "new_students": 1,
        "new_guardians": 1,
    }
    mother.guardian.refresh_from_db()
    assert mother.guardian.phone == "+79001234567"
    new = Student.objects.get(person__last_name="Дмитриев")
    assert new.guardianships.get().guardian.first_name == "Дмитрий"
    assert new.enrolments.get().starts_on == today
    assert AuditEntry.objects.filter(action="students.guardian_batch_updated").count() == 1
    assert AuditEntry.objects.filter(action="students.card_batch_updated").count() == 1


@pytest.mark.usefixtures("one_row_chunks")
def test_two_values_for_one_parent_in_two_chunks_are_a_conflict(client, school, secretary):
    sheets = read(exported(secretary))
    for child, phone in (("student", "+79001112233"), ("pupil_5b", "+79004445566")):
        mother = Guardianship.objects.get(student=school.students[child])
        set_cell(sheets, G, mother.pk, "Телефон", phone)
    upload(client, write(sheets))
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REFUSED
    assert [code for code, _row in codes_and_rows(run)] == ["conflict"]


def test_problems_of_every_chunk_are_listed_in_the_order_of_rows(
    client, school, secretary, monkeypatch
):
    monkeypatch.setattr(checks, "CHUNK_ROWS", 2)
    sheets = read(exported(secretary, school_class=school.class_5a))
    ids = [row[0] for row in sheets[S][1:]]
    set_cell(sheets, S, ids[2], "СНИЛС", valid_snils(100200300))
    set_cell(sheets, S, ids[0], "ID", 999999)
    set_cell(sheets, S, ids[1], "СНИЛС", valid_snils(100200300))
    set_cell(sheets, S, ids[2], "Дата выдачи паспорта", "31.02.2020")
    before = snapshot()

    upload(client, write(sheets), school_class=school.class_5a.pk)

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REFUSED
    assert codes_and_rows(run) == [
        ("unknown_id", 2),
        ("bad_date", 4),
        ("snils_taken", 4),
    ]
    assert snapshot() == before


@pytest.mark.usefixtures("one_row_chunks")
def test_a_problem_in_a_later_chunk_rolls_back_the_chunks_already_written(
    client, school, secretary
):
    sheets = read(exported(secretary, school_class=school.class_5a))
    ids = [row[0] for row in sheets[S][1:]]
    set_cell(sheets, S, ids[0], "Телефон", "+79001112233")
    set_cell(sheets, S, ids[-1], "СНИЛС", valid_snils(987654321))
    upload(client, write(sheets), school_class=school.class_5a.pk)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.CHECKED, run.report["problems"]
    mother = Guardianship.objects.get(student=school.students["student"]).guardian
    mother.snils = valid_snils(987654321)  # taken meanwhile
    mother.save()
    before = snapshot()
    entries = AuditEntry.objects.count()

    client.post(reverse("exchange:batch-apply", args=[run.pk]))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.REFUSED
    assert codes_and_rows(run) == [("snils_taken", len(ids) + 1)]
    assert snapshot() == before
    assert AuditEntry.objects.count() == entries


def test_the_dry_run_shows_the_first_changes_and_counts_them_all(
    client, school, secretary, monkeypatch
):
    monkeypatch.setattr(checks, "SHOWN_ROWS", 1)
    sheets = read(exported(secretary, school_class=school.class_5a))
    for number, student_id in enumerate(row[0] for row in sheets[S][1:]):
        set_cell(sheets, S, student_id, "Телефон", f"+7900111223{number}")

    response = upload(client, write(sheets), school_class=school.class_5a.pk)

    page = response.content.decode()
    run = ImportRun.objects.get()
    assert run.report["change_count"] == 3 and len(run.report["changes"]) == 1
    assert page.count('data-testid="change"') == 1
    assert 'data-testid="batch-changes-more"' in page and 'data-testid="batch-apply"' in page

    client.post(reverse("exchange:batch-apply", args=[run.pk]))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED and run.report["applied"]["students"] == 3
    assert sorted(
        Student.objects.filter(person__phone__startswith="+7900111223").values_list(
            "person__phone", flat=True
        )
    ) == ["+79001112230", "+79001112231", "+79001112232"]
