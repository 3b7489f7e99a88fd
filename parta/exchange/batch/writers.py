"""Writing the workbook: Excel 97-2003 (.xls, xlwt) or .xlsx (openpyxl in write-only mode, which
streams rows to disk instead of holding a sheet of cell objects).

Every text goes into a text cell, never a formula: a value that came from a card and starts
with «=», «+», «-», «@», a tab or a carriage return is also marked «quote prefix» in .xlsx, so
that editing the cell in Excel keeps it text (OWASP, CSV/formula injection).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, BinaryIO

import xlwt
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

DATE_NUMBER_FORMAT = "DD.MM.YYYY"
FIRST_DATE = date(1900, 3, 1)  # Excel's calendar is wrong before (the 1900 leap-year bug)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Excel 97-2003 holds 65,536 rows a sheet and 32,767 characters a cell.
XLS_MAX_ROWS = 65_536


class FileFormat(StrEnum):
    XLS = "xls"
    XLSX = "xlsx"


CONTENT_TYPES = {
    FileFormat.XLS: "application/vnd.ms-excel",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Sheet:
    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]


def _plain(value: Any) -> Any:
    """What any spreadsheet stores: no control characters (.xlsx refuses them), dates from
    1900 on (earlier ones, impossible as dates in Excel, as text)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, date) and value < FIRST_DATE:
        return value.strftime("%d.%m.%Y")
    return value


def _write_xls(sheets: Iterable[Sheet], out: BinaryIO) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    bold = xlwt.easyxf("font: bold on")
    dated = xlwt.easyxf(num_format_str=DATE_NUMBER_FORMAT)
    for sheet in sheets:
        page = book.add_sheet(sheet.name)
        for index, header in enumerate(sheet.headers):
            page.write(0, index, _plain(header), bold)
            page.col(index).width = 256 * max(12, len(str(header)) + 2)
        for row_number, row in enumerate(sheet.rows, start=1):
            if row_number >= XLS_MAX_ROWS:
                raise OverflowError(sheet.name)
            for index, value in enumerate(map(_plain, row)):
                if isinstance(value, date):
                    page.write(row_number, index, value, dated)
                elif value != "":
                    page.write(row_number, index, value)  # str → a text cell (Label)
            if row_number % 1000 == 0:
                page.flush_row_data()
    book.save(out)


def _xlsx_cell(page, value: Any) -> Any:
    value = _plain(value)
    if isinstance(value, date):
        cell = WriteOnlyCell(page, value=value)
        cell.number_format = DATE_NUMBER_FORMAT
        return cell
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(page, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value if value != "" else None


def _write_xlsx(sheets: Iterable[Sheet], out: BinaryIO) -> None:
    book = Workbook(write_only=True)
    for sheet in sheets:
        page = book.create_sheet(sheet.name)
        for index, header in enumerate(sheet.headers):
            page.column_dimensions[get_column_letter(index + 1)].width = max(
                12, len(str(header)) + 2
            )
        headers = []
        for header in sheet.headers:
            cell = WriteOnlyCell(page, value=_plain(header))
            cell.font = Font(bold=True)
            headers.append(cell)
        page.append(headers)
        for row in sheet.rows:
            page.append([_xlsx_cell(page, value) for value in row])
    book.save(out)


def write_workbook(file_format: str, sheets: Iterable[Sheet], out: BinaryIO) -> None:
    """Write the sheets, in order, to `out`."""
    if file_format == FileFormat.XLSX:
        _write_xlsx(sheets, out)
    else:
        _write_xls(sheets, out)
