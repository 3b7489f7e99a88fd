"""Workbooks for the batch-update tests: export one, edit it as a person would, upload it."""

import io
from typing import Any

import python_calamine
from django.test import Client
from django.urls import reverse

from parta.exchange.batch.fields import FieldList
from parta.exchange.batch.scope import batch_scope
from parta.exchange.batch.services import ExportOptions, export_workbook
from parta.exchange.batch.writers import FileFormat, Sheet, write_workbook
from parta.identity.models import Membership

Sheets = dict[str, list[list[Any]]]


def exported(
    member: Membership,
    *,
    school_class=None,
    grade=None,
    file_format: str = FileFormat.XLS,
    student_fields: str = FieldList.FULL,
    guardian_fields: str = FieldList.FULL,
) -> bytes:
    scope = batch_scope(
        viewer=member,
        grade=grade,
        school_class=school_class.pk if school_class is not None else None,
    )
    assert scope is not None
    out = io.BytesIO()
    export_workbook(
        viewer=member,
        scope=scope,
        options=ExportOptions(student_fields, guardian_fields, file_format),
        out=out,
    )
    return out.getvalue()


def read(content: bytes) -> Sheets:
    """Every sheet's rows as lists of values (the header first)."""
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {
        name: [list(row) for row in book.get_sheet_by_name(name).iter_rows()]
        for name in book.sheet_names
    }


def write(sheets: Sheets, file_format: str = FileFormat.XLS) -> bytes:
    out = io.BytesIO()
    write_workbook(
        file_format,
        [Sheet(name, rows[0], rows[1:]) for name, rows in sheets.items()],
        out,
    )
    return out.getvalue()


def set_cell(sheets: Sheets, sheet: str, row_id: int | None, header: str, value: Any) -> None:
    """Change the cell of a column in the row with this ID (None: the last row)."""
    rows = sheets[sheet]
    column = rows[0].index(header)
    row = rows[-1] if row_id is None else next(r for r in rows[1:] if int(r[0] or 0) == row_id)
    while len(row) <= column:
        row.append("")
    row[column] = value


def cell(sheets: Sheets, sheet: str, row_id: int, header: str) -> Any:
    rows = sheets[sheet]
    row = next(r for r in rows[1:] if int(r[0] or 0) == row_id)
    return row[rows[0].index(header)]


def add_row(sheets: Sheets, sheet: str, values: dict[str, Any]) -> None:
    header = sheets[sheet][0]
    sheets[sheet].append([values.get(name, "") for name in header])


def upload(client: Client, content: bytes, name: str = "ученики.xls", **scope: Any) -> Any:
    """Post the file to «2. Обновление данных» and follow to the run's page."""
    data = {key: value for key, value in scope.items() if value is not None}
    data["file"] = io.BytesIO(content)
    data["file"].name = name
    return client.post(reverse("exchange:batch-import"), data, follow=True)
