"""Competency assessment results loaded from a file of the assessment centre (.xlsx or .csv).

Columns: «ФИО», «Дата рождения» or «СНИЛС», «Код компетенции», «Балл», «Дефицит» (да/нет),
«Дата оценки». The file is checked as a whole: every problem is listed with its row, column and
value, and nothing is written unless the whole file is right. Then every row is written in one
transaction (a row for the same person, competency and date replaces the earlier result).
"""

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from parta.core import audit, calendar
from parta.dpo import policies
from parta.dpo.models import Assessment, Competency
from parta.identity.models import Membership, Person

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_SCORE = Decimal("999.99")

#: The columns of the file, as the page and the messages name them.
COLUMNS = {
    "full_name": gettext_lazy("Full name"),
    "birth_date": gettext_lazy("Date of birth"),
    "snils": gettext_lazy("SNILS"),
    "competency": gettext_lazy("Competency code"),
    "score": gettext_lazy("Score"),
    "deficit": gettext_lazy("Deficit"),
    "assessed_on": gettext_lazy("Assessment date"),
}
#: Header texts recognised in a file, lower-case, «ё» as «е».
HEADER_NAMES = {
    "full_name": {"фио", "ф.и.о.", "ф.и.о", "full name"},
    "birth_date": {"дата рождения", "date of birth"},
    "snils": {"снилс", "snils"},
    "competency": {"код компетенции", "компетенция", "competency code", "competency"},
    "score": {"балл", "баллы", "score"},
    "deficit": {"дефицит", "дефицит (да/нет)", "deficit"},
    "assessed_on": {"дата оценки", "assessment date", "assessed on"},
}
REQUIRED = ("full_name", "competency", "score", "deficit", "assessed_on")
YES = {"да", "д", "yes", "y", "1", "true", "+"}
NO = {"нет", "н", "no", "n", "0", "false", "-"}


def _normalized(text: str) -> str:
    return " ".join(text.split()).casefold().replace("ё", "е")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- Reading ---------------------------------------------------------------------------------


def problem(
    message: str, code: str, *, row: int | None = None, column: str = "", value: object = ""
) -> ValidationError:
    """One problem of the file: where it is (row, column, value) and what is wrong."""
    return ValidationError(
        message, code=code, params={"row": row, "column": column, "value": _text(value)}
    )


def _file_error(message: str, code: str) -> ValidationError:
    return ValidationError([problem(message, code)])


def _table_rows(upload) -> list[tuple]:
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith((".xlsx", ".csv")):
        raise _file_error(_("Choose an .xlsx or a .csv file."), "wrong_type")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_SIZE:
        raise _file_error(
            _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_SIZE // (1024 * 1024)},
            "too_large",
        )
    data = upload.read()
    if not data.strip():
        raise _file_error(_("The file is empty."), "empty_file")
    if name.endswith(".csv"):
        return _csv_rows(data)
    return _xlsx_rows(data)


def _csv_rows(data: bytes) -> list[tuple]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    return [tuple(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[tuple]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise _file_error(
            _("The file is not an .xlsx workbook or it is damaged."), "not_xlsx"
        ) from error
    try:
        return list(workbook.worksheets[0].iter_rows(values_only=True))
    except (zipfile.BadZipFile, KeyError, IndexError, OSError, SyntaxError) as error:
        raise _file_error(
            _("The file is not an .xlsx workbook or it is damaged."), "not_xlsx"
        ) from error
    finally:
        workbook.close()


def _columns(header: Iterable[object]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, value in enumerate(header):
        name = _normalized(_text(value)).rstrip(".:")
        for key, names in HEADER_NAMES.items():
            if (name in names or name == _normalized(str(COLUMNS[key]))) and key not in columns:
                columns[key] = index
    return columns


@dataclass(frozen=True)
class FileRow:
    """One row of the file as written: `line` is its number in the file."""

    line: int
    cells: dict[str, object]

    def text(self, key: str) -> str:
        return _text(self.cells.get(key))

    def problem(self, key: str, message: str, code: str) -> ValidationError:
        """A problem of this row's cell in the column `key`."""
        return problem(
            message, code, row=self.line, column=str(COLUMNS[key]), value=self.cells.get(key)
        )


def read_file(upload) -> list[FileRow]:
    """The non-empty rows of an assessment file under its header; a ValidationError listing the
    problems when the file is not a readable table with the needed columns."""
    rows = _table_rows(upload)
    header_line = next(
        (line for line, values in enumerate(rows, start=1) if any(_text(v) for v in values)), None
    )
    if header_line is None:
        raise _file_error(_("The file is empty."), "empty_file")
    columns = _columns(rows[header_line - 1])
    missing = [key for key in REQUIRED if key not in columns]
    if "birth_date" not in columns and "snils" not in columns:
        missing.insert(1, "birth_date")
    if missing:
        raise ValidationError(
            [
                problem(
                    _("The header has no column «%(column)s».") % {"column": COLUMNS[key]},
                    "missing_column",
                    row=header_line,
                    column=str(COLUMNS[key]),
                )
                for key in missing
            ]
        )
    found: list[FileRow] = []
    for line, values in enumerate(rows[header_line:], start=header_line + 1):
        cells = {
            key: values[index] if index < len(values) else None for key, index in columns.items()
        }
        if not any(_text(value) for value in cells.values()):
            continue
        found.append(FileRow(line=line, cells=cells))
    if not found:
        raise _file_error(_("The file has no results under the header."), "empty_file")
    if len(found) > MAX_ROWS:
        raise _file_error(
            _("The file has more than %(count)s rows.") % {"count": MAX_ROWS}, "too_many_rows"
        )
    return found


# --- Checking --------------------------------------------------------------------------------


def parse_date(value: object) -> date | None:
    """A date from a cell: a spreadsheet date, «31.12.2024» or «2024-12-31»; else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    return None


def parse_score(value: object) -> Decimal | None:
    """A score of 0 to 999.99 with at most two decimals («72,5» too); else None."""
    if isinstance(value, bool):
        return None
    try:
        score = Decimal(_text(value).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    if not score.is_finite() or score < 0 or score > MAX_SCORE:
        return None
    if score.as_tuple().exponent < -2:  # type: ignore[operator]
        return None
    return score


def parse_yes_no(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _normalized(_text(value))
    if text in YES:
        return True
    if text in NO:
        return False
    return None


def _snils_digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


@dataclass(frozen=True)
class CheckedRow:
    person_id: int
    competency_id: int
    score: Decimal | None
    is_deficit: bool
    assessed_on: date

    @property
    def key(self) -> tuple[int, int, date]:
        return (self.person_id, self.competency_id, self.assessed_on)


class _People:
    """The region's staff the file may name, found in one query, by СНИЛС and by ФИО + birth date."""

    def __init__(self, region_id: int, rows: list[FileRow]) -> None:
        snilses = {_snils_digits(row.text("snils")) for row in rows} - {""}
        birth_dates = {parse_date(row.cells.get("birth_date")) for row in rows} - {None}
        works_here = Membership.objects.filter(
            person=OuterRef("pk"),
            kind=Membership.Kind.STAFF,
            is_archived=False,
            organization__region_id=region_id,
        )
        people = Person.objects.filter(Exists(works_here)).filter(
            Q(snils__in=snilses) | Q(birth_date__in=birth_dates)
        )
        self.by_snils: dict[str, Person] = {}
        self.by_name: dict[tuple[str, date | None], list[Person]] = {}
        for person in people.only("last_name", "first_name", "middle_name", "birth_date", "snils"):
            if person.snils:
                self.by_snils[person.snils] = person
            self.by_name.setdefault((_normalized(person.full_name), person.birth_date), []).append(
                person
            )

    def find(self, row: FileRow, errors: list[ValidationError]) -> Person | None:
        name = _normalized(row.text("full_name"))
        if not name:
            errors.append(row.problem("full_name", _("The full name is empty."), "unknown_person"))
            return None
        snils_text = row.text("snils")
        if snils_text:
            person = self.by_snils.get(_snils_digits(snils_text))
            if person is None or _normalized(person.full_name) != name:
                errors.append(
                    row.problem(
                        "snils",
                        _("No employee of the region has this full name and SNILS."),
                        "unknown_person",
                    )
                )
                return None
            return person
        birth_date = parse_date(row.cells.get("birth_date"))
        if birth_date is None:
            errors.append(
                row.problem(
                    "birth_date",
                    _("Enter the date of birth as DD.MM.YYYY (or the SNILS)."),
                    "bad_date",
                )
            )
            return None
        matches = self.by_name.get((name, birth_date), [])
        if len(matches) > 1:
            errors.append(
                row.problem(
                    "full_name",
                    _("Several employees have this full name and date of birth: add the SNILS."),
                    "ambiguous_person",
                )
            )
            return None
        if not matches:
            errors.append(
                row.problem(
                    "full_name",
                    _("No employee of the region has this full name and date of birth."),
                    "unknown_person",
                )
            )
            return None
        return matches[0]


def check_rows(*, region_id: int, rows: list[FileRow]) -> list[CheckedRow]:
    """The file's rows matched to people and competencies; a ValidationError listing every
    problem (row, column, value) when any row is wrong."""
    people = _People(region_id, rows)
    competencies = {
        _normalized(code): pk for pk, code in Competency.objects.values_list("pk", "code")
    }
    today = calendar.today()
    errors: list[ValidationError] = []
    checked: dict[tuple[int, int, date], CheckedRow] = {}
    for row in rows:
        found_errors = len(errors)
        person = people.find(row, errors)
        competency_id = competencies.get(_normalized(row.text("competency")))
        if competency_id is None:
            errors.append(
                row.problem(
                    "competency", _("There is no competency with this code."), "unknown_competency"
                )
            )
        score = parse_score(row.cells["score"]) if row.text("score") else None
        if row.text("score") and score is None:
            errors.append(
                row.problem("score", _("The score must be a number from 0 to 999.99."), "bad_score")
            )
        is_deficit = parse_yes_no(row.cells["deficit"])
        if is_deficit is None:
            errors.append(row.problem("deficit", _("Write «да» or «нет»."), "bad_yes_no"))
        assessed_on = parse_date(row.cells["assessed_on"])
        if assessed_on is None or assessed_on > today:
            errors.append(
                row.problem(
                    "assessed_on",
                    _("Enter the assessment date as DD.MM.YYYY, not later than today."),
                    "bad_date",
                )
            )
        if len(errors) > found_errors:
            continue
        result = CheckedRow(
            person_id=person.pk,  # type: ignore[union-attr]
            competency_id=competency_id,  # type: ignore[arg-type]
            score=score,
            is_deficit=is_deficit,  # type: ignore[arg-type]
            assessed_on=assessed_on,  # type: ignore[arg-type]
        )
        if result.key in checked:
            errors.append(
                row.problem(
                    "competency",
                    _("The file already has a result of this person for this competency and date."),
                    "duplicate_row",
                )
            )
            continue
        checked[result.key] = result
    if errors:
        raise ValidationError(errors)
    return list(checked.values())


# --- Writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    people: int


@transaction.atomic
def import_assessments(*, actor: Membership, upload) -> ImportResult:
    """Load a file of assessment results: all rows, or — if any is wrong — none."""
    if not policies.is_dpo_staff(actor):
        raise PermissionDenied
    rows = check_rows(region_id=actor.organization.region_id, rows=read_file(upload))
    existing = {
        (row.person_id, row.competency_id, row.assessed_on): row
        for row in Assessment.objects.select_for_update().filter(
            person_id__in={row.person_id for row in rows},
            assessed_on__in={row.assessed_on for row in rows},
        )
    }
    new, changed = [], []
    for row in rows:
        current = existing.get(row.key)
        if current is None:
            new.append(
                Assessment(
                    person_id=row.person_id,
                    competency_id=row.competency_id,
                    score=row.score,
                    is_deficit=row.is_deficit,
                    assessed_on=row.assessed_on,
                )
            )
        elif (current.score, current.is_deficit) != (row.score, row.is_deficit):
            current.score, current.is_deficit = row.score, row.is_deficit
            changed.append(current)
    Assessment.objects.bulk_create(new)
    Assessment.objects.bulk_update(changed, ["score", "is_deficit"])
    people = sorted({row.person_id for row in rows})
    audit.record(
        actor=actor,
        action="dpo.assessments_imported",
        target=actor.organization,
        after={
            "file": getattr(upload, "name", ""),
            "rows": len(rows),
            "created": len(new),
            "updated": len(changed),
            "people": people,
        },
    )
    return ImportResult(created=len(new), updated=len(changed), people=len(people))
