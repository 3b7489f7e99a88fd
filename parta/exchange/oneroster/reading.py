"""Check an uploaded OneRoster zip as a whole before anything is written.

Every problem is collected — the file, the row (the line of the CSV, the header being line 1), the
column, the value and what is wrong — so one upload shows them all: the manifest and its
consistency with the files in the zip, the required files and columns, values (dates,
enumerations, booleans), duplicate sourcedIds and references between the files.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from parta.exchange.oneroster import mapping as spec

Row = dict[str, str]

#: The largest zip accepted, and the most its files may hold unpacked (a zip bomb stops here).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
EXTENSION = re.compile(r"ext:[A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the upload, in the words the diagnostics show."""

    file: str
    row: int | None
    column: str
    value: str
    message: str
    code: str

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "code": self.code,
        }


@dataclass
class Record:
    """A data row with the line it was read from."""

    line: int
    values: Row

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")

    def items(self, column: str) -> list[str]:
        """A list column (comma-separated sourcedIds, grades…) as its items."""
        return [item.strip() for item in self[column].split(",") if item.strip()]


@dataclass
class Roster:
    """The checked contents of a zip: each data file's records, active ones only."""

    modes: dict[str, str]
    files: dict[str, list[Record]] = field(default_factory=dict)
    skipped: list[Problem] = field(default_factory=list)

    def records(self, name: str) -> list[Record]:
        return self.files.get(name, [])

    def by_id(self, name: str) -> dict[str, Record]:
        return {record["sourcedId"]: record for record in self.records(name)}


class RosterRefused(Exception):
    """The upload cannot be imported; `problems` says everything that is wrong with it."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(
        self,
        message: str,
        code: str,
        *,
        file: str = "",
        row: int | None = None,
        column: str = "",
        value: str = "",
    ) -> None:
        self.problems.append(Problem(file, row, column, value[:200], str(message), code))


def parse_date(value: str) -> date | None:
    """An ISO date (YYYY-MM-DD), else None."""
    try:
        return date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


def _valid_datetime(value: str) -> bool:
    if not DATETIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _open_zip(content: bytes, check: _Checker) -> zipfile.ZipFile | None:
    if not content:
        check.add(_("The file is empty."), "empty")
        return None
    if len(content) > MAX_UPLOAD_BYTES:
        check.add(
            _("The file is larger than %(limit)s MB.") % {"limit": MAX_UPLOAD_BYTES // 2**20},
            "too_large",
        )
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        check.add(_("This is not a zip archive of OneRoster CSV files."), "not_zip")
        return None
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
        check.add(_("The archive unpacks to too much data."), "too_large")
        return None
    return archive


def _read_csv(archive: zipfile.ZipFile, name: str, check: _Checker) -> list[list] | None:
    """The rows of a CSV file with their line numbers (the header first), or None if unreadable."""
    try:
        text = archive.read(name).decode("utf-8-sig")
    except UnicodeDecodeError:
        check.add(_("The file is not in UTF-8."), "encoding", file=name)
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    try:
        for values in reader:
            if values:
                rows.append([reader.line_num, values])
    except csv.Error as error:
        check.add(
            _("The CSV cannot be read: %(error)s.") % {"error": error},
            "csv",
            file=name,
            row=reader.line_num,
        )
        return None
    if not rows:
        check.add(_("The file has no header row."), "no_header", file=name)
        return None
    return rows


def _manifest(archive: zipfile.ZipFile, names: set[str], check: _Checker) -> dict[str, str]:
    """The mode (bulk, delta) of each data file the manifest declares and the zip holds."""
    if spec.MANIFEST not in names:
        check.add(_("The archive has no manifest.csv."), "no_manifest", file=spec.MANIFEST)
        return {}
    rows = _read_csv(archive, spec.MANIFEST, check)
    if rows is None:
        return {}
    header = rows[0][1]
    if tuple(header) != spec.MANIFEST_COLUMNS:
        check.add(
            _("The header must be «propertyName,value».")
            if header
            else _("The file has no header row."),
            "manifest_header",
            file=spec.MANIFEST,
            row=1,
            value=",".join(header),
        )
        return {}
    properties: dict[str, tuple[int, str]] = {}
    for line, values in rows[1:]:
        if len(values) != 2:
            check.add(
                _("A manifest row has a property name and a value."),
                "row_length",
                file=spec.MANIFEST,
                row=line,
            )
            continue
        properties[values[0].strip()] = (line, values[1].strip())
    expected = {
        "manifest.version": (spec.MANIFEST_VERSION,),
        "oneroster.version": (spec.ONEROSTER_VERSION, "1.2.1"),
    }
    for name, allowed in expected.items():
        line, value = properties.get(name, (None, ""))
        if value not in allowed:
            check.add(
                _("%(property)s must be %(expected)s.")
                % {"property": name, "expected": allowed[0]},
                "manifest_version",
                file=spec.MANIFEST,
                row=line,
                column="value",
                value=value,
            )
    modes: dict[str, str] = {}
    for name in spec.MANIFEST_FILES:
        file_name = f"{name}.csv"
        line, mode = properties.get(f"file.{name}", (None, ""))
        if mode not in spec.FILE_MODES:
            check.add(
                _("file.%(name)s must be absent, bulk or delta.") % {"name": name},
                "manifest_mode",
                file=spec.MANIFEST,
                row=line,
                column="value",
                value=mode,
            )
            continue
        if mode == "absent" and file_name in names:
            check.add(
                _("The manifest says %(file)s is absent, but the archive holds it.")
                % {"file": file_name},
                "manifest_inconsistent",
                file=spec.MANIFEST,
                row=line,
                value=mode,
            )
        elif mode != "absent" and file_name not in names:
            check.add(
                _("The manifest lists %(file)s, but the archive has no such file.")
                % {"file": file_name},
                "missing_file",
                file=file_name,
                row=None,
            )
        elif mode != "absent":
            modes[file_name] = mode
    for file_name in spec.ROSTER_FILES:
        reported = any(p.file == file_name and p.code == "missing_file" for p in check.problems)
        if file_name not in names and not reported:
            check.add(
                _("A roster needs %(file)s.") % {"file": file_name}, "missing_file", file=file_name
            )
    return modes


_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    (spec.ORGS, "type"): spec.ORG_TYPES,
    (spec.SESSIONS, "type"): spec.SESSION_TYPES,
    (spec.CLASSES, "classType"): spec.CLASS_TYPES,
    (spec.USERS, "enabledUser"): spec.BOOLEANS,
    (spec.ROLES, "roleType"): spec.ROLE_TYPES,
    (spec.ROLES, "role"): spec.USER_ROLES,
    (spec.ENROLLMENTS, "role"): spec.ENROLLMENT_ROLES,
    (spec.ENROLLMENTS, "primary"): spec.BOOLEANS,
    (spec.DEMOGRAPHICS, "sex"): spec.SEXES,
}
_DATES = {
    spec.SESSIONS: ("startDate", "endDate"),
    spec.ROLES: ("beginDate", "endDate"),
    spec.ENROLLMENTS: ("beginDate", "endDate"),
    spec.DEMOGRAPHICS: ("birthDate",),
}


def _check_value(name: str, column: str, value: str, line: int, check: _Checker) -> None:
    allowed = _ENUMS.get((name, column))
    if allowed is not None and value not in allowed:
        if not (column in spec.EXTENSIBLE and EXTENSION.fullmatch(value)):
            check.add(
                _("Unknown value; allowed: %(allowed)s.") % {"allowed": ", ".join(allowed)},
                "enumeration",
                file=name,
                row=line,
                column=column,
                value=value,
            )
    if column in _DATES.get(name, ()) and parse_date(value) is None:
        check.add(
            _("A date is written as YYYY-MM-DD."),
            "date",
            file=name,
            row=line,
            column=column,
            value=value,
        )
    if column == "status" and value not in spec.STATUSES:
        check.add(
            _("Unknown value; allowed: %(allowed)s.") % {"allowed": ", ".join(spec.STATUSES)},
            "enumeration",
            file=name,
            row=line,
            column=column,
            value=value,
        )
    if column == "dateLastModified" and not _valid_datetime(value):
        check.add(
            _("A date and time is written as YYYY-MM-DDThh:mm:ss.sssZ."),
            "datetime",
            file=name,
            row=line,
            column=column,
            value=value,
        )
    if column == "email":
        try:
            validate_email(value)
        except ValidationError:
            check.add(
                _("This is not an e-mail address."),
                "email",
                file=name,
                row=line,
                column=column,
                value=value,
            )


def _read_data_file(
    archive: zipfile.ZipFile, name: str, mode: str, check: _Checker
) -> list[Record] | None:
    rows = _read_csv(archive, name, check)
    if rows is None:
        return None
    header = [column.strip() for column in rows[0][1]]
    known = set(spec.COLUMNS[name]) | spec.FORMER_COLUMNS.get(name, frozenset())
    broken = False
    for column in header:
        if column not in known and not column.startswith("metadata."):
            check.add(
                _("Unknown column."),
                "unknown_column",
                file=name,
                row=1,
                column=column,
                value=column,
            )
            broken = True
        elif header.count(column) > 1:
            check.add(
                _("The column is repeated."), "repeated_column", file=name, row=1, column=column
            )
            broken = True
    required = list(spec.REQUIRED[name])
    if mode == "delta":
        required += ["status", "dateLastModified"]
    for column in required:
        if column not in header:
            check.add(
                _("The required column is missing."),
                "missing_column",
                file=name,
                row=1,
                column=column,
            )
            broken = True
    if broken:
        return None
    records, seen = [], {}
    for line, values in rows[1:]:
        if len(values) != len(header):
            check.add(
                _("The row has %(found)s values for %(expected)s columns.")
                % {"found": len(values), "expected": len(header)},
                "row_length",
                file=name,
                row=line,
            )
            continue
        record = Record(
            line=line, values={c: v.strip() for c, v in zip(header, values, strict=True)}
        )
        for column in required:
            if not record[column]:
                check.add(
                    _("The value is required."), "required", file=name, row=line, column=column
                )
        for column in header:
            if record[column]:
                _check_value(name, column, record[column], line, check)
        sourced_id = record["sourcedId"]
        if sourced_id:
            if sourced_id in seen:
                check.add(
                    _("The sourcedId repeats the one on line %(line)s.")
                    % {"line": seen[sourced_id]},
                    "duplicate_id",
                    file=name,
                    row=line,
                    column="sourcedId",
                    value=sourced_id,
                )
            seen.setdefault(sourced_id, line)
        records.append(record)
    return records


#: (file, column, referenced file, whether the column is a list)
REFERENCES = (
    (spec.ORGS, "parentSourcedId", spec.ORGS, False),
    (spec.SESSIONS, "parentSourcedId", spec.SESSIONS, False),
    (spec.COURSES, "schoolYearSourcedId", spec.SESSIONS, False),
    (spec.COURSES, "orgSourcedId", spec.ORGS, False),
    (spec.CLASSES, "courseSourcedId", spec.COURSES, False),
    (spec.CLASSES, "schoolSourcedId", spec.ORGS, False),
    (spec.CLASSES, "termSourcedIds", spec.SESSIONS, True),
    (spec.USERS, "agentSourcedIds", spec.USERS, True),
    (spec.USERS, "primaryOrgSourcedId", spec.ORGS, False),
    (spec.ROLES, "userSourcedId", spec.USERS, False),
    (spec.ROLES, "orgSourcedId", spec.ORGS, False),
    (spec.ENROLLMENTS, "classSourcedId", spec.CLASSES, False),
    (spec.ENROLLMENTS, "schoolSourcedId", spec.ORGS, False),
    (spec.ENROLLMENTS, "userSourcedId", spec.USERS, False),
    (spec.DEMOGRAPHICS, "sourcedId", spec.USERS, False),
)


def _check_references(roster: Roster, check: _Checker) -> None:
    ids = {name: {record["sourcedId"] for record in roster.records(name)} for name in roster.files}
    for name, column, target, is_list in REFERENCES:
        if name not in roster.files or target not in roster.files:
            continue
        for record in roster.records(name):
            values = record.items(column) if is_list else [record[column]]
            for value in values:
                # The binding writes a missing parent as NULL in older files.
                if value and value != "NULL" and value not in ids[target]:
                    check.add(
                        _("No row of %(target)s has this sourcedId.") % {"target": target},
                        "unknown_reference",
                        file=name,
                        row=record.line,
                        column=column,
                        value=value,
                    )


def _check_roster(roster: Roster, check: _Checker) -> None:
    schools = [record for record in roster.records(spec.ORGS) if record["type"] == "school"]
    if spec.ORGS in roster.files and len(schools) != 1:
        check.add(
            _("The file must hold exactly one school (orgs.csv, type school); it holds %(count)s.")
            % {"count": len(schools)},
            "one_school",
            file=spec.ORGS,
        )
    for name, start, end in (
        (spec.SESSIONS, "startDate", "endDate"),
        (spec.ENROLLMENTS, "beginDate", "endDate"),
    ):
        for record in roster.records(name):
            starts_on, ends_on = parse_date(record[start]), parse_date(record[end])
            if starts_on and ends_on and ends_on < starts_on:
                check.add(
                    _("The end comes before the start."),
                    "dates_order",
                    file=name,
                    row=record.line,
                    column=end,
                    value=record[end],
                )


def read_roster(content: bytes) -> Roster:
    """The roster of an uploaded zip, or `RosterRefused` with every problem found."""
    check = _Checker()
    archive = _open_zip(content, check)
    if archive is None:
        raise RosterRefused(check.problems)
    names = {info.filename for info in archive.infolist() if not info.is_dir()}
    for name in sorted(names):
        if "/" in name or "\\" in name:
            check.add(
                _("Files must lie at the top of the archive, not in folders."),
                "nested_file",
                file=name,
            )
    modes = _manifest(archive, names, check)
    roster = Roster(modes=modes)
    for name in spec.DATA_FILES:
        if name in modes:
            records = _read_data_file(archive, name, modes[name], check)
            if records is not None:
                roster.files[name] = records
    _check_references(roster, check)
    _check_roster(roster, check)
    if check.problems:
        raise RosterRefused(check.problems)
    for name, records in roster.files.items():
        active = [record for record in records if record["status"] != "tobedeleted"]
        roster.skipped += [
            Problem(
                name, r.line, "status", "tobedeleted", _("Deletions are not applied."), "deleted"
            )
            for r in records
            if r["status"] == "tobedeleted"
        ]
        roster.files[name] = active
    return roster
