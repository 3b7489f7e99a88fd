"""Reading an uploaded workbook, .xls or .xlsx, told apart by its first bytes, not by its name.

Before any value is read the file is refused if it carries a macro (a VBA project, an Excel 4
macro sheet, an .xlsm) or a formula: the batch update takes values, and a formula's value is
whatever the spreadsheet last computed, which nobody checked. python-calamine reads the values
of both formats row by row; xlrd's compound-document reader looks inside .xls files for the VBA
storage and the FORMULA records.

Whatever the bytes, `open_workbook` either returns or raises `BatchFileError`.
"""

import io
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import python_calamine
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from xlrd.compdoc import CompDoc

from parta.exchange.batch.diagnostics import BatchFileError, Problem

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
#: What an .xlsx may unpack to: well above a school's 10,000 rows (a few tens of MB), far
#: below what a «zip bomb» would make of 20 MB.
MAX_UNPACKED_SIZE = 400 * 1024 * 1024
FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
BIFF_BOF = 0x0809
BIFF_FORMULA = 0x0006
BIFF_MACRO_SHEET = 0x0040
BIFF_GLOBALS = 0x0005
MACRO_SHEETS = (
    python_calamine.SheetTypeEnum.MacroSheet,
    python_calamine.SheetTypeEnum.DialogSheet,
    python_calamine.SheetTypeEnum.Vba,
)
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOC_RELS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _refuse(code: str, message: str, **where: Any) -> BatchFileError:
    return BatchFileError([Problem(code=code, message=message, **where)])


def _formula_problem(sheet: str, row: int | None, reference: str) -> Problem:
    return Problem(
        code="formula",
        message=_("The cell holds a formula: type the value itself."),
        sheet=sheet,
        row=row,
        column=reference,
    )


def _macro() -> BatchFileError:
    return _refuse(
        "macro",
        _("The file contains macros: save it as a plain Excel workbook (.xls or .xlsx)."),
    )


# --- .xls ---------------------------------------------------------------------------------------


def _workbook_stream(document: CompDoc) -> tuple[bytes, int, int]:
    """The BIFF records: the bytes holding them, where they start and end (the file's own bytes,
    not a copy, when the stream lies in one piece)."""
    for name in ("Workbook", "Book"):
        stream, start, size = document.locate_named_stream(name)
        if stream:
            return stream, start, start + size
    raise _refuse("corrupt_file", _("The file is damaged or is not an Excel workbook."))


def _check_xls(content: bytes, sheet_names: list[str]) -> list[Problem]:
    document = CompDoc(content, logfile=io.StringIO())
    names = {entry.name.casefold() for entry in document.dirlist}
    if names & {"_vba_project_cur", "_vba_project", "vba", "macros"}:
        raise _macro()
    stream, position, end = _workbook_stream(document)
    problems = []
    sheet_index = -1
    while position + 4 <= end:
        opcode, length = struct.unpack_from("<HH", stream, position)
        record = position + 4
        position = record + length
        if min(length, end - record) < 4:
            continue
        if opcode == BIFF_BOF:
            kind = struct.unpack_from("<H", stream, record + 2)[0]
            if kind == BIFF_MACRO_SHEET:
                raise _macro()
            if kind != BIFF_GLOBALS:
                sheet_index += 1
        elif opcode == BIFF_FORMULA:
            row, column = struct.unpack_from("<HH", stream, record)
            sheet = sheet_names[sheet_index] if 0 <= sheet_index < len(sheet_names) else ""
            reference = f"{get_column_letter(column + 1)}{row + 1}"
            problems.append(_formula_problem(sheet, row + 1, reference))
    return problems


# --- .xlsx --------------------------------------------------------------------------------------


def _sheet_files(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the archive."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{RELS_NS}Relationship")}
    files = {}
    for sheet in book.iter(f"{MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{DOC_RELS_NS}id"), "")
        files[sheet.get("name", "")] = (
            target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        )
    return files


def _has_formula_tag(archive: zipfile.ZipFile, part: str) -> bool:
    tail = b""
    with archive.open(part) as xml:
        while chunk := xml.read(1 << 20):
            if FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _formula_cells(archive: zipfile.ZipFile, part: str, sheet: str) -> list[Problem]:
    problems = []
    reference = ""
    with archive.open(part) as xml:
        for _event, element in ElementTree.iterparse(xml, events=("start",)):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "c":
                reference = element.get("r", "")
            elif tag == "f":
                match = re.fullmatch(r"[A-Z]+(\d+)", reference)
                problems.append(
                    _formula_problem(sheet, int(match.group(1)) if match else None, reference)
                )
    return problems


def _check_xlsx(content: bytes) -> list[Problem]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    entries = archive.infolist()
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_SIZE:
        raise _refuse("too_large", _("The file unpacks to too much data."))
    names = [entry.filename for entry in entries]
    content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if any(
        name.lower().endswith("vbaproject.bin") or name.startswith("xl/macrosheets/")
        for name in names
    ) or (b"macroEnabled" in content_types):
        raise _macro()
    if "xl/workbook.xml" not in names:
        raise _refuse(
            "wrong_type", _("This is not an Excel workbook: upload a .xls or .xlsx file.")
        )
    problems = []
    for sheet, part in _sheet_files(archive).items():
        if part in names and _has_formula_tag(archive, part):
            problems.extend(_formula_cells(archive, part, sheet))
    return problems


# --- both ---------------------------------------------------------------------------------------


@dataclass
class Workbook:
    """The values of an uploaded workbook, sheet by sheet and row by row."""

    book: python_calamine.CalamineWorkbook

    @property
    def sheet_names(self) -> list[str]:
        return list(self.book.sheet_names)

    def rows(self, name: str) -> Iterator[list[Any]]:
        """The sheet's rows from the first one (the header), each padded to start at column A."""
        try:
            sheet = self.book.get_sheet_by_name(name)
            start = sheet.start
            pad = [""] * (start[1] if start else 0)
            for row in sheet.iter_rows():
                yield pad + list(row)
        except BatchFileError:
            raise
        except BaseException as error:
            raise _damaged(error) from error


def _damaged(error: BaseException) -> BatchFileError:
    # A Rust panic inside calamine arrives as pyo3's PanicException, a BaseException; nothing
    # in a damaged upload may stop the process, so only the interpreter's own exits pass.
    if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
        raise error
    return _refuse("corrupt_file", _("The file is damaged or is not an Excel workbook."))


def open_workbook(content: bytes) -> Workbook:
    """The uploaded workbook, refused if it is empty, not a workbook, damaged, has macros or
    formulas."""
    if not content.strip(b"\x00 \t\r\n"):
        raise _refuse("empty_file", _("The file is empty."))
    try:
        if content.startswith(OLE_SIGNATURE):
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
            problems = _check_xls(content, list(book.sheet_names))
        elif content.startswith(ZIP_SIGNATURE):
            problems = _check_xlsx(content)
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        else:
            raise _refuse(
                "wrong_type", _("This is not an Excel workbook: upload a .xls or .xlsx file.")
            )
        if any(meta.typ in MACRO_SHEETS for meta in book.sheets_metadata):
            raise _macro()
    except BatchFileError:
        raise
    except BaseException as error:
        raise _damaged(error) from error
    if problems:
        raise BatchFileError(problems)
    return Workbook(book)
