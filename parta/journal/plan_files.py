"""A lesson plan (КТП) as an .xlsx workbook: a title row, then «№», «Тема урока», «Часы»,
«Домашнее задание».

Reading accepts what teachers actually upload: workbooks written by Excel, LibreOffice or
openpyxl, with the header on the first or the second row, numbers stored as text, empty hours
(one lesson) and empty rows at the end. It only reads; checking the rows is the service's job.
"""

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_ROWS = 2000

#: The columns of an exported plan; the lead translates them as «№», «Тема урока», «Часы»,
#: «Домашнее задание».
COLUMNS = {
    "number": gettext_lazy("No."),
    "topic": gettext_lazy("Lesson topic"),
    "hours": gettext_lazy("Hours"),
    "homework": gettext_lazy("Homework"),
}
#: Header texts recognised on import, in any language the file may have been written in.
HEADER_NAMES = {
    "number": {"№", "n", "no", "№ п/п", "номер", "номер урока", "#"},
    "topic": {"тема", "тема урока", "topic", "lesson topic"},
    "hours": {"часы", "часов", "кол-во часов", "количество часов", "hours"},
    "homework": {"домашнее задание", "дз", "д/з", "homework"},
}
HEADER_ROWS = 2


@dataclass(frozen=True)
class PlanRow:
    """One topic as entered: `line` is where it stands (a table row or a spreadsheet row).

    `number` and `hours` are None when the text given for them is not a whole number; the text
    is kept for the message.
    """

    line: int
    topic: str
    hours: int | None = 1
    homework: str = ""
    number: int | None = None
    hours_text: str = ""
    number_text: str = ""


def whole_number(value: object) -> int | None:
    """A whole number from a cell: 3, 3.0, "3", " 3 ", "3,0", "3." — else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip().replace(",", ".").rstrip(".")
    if text.isdigit():
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_key(text: str) -> str | None:
    name = " ".join(text.lower().split()).rstrip(".:")
    for key, names in HEADER_NAMES.items():
        if name in names or name == str(COLUMNS[key]).lower().rstrip(".:"):
            return key
    if name.startswith("тема"):
        return "topic"
    return None


def _columns(row: Iterable[object]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, value in enumerate(row):
        key = _header_key(_text(value))
        if key and key not in columns:
            columns[key] = index
    return columns


def read_plan(upload) -> list[PlanRow]:
    """The rows of a plan workbook; a ValidationError when the file is not a readable plan."""
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise ValidationError(
            _("Choose an .xlsx file (in Excel or LibreOffice: «Save as» → «Excel 2007-365»)."),
            code="wrong_type",
        )
    size = getattr(upload, "size", None)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty_file")
    if size is not None and size > MAX_FILE_SIZE:
        raise ValidationError(
            _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_SIZE // (1024 * 1024)},
            code="too_large",
        )
    data = upload.read()
    if not data:
        raise ValidationError(_("The file is empty."), code="empty_file")
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValidationError(
            _("The file is not an .xlsx workbook or it is damaged."), code="not_xlsx"
        ) from error
    try:
        return _rows(workbook.worksheets[0])
    except (zipfile.BadZipFile, KeyError, IndexError, OSError, SyntaxError) as error:
        # A workbook whose sheet cannot be parsed (SyntaxError covers broken XML).
        raise ValidationError(
            _("The file is not an .xlsx workbook or it is damaged."), code="not_xlsx"
        ) from error
    finally:
        workbook.close()


def _no_header() -> ValidationError:
    return ValidationError(
        _(
            "The first or the second row must be the header with the columns "
            "«%(number)s», «%(topic)s», «%(hours)s», «%(homework)s»."
        )
        % COLUMNS,
        code="no_header",
    )


def _rows(sheet) -> list[PlanRow]:
    columns: dict[str, int] = {}
    rows: list[PlanRow] = []
    has_text = False
    for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if not columns:
            has_text = has_text or any(_text(value) for value in values)
            found = _columns(values)
            if "topic" in found:
                columns = found
            elif line >= HEADER_ROWS and has_text:
                raise _no_header()
            continue
        raw = {
            key: values[index] if index < len(values) else None for key, index in columns.items()
        }
        cells = {key: _text(value) for key, value in raw.items()}
        if not any(cells.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(count)s topics.") % {"count": MAX_ROWS},
                code="too_many_rows",
            )
        hours_text = cells.get("hours", "")
        number_text = cells.get("number", "")
        rows.append(
            PlanRow(
                line=line,
                topic=" ".join(cells["topic"].split()),
                hours=whole_number(raw["hours"]) if hours_text else 1,
                homework=cells.get("homework", ""),
                number=whole_number(raw["number"]) if number_text else None,
                hours_text=hours_text,
                number_text=number_text,
            )
        )
    if not columns:
        if has_text:
            raise _no_header()
        raise ValidationError(_("The file is empty."), code="empty_file")
    if not rows:
        raise ValidationError(_("The file has no topics."), code="no_topics")
    return rows


def write_plan(*, title: str, items: Iterable) -> bytes:
    """A workbook of the plan's topics under a title row (subject, parallel, teacher, year)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Lesson plan"))[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet.append([str(label) for label in COLUMNS.values()])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for item in items:
        sheet.append([item.number, item.topic, item.hours, item.homework or None])
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=3, min_col=2, max_col=4):
        for cell in row:
            cell.alignment = wrap
    for letter, width in zip("ABCD", (6, 60, 8, 45), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
