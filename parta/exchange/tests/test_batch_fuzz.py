"""The reader and the checks under random input: random bytes, truncated and damaged real files,
random cell values. Whatever comes, the only error is `BatchFileError`, and nothing is written."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parta.exchange.batch.checks import check_workbook
from parta.exchange.batch.diagnostics import BatchFileError
from parta.exchange.batch.fields import GUARDIANS_SHEET, STUDENTS_SHEET
from parta.exchange.batch.readers import open_workbook
from parta.exchange.batch.scope import batch_scope
from parta.exchange.batch.writers import FileFormat
from parta.exchange.tests.batch_files import read, write
from parta.exchange.tests.test_batch_import import snapshot
from parta.students.policies import readable_sections, writable_sections

FILES = Path(__file__).parent / "files"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def read_all(content: bytes) -> None:
    """Open the workbook and read every row of every sheet; only BatchFileError may escape."""
    try:
        workbook = open_workbook(content)
        for name in workbook.sheet_names:
            for _row in workbook.rows(name):
                pass
    except BatchFileError as error:
        assert error.problems and all(
            problem.code and problem.message for problem in error.problems
        )


SAMPLES = [
    FILES / "libreoffice_new_students.xls",
    FILES / "libreoffice_new_students.xlsx",
]


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(content):
    read_all(content)


@FUZZ
@given(st.sampled_from(SAMPLES), st.data())
def test_truncated_and_damaged_files(sample, data):
    content = bytearray(sample.read_bytes())
    cut = data.draw(st.integers(min_value=0, max_value=len(content)))
    content = content[:cut] if data.draw(st.booleans()) else content
    for _flip in range(data.draw(st.integers(min_value=0, max_value=8))):
        if content:
            position = data.draw(st.integers(min_value=0, max_value=len(content) - 1))
            content[position] = data.draw(st.integers(min_value=0, max_value=255))
    read_all(bytes(content))


CELLS = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.dates(),
    st.sampled_from(["=1+1", "Мужской", "5А", "01.02.2015", "31.02.2015", "", "112-233-445 95"]),
)


@pytest.mark.django_db
@FUZZ
@given(st.data())
def test_random_cell_values_give_problems_not_errors(region, school, data):
    member = region.member("secretary")
    scope = batch_scope(viewer=member)
    from parta.exchange.tests.batch_files import exported

    sheets = read(exported(member))
    for _edit in range(data.draw(st.integers(min_value=1, max_value=6))):
        name = data.draw(st.sampled_from([STUDENTS_SHEET, GUARDIANS_SHEET]))
        rows = sheets[name]
        row = data.draw(st.integers(min_value=0, max_value=len(rows)))
        if row == len(rows):
            rows.append([""] * len(rows[0]))
        column = data.draw(st.integers(min_value=0, max_value=len(rows[0])))
        while len(rows[row]) <= column:
            rows[row].append("")
        rows[row][column] = data.draw(CELLS)
    file_format = data.draw(st.sampled_from([FileFormat.XLS, FileFormat.XLSX]))
    before = snapshot()
    try:
        workbook = open_workbook(write(sheets, file_format))
    except BatchFileError:
        return
    plan = check_workbook(
        workbook=workbook,
        scope=scope,
        readable=readable_sections(member, region.school.pk),
        writable=writable_sections(member, region.school.pk),
    )
    assert all(problem.code for problem in plan.problems)
    assert snapshot() == before
