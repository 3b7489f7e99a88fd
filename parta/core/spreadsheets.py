"""Spreadsheets the pages hand out: one sheet of a heading, columns and rows, as an .xlsx
response (reports of the journal, lists of the ДПО groups)."""

from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GREY = Font(color="808080", italic=True)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF0F4")
TWO_DECIMALS = "0.00"
ONE_DECIMAL = "0.0"


@dataclass
class Cell:
    value: object = None
    number_format: str = ""
    grey: bool = False


@dataclass
class Column:
    title: str
    width: int = 10


@dataclass
class Sheet:
    """One worksheet: heading lines, the header row, rows and bold footer rows."""

    title: str
    heading: list[str]
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    footer: list[list[Cell]] = field(default_factory=list)


def _number(value: object) -> object:
    """Decimals become floats so that spreadsheets see numbers, not text."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def workbook_bytes(sheet: Sheet) -> bytes:
    """The sheet written as an .xlsx file."""
    book = Workbook()
    worksheet = book.active
    worksheet.title = sheet.title[:31]
    for number, line in enumerate(sheet.heading, start=1):
        worksheet.cell(row=number, column=1, value=line)
    worksheet["A1"].font = Font(bold=True, size=13)
    header_row = len(sheet.heading) + 2
    for index, column in enumerate(sheet.columns, start=1):
        cell = worksheet.cell(row=header_row, column=index, value=column.title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        worksheet.column_dimensions[get_column_letter(index)].width = column.width
    row_number = header_row
    for rows, font in ((sheet.rows, None), (sheet.footer, BOLD)):
        for row in rows:
            row_number += 1
            for index, cell in enumerate(row, start=1):
                target = worksheet.cell(row=row_number, column=index, value=_number(cell.value))
                if cell.number_format:
                    target.number_format = cell.number_format
                if font is not None:
                    target.font = font
                elif cell.grey:
                    target.font = GREY
    worksheet.freeze_panes = worksheet.cell(row=header_row + 1, column=1)
    worksheet.print_title_rows = f"{header_row}:{header_row}"
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def content_disposition(filename: str, fallback: str) -> str:
    """An attachment named in Russian (filename*, RFC 6266) with an ASCII name for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(sheet: Sheet, *, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(sheet), content_type=XLSX)
    response["Content-Disposition"] = content_disposition(filename, fallback)
    return response
