"""Checking a whole workbook before anything is written: either a plan of every change (the dry
run) or the list of every problem (the diagnostics window, seed 002 step 11).

Rows with an ID update the student (or the guardianship) of that ID, which must be in the
scope; the student's ФИО and date of birth identify them and may not change. Rows without an
ID add a student (enrolled into the class the row names, from today) or a parent.

The rows are read and checked in chunks: a chunk loads only its own students and parents, so the
memory a check needs does not grow with the file. Across chunks the checker keeps the IDs seen,
the СНИЛС claimed, the people who may stand in several rows with their changed values, the new
students, and the first changes for the dry run's page (with the count of all of them).

Applying a file runs the same check with a writer: each chunk's changes are written as soon as
the chunk is checked, while no problem has been found; the caller's transaction rolls all of it
back if a problem turns up later. A person met again in a later row is compared with their
values before the file, so a check and an application see the same changes.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from parta.core import calendar
from parta.exchange.batch.cells import CellError, convert, raw_text, show, validate
from parta.exchange.batch.diagnostics import Problem
from parta.exchange.batch.fields import (
    GUARDIANS_SHEET,
    STUDENTS_SHEET,
    Column,
    FieldList,
    Kind,
    Target,
    guardian_columns,
    student_columns,
)
from parta.exchange.batch.readers import Workbook
from parta.exchange.batch.scope import (
    Scope,
    guardianships_by_id,
    repeated_persons,
    students_by_id,
    students_outside,
)
from parta.identity.models import Person
from parta.identity.services import student_accounts
from parta.school.models import SchoolClass
from parta.students.models import Guardianship, Student
from parta.students.policies import CardSection
from parta.students.services.batch import CardEdit, GuardianEdit, NewGuardian, NewStudent

OLDEST_BIRTH_YEAR = 1900
#: Rows checked (and, when applying, written) together.
CHUNK_ROWS = 500
#: Changes and additions the dry run keeps for its page; all of them are counted and applied.
SHOWN_ROWS = 500


@dataclass(frozen=True)
class Change:
    """One cell of the dry run: whose, which column, the old and the new value."""

    sheet: str
    row: int
    name: str
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class Addition:
    """A student or a parent the file adds."""

    sheet: str
    row: int
    name: str
    detail: str


@dataclass
class Plan:
    """Every problem, or the dry run: the first changes and additions, and how many there are."""

    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    additions: list[Addition] = field(default_factory=list)
    change_count: int = 0
    addition_count: int = 0

    def change(self, change: Change) -> None:
        self.change_count += 1
        if len(self.changes) < SHOWN_ROWS:
            self.changes.append(change)

    def addition(self, addition: Addition) -> None:
        self.addition_count += 1
        if len(self.additions) < SHOWN_ROWS:
            self.additions.append(addition)

    def report(self) -> dict[str, Any]:
        """What the run keeps: the problems, or the dry run."""
        return {
            "problems": [problem.as_dict() for problem in self.problems],
            "changes": [asdict(change) for change in self.changes],
            "additions": [asdict(addition) for addition in self.additions],
            "change_count": self.change_count,
            "addition_count": self.addition_count,
        }


@dataclass
class Writes:
    """What a chunk of rows writes."""

    card_edits: list[CardEdit] = field(default_factory=list)
    guardian_edits: list[GuardianEdit] = field(default_factory=list)
    new_students: list[NewStudent] = field(default_factory=list)
    new_guardians: list[NewGuardian] = field(default_factory=list)


#: Writes a chunk's changes; returns the students it added, in the order of `new_students`.
Writer = Callable[[Writes], list[Student]]


@dataclass
class NewRef:
    """A student the file adds, for the parents' rows that name them; `student_id` once written."""

    name: str
    student_id: int | None = None


@dataclass(frozen=True)
class Claim:
    """A value a row gives a person who may stand in several rows, and the value it replaces."""

    value: Any
    row: int
    old: Any


def name_key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def class_key(text: str) -> str:
    return "".join(ch for ch in str(text) if ch.isalnum()).casefold()


def _chunks(rows: Iterable["Row"]) -> Iterator[list[tuple["Row", dict[Column, Any]]]]:
    """The rows, CHUNK_ROWS at a time, each with its converted values."""
    chunk = []
    for row in rows:
        chunk.append((row, row.values()))
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _ids(values: Iterable[int | None]) -> set[int]:
    return {value for value in values if value is not None}


def _target(values: dict[Column, Any], target: Target) -> Any:
    return next((value for column, value in values.items() if column.target == target), None)


@dataclass
class Row:
    """A data row of a sheet, its cells by column, and a way to report its problems."""

    sheet: str
    number: int
    columns: list[Column]  # the file's columns, in its order
    cells: dict[Column, Any]
    problems: list[Problem]

    def problem(self, column: Column | None, code: str, message: str, value: Any = "") -> None:
        self.problems.append(
            Problem(
                code=code,
                message=message,
                sheet=self.sheet,
                row=self.number,
                column=column.header if column else "",
                value=raw_text(value)[:200],
            )
        )

    def values(self) -> dict[Column, Any]:
        """The cells converted to the card's terms; a cell that cannot be is reported. Columns
        the file does not have (a short field list) are not there: they change nothing."""
        converted = {}
        for column in self.columns:
            raw = self.cells.get(column, "")
            try:
                converted[column] = convert(column, raw)
            except CellError as error:
                self.problem(column, error.code, error.message, raw)
        return converted


class Checker:
    """One check of one workbook in one scope by one user."""

    def __init__(
        self,
        *,
        workbook: Workbook,
        scope: Scope,
        readable: frozenset[CardSection],
        writable: frozenset[CardSection],
        write: Writer | None = None,
    ) -> None:
        self.workbook = workbook
        self.scope = scope
        self.writable = writable
        self.write = write
        self.student_columns = student_columns(readable, FieldList.FULL)
        self.guardian_columns = guardian_columns(readable, FieldList.FULL)
        self.plan = Plan()
        self.today = calendar.today()
        #: The chunk's writes, and the new students among them.
        self.writes = Writes()
        self.new_refs: list[NewRef] = []
        #: The chunk's СНИЛС claims: the number, who (a person id, or the sheet and row of a new
        #: person) and where.
        self.snils_claims: list[tuple[str, Any, Row, Column]] = []
        #: Across chunks: who claimed each СНИЛС first, and whose number a change frees.
        self.snils_first: dict[str, Any] = {}
        self.snils_freed: dict[str, tuple[int, str]] = {}
        #: Person id → field → what an earlier row gave, for people who may stand in several rows.
        self.claims: dict[int, dict[str, Claim]] = {}
        #: New students by ФИО and date of birth, for parents' rows without a student ID.
        self.new_by_name: dict[tuple[str, date | None], NewRef] = {}
        self.rows_seen = 0
        #: Problems before this index are of earlier chunks, in order.
        self.settled = 0
        self.year_classes = {class_key(str(c)) for c in scope.year_classes()}

    # --- sheets and headers -----------------------------------------------------------------

    def run(self) -> Plan:
        names = self.workbook.sheet_names
        expected = {STUDENTS_SHEET: self.student_columns}
        if self.guardian_columns:
            expected[GUARDIANS_SHEET] = self.guardian_columns
        for name in names:
            if name not in expected:
                self.plan.problems.append(
                    Problem(
                        code="unknown_sheet",
                        message=_("The workbook has a sheet the batch update does not know."),
                        sheet=name,
                    )
                )
        if STUDENTS_SHEET not in names:
            self.plan.problems.append(
                Problem(
                    code="missing_sheet",
                    message=_("The sheet «%(sheet)s» is missing.") % {"sheet": STUDENTS_SHEET},
                    sheet=STUDENTS_SHEET,
                )
            )
            return self.plan
        self._students(self._rows(STUDENTS_SHEET, self.student_columns))
        if GUARDIANS_SHEET in names and self.guardian_columns:
            self._guardians(self._rows(GUARDIANS_SHEET, self.guardian_columns))
        if not self.plan.problems and self.rows_seen == 0:
            self.plan.problems.append(
                Problem(code="no_rows", message=_("The file has no rows of students."))
            )
        return self.plan

    def _header(self, sheet: str, header: list[Any], columns: list[Column]) -> list[Column] | None:
        known = {column.header: column for column in columns}
        required = [c for c in columns if not c.full_only]
        found: list[Column] = []
        problems = []

        def problem(code: str, message: str, value: str) -> None:
            problems.append(
                Problem(code=code, message=message, sheet=sheet, row=1, column=value, value=value)
            )

        texts = [raw_text(cell) for cell in header]
        while texts and not texts[-1]:
            texts.pop()
        for index, text in enumerate(texts):
            column = known.get(" ".join(text.split()))
            if not text:
                problem(
                    "empty_header",
                    _("A column has no header: remove the column or restore its header."),
                    str(index + 1),
                )
            elif column is None:
                problem(
                    "unknown_header",
                    _("Unknown column: do not rename or add columns."),
                    text,
                )
            elif column in found:
                problem("duplicate_header", _("The column appears twice."), text)
            found.append(column)  # type: ignore[arg-type]
        for column in required:
            if column not in found:
                problem(
                    "missing_header",
                    _("A column is missing: do not rename or delete columns."),
                    column.header,
                )
        self.plan.problems.extend(problems)
        return None if problems else found

    def _rows(self, sheet: str, columns: list[Column]) -> Iterator[Row]:
        rows = iter(self.workbook.rows(sheet))
        header = next(rows, None)
        if header is None:
            self.plan.problems.append(
                Problem(code="empty_sheet", message=_("The sheet is empty."), sheet=sheet)
            )
            return
        found = self._header(sheet, header, columns)
        if found is None:
            return
        width = len(found)
        for number, cells in enumerate(rows, start=2):
            if not any(raw_text(cell) for cell in cells):
                continue
            row = Row(
                sheet, number, found, dict(zip(found, cells, strict=False)), self.plan.problems
            )
            for extra in cells[width:]:
                if raw_text(extra):
                    row.problem(None, "unnamed_column", _("A value stands outside the columns."))
                    break
            self.rows_seen += 1
            yield row

    # --- students -----------------------------------------------------------------------------

    def _students(self, rows: Iterator[Row]) -> None:
        classes = {class_key(str(c)): c for c in self.scope.classes()}
        seen: set[int] = set()
        for chunk in _chunks(rows):
            known = students_by_id(
                self.scope, _ids(_target(values, Target.ID) for _r, values in chunk)
            )
            repeated = repeated_persons({student.person_id for student, _c in known.values()})
            waiting: list[tuple[Row, Column, int]] = []
            for row, values in chunk:
                student_id = _target(values, Target.ID)
                if student_id is None:
                    self._new_student(row, values, classes)
                    continue
                if student_id in seen:
                    row.problem(
                        None, "duplicate_id", _("This student's row appears twice."), student_id
                    )
                    continue
                seen.add(student_id)
                if student_id not in known:
                    waiting.append((row, self.student_columns[0], student_id))
                    continue
                student, school_class = known[student_id]
                self._student_changes(row, values, student, school_class, repeated)
            self._unknown_ids(waiting)
            self._end_chunk()

    def _end_chunk(self) -> None:
        """Check the chunk's СНИЛС and put its problems in the order of rows; when applying and
        nothing is wrong so far, write the chunk."""
        self._check_snils()
        problems = self.plan.problems
        problems[self.settled :] = sorted(problems[self.settled :], key=lambda p: p.row or 0)
        self.settled = len(problems)
        writes, refs = self.writes, self.new_refs
        self.writes, self.new_refs = Writes(), []
        if self.write is None or self.plan.problems:
            return
        for ref, student in zip(refs, self.write(writes), strict=True):
            ref.student_id = student.pk

    def _unknown_ids(self, waiting: list[tuple[Row, Column, int]]) -> None:
        """Student IDs not in the scope: of the school's students outside it, or unknown."""
        if not waiting:
            return
        outside = students_outside(self.scope, {student_id for _r, _c, student_id in waiting})
        for row, id_column, student_id in waiting:
            if student_id in outside:
                row.problem(
                    id_column,
                    "outside_scope",
                    _(
                        "The student is not in the chosen class or parallel: set the same filters as for the export."
                    ),
                    student_id,
                )
            else:
                row.problem(
                    id_column,
                    "unknown_id",
                    _("No student of this school has this ID."),
                    student_id,
                )

    def _claim_snils(
        self, who: Any, row: Row, column: Column, snils: str, freed: tuple[str, str] = ("", "")
    ) -> None:
        """`who` takes `snils`; a person whose number changes frees their old one, `freed`
        (the number and their name)."""
        if snils:
            self.snils_claims.append((snils, who, row, column))
        if freed[0]:
            self.snils_freed[freed[0]] = (who, freed[1])

    def _earlier(self, person_id: int, column: Column, current: Any) -> tuple[Claim | None, Any]:
        """What an earlier row gave this field of the person, and the value before the file."""
        earlier = self.claims.get(person_id, {}).get(column.key)
        return earlier, (earlier.old if earlier is not None else current)

    def _claim(
        self, person_id: int, column: Column, value: Any, row: Row, old: Any, repeated: set[int]
    ) -> None:
        if person_id in repeated:
            self.claims.setdefault(person_id, {})[column.key] = Claim(value, row.number, old)

    def _writable(self, row: Row, column: Column, value: Any) -> bool:
        if column.section not in self.writable:
            row.problem(column, "read_only_column", _("You may not change this column."), value)
            return False
        return True

    def _checked(self, row: Row, column: Column, value: Any) -> tuple[bool, Any]:
        try:
            return True, validate(column, value)
        except CellError as error:
            row.problem(column, error.code, error.message, value)
            return False, value

    def _birth_date(self, row: Row, column: Column, value: date | None) -> None:
        if value and (value > self.today or value.year < OLDEST_BIRTH_YEAR):
            row.problem(
                column,
                "bad_birth_date",
                _("Check the date of birth: it is in the future or before 1900."),
                show(column, value),
            )

    def _student_changes(
        self,
        row: Row,
        values: dict[Column, Any],
        student: Student,
        school_class: SchoolClass | None,
        repeated: set[int],
    ) -> None:
        person = student.person
        person_fields: dict[str, Any] = {}
        card_fields: dict[str, Any] = {}
        for column, value in values.items():
            if column.target == Target.CLASS:
                current = str(school_class) if school_class else ""
                if class_key(value) != class_key(current):
                    if class_key(value) and class_key(value) not in self.year_classes:
                        row.problem(
                            column,
                            "unknown_class",
                            _("There is no such class in the school."),
                            value,
                        )
                    else:
                        row.problem(
                            column,
                            "class_read_only",
                            _("A class changes only by a movement order, not by the batch update."),
                            value,
                        )
                continue
            if column.target not in (Target.PERSON, Target.CARD):
                continue
            holder = person if column.target == Target.PERSON else student
            current = getattr(holder, column.key)
            if column.target == Target.PERSON:
                current = self._earlier(person.pk, column, current)[1]
            if _same(column, current, value):
                continue
            if column.identifies:
                row.problem(
                    column,
                    "identity_changed",
                    _(
                        "The student's full name and date of birth identify the row and cannot change here."
                    ),
                    show(column, value),
                )
                continue
            if not self._writable(row, column, value):
                continue
            valid, value = self._checked(row, column, value)
            if not valid:
                continue
            if column.target == Target.PERSON:
                person_fields[column.key] = value
                self._claim(person.pk, column, value, row, current, repeated)
            else:
                card_fields[column.key] = value
            self.plan.change(
                Change(
                    row.sheet,
                    row.number,
                    person.full_name,
                    column.header,
                    show(column, current),
                    show(column, value),
                )
            )
            if column.kind == Kind.SNILS:
                self._claim_snils(person.pk, row, column, value, (current, person.full_name))
        if person_fields or card_fields:
            self.writes.card_edits.append(CardEdit(student, person_fields, card_fields))

    def _new_person(self, row: Row, values: dict[Column, Any], who: Any) -> dict[str, Any] | None:
        """The personal data of a new student or parent, None if a required cell is empty."""
        fields: dict[str, Any] = {}
        complete = True
        for column, value in values.items():
            if column.target != Target.PERSON:
                continue
            if column.key in ("last_name", "first_name", "birth_date") and not value:
                if column.key != "birth_date" or row.sheet == STUDENTS_SHEET:
                    row.problem(column, "required", _("Fill in this cell for a new person."))
                    complete = False
                continue
            if value in ("", None):
                continue
            if not self._writable(row, column, value):
                continue
            valid, value = self._checked(row, column, value)
            if not valid:
                complete = False
                continue
            if column.key == "birth_date":
                self._birth_date(row, column, value)
            if column.kind == Kind.SNILS:
                self._claim_snils(who, row, column, value)
            fields[column.key] = value
        fields["has_no_middle_name"] = not fields.get("middle_name")
        return fields if complete else None

    def _duplicate(self, row: Row, fields: dict[str, Any]) -> None:
        """A new person who seems to be somebody already in the region's data."""
        if not fields.get("birth_date"):
            return
        duplicate = student_accounts.find_duplicate({**fields, "snils": ""})
        if duplicate is not None:
            person = duplicate.person
            row.problem(
                None,
                "possible_duplicate",
                _(
                    "%(name)s, born %(birth_date)s, is already in the system: maybe it is the same person. Add them from their card instead of the file."
                )
                % {"name": person.full_name, "birth_date": person.birth_date.strftime("%d.%m.%Y")},
                person.full_name,
            )

    def _new_student(
        self, row: Row, values: dict[Column, Any], classes: dict[str, SchoolClass]
    ) -> None:
        fields = self._new_person(row, values, ("new", row.sheet, row.number))
        card_fields = {}
        school_class = None
        for column, value in values.items():
            if (
                column.target == Target.CARD
                and value not in ("", None)
                and self._writable(row, column, value)
            ):
                valid, value = self._checked(row, column, value)
                if valid:
                    card_fields[column.key] = value
            elif column.target == Target.CLASS and class_key(value):
                school_class = classes.get(class_key(value))
                if school_class is None:
                    row.problem(
                        column,
                        "unknown_class",
                        _("There is no such class in the chosen classes."),
                        value,
                    )
                elif not school_class.year.contains(self.today):
                    row.problem(
                        column,
                        "class_not_current",
                        _("The class is not of the current school year."),
                        value,
                    )
        if fields is None:
            return
        key = (name_key(_full_name(fields)), fields.get("birth_date"))
        if key in self.new_by_name:
            row.problem(
                None,
                "duplicate_row",
                _("The same new student appears twice in the file."),
                _full_name(fields),
            )
            return
        self._duplicate(row, fields)
        ref = NewRef(_full_name(fields))
        self.new_by_name[key] = ref
        self.new_refs.append(ref)
        self.writes.new_students.append(
            NewStudent(person_fields=fields, card_fields=card_fields, school_class=school_class)
        )
        self.plan.addition(
            Addition(row.sheet, row.number, ref.name, str(school_class) if school_class else "")
        )

    # --- parents ------------------------------------------------------------------------------

    def _guardians(self, rows: Iterator[Row]) -> None:
        seen: set[int] = set()
        student_id_column = next(c for c in self.guardian_columns if c.target == Target.STUDENT_ID)
        for chunk in _chunks(rows):
            targets = [
                {column.target: value for column, value in values.items()} for _r, values in chunk
            ]
            known = guardianships_by_id(self.scope, _ids(t.get(Target.ID) for t in targets))
            students = {
                pk: student
                for pk, (student, _c) in students_by_id(
                    self.scope,
                    _ids(t.get(Target.STUDENT_ID) for t in targets if t.get(Target.ID) is None),
                ).items()
            }
            added = self._added_students(targets)
            repeated = repeated_persons({g.guardian_id for g in known.values()})
            waiting: list[tuple[Row, Column, int]] = []
            for (row, values), by_target in zip(chunk, targets, strict=True):
                guardianship_id = by_target.get(Target.ID)
                student_id = by_target.get(Target.STUDENT_ID)
                if guardianship_id is not None:
                    guardianship = self._guardianship(
                        row, values, guardianship_id, student_id, known, seen, student_id_column
                    )
                    if guardianship is not None and self._student_matches(
                        row, values, guardianship.student
                    ):
                        self._guardian_changes(row, values, guardianship, repeated)
                    continue
                student = students.get(student_id) if student_id is not None else None
                if student_id is not None and student is None:
                    waiting.append((row, student_id_column, student_id))
                    continue
                if student is not None:
                    if self._student_matches(row, values, student):
                        self._new_guardian(row, values, student, student.person.full_name)
                    continue
                new_student = self.new_by_name.get(_new_student_key(by_target))
                if new_student is None:
                    row.problem(
                        None,
                        "student_not_found",
                        _(
                            "Give the student's ID, or the full name and date of birth of a student added by this file."
                        ),
                        by_target.get(Target.STUDENT_NAME, ""),
                    )
                    continue
                self._new_guardian(row, values, added.get(new_student.student_id), new_student.name)
            self._unknown_ids(waiting)
            self._end_chunk()

    def _added_students(self, targets: list[dict[Target, Any]]) -> dict[int | None, Student]:
        """The students this file added (when applying) whom the chunk's parents' rows name."""
        ids = set()
        for by_target in targets:
            if by_target.get(Target.ID) is None and by_target.get(Target.STUDENT_ID) is None:
                ref = self.new_by_name.get(_new_student_key(by_target))
                if ref is not None and ref.student_id is not None:
                    ids.add(ref.student_id)
        return Student.objects.select_related("person").in_bulk(ids) if ids else {}

    def _guardianship(
        self,
        row: Row,
        values: dict[Column, Any],
        guardianship_id: int,
        student_id: int | None,
        known: dict[int, Guardianship],
        seen: set[int],
        student_id_column: Column,
    ) -> Guardianship | None:
        """The guardianship a row names, None (reported) if it is repeated, unknown or of
        another student."""
        if guardianship_id in seen:
            row.problem(
                None, "duplicate_id", _("This parent's row appears twice."), guardianship_id
            )
            return None
        seen.add(guardianship_id)
        guardianship = known.get(guardianship_id)
        if guardianship is None:
            row.problem(
                next(c for c in values if c.target == Target.ID),
                "unknown_id",
                _("No parent of the chosen students has this ID."),
                guardianship_id,
            )
            return None
        if student_id not in (None, guardianship.student_id):
            row.problem(
                student_id_column,
                "student_mismatch",
                _("The student ID does not match the parent's row: do not change IDs."),
                student_id,
            )
            return None
        return guardianship

    def _student_matches(self, row: Row, values: dict[Column, Any], student: Student) -> bool:
        matches = True
        for column, value in values.items():
            if column.target == Target.STUDENT_NAME:
                current: Any = student.person.full_name
                same = name_key(value) == name_key(current)
            elif column.target == Target.STUDENT_BIRTH_DATE:
                current = student.person.birth_date
                same = value == current
            else:
                continue
            if not same:
                row.problem(
                    column,
                    "identity_changed",
                    _(
                        "The student's full name and date of birth identify the row and cannot change here."
                    ),
                    show(column, value),
                )
                matches = False
        return matches

    def _guardian_changes(
        self,
        row: Row,
        values: dict[Column, Any],
        guardianship: Guardianship,
        repeated: set[int],
    ) -> None:
        guardian = guardianship.guardian
        relation = ""
        person_fields: dict[str, Any] = {}
        for column, value in values.items():
            if column.target == Target.RELATION:
                if value and value != guardianship.relation and self._writable(row, column, value):
                    relation = value
                    self.plan.change(
                        Change(
                            row.sheet,
                            row.number,
                            guardian.full_name,
                            column.header,
                            show(column, guardianship.relation),
                            show(column, value),
                        )
                    )
                elif not value:
                    row.problem(column, "required", _("Fill in this cell for a new person."))
                continue
            if column.target != Target.PERSON:
                continue
            earlier, current = self._earlier(guardian.pk, column, getattr(guardian, column.key))
            if _same(column, current, value):
                continue
            if column.key in ("last_name", "first_name") and not value:
                row.problem(column, "required", _("Fill in this cell for a new person."))
                continue
            if not self._writable(row, column, value):
                continue
            valid, value = self._checked(row, column, value)
            if not valid:
                continue
            if column.key == "birth_date":
                self._birth_date(row, column, value)
            if earlier is not None:
                if earlier.value != value:
                    row.problem(
                        column,
                        "conflict",
                        _("Another row of the same parent (row %(row)s) gives a different value.")
                        % {"row": earlier.row},
                        show(column, value),
                    )
                continue
            person_fields[column.key] = value
            self._claim(guardian.pk, column, value, row, current, repeated)
            self.plan.change(
                Change(
                    row.sheet,
                    row.number,
                    guardian.full_name,
                    column.header,
                    show(column, current),
                    show(column, value),
                )
            )
            if column.kind == Kind.SNILS:
                self._claim_snils(guardian.pk, row, column, value, (current, guardian.full_name))
        if "middle_name" in person_fields:
            person_fields["has_no_middle_name"] = not person_fields["middle_name"]
        if relation or person_fields:
            self.writes.guardian_edits.append(GuardianEdit(guardianship, relation, person_fields))

    def _new_guardian(
        self, row: Row, values: dict[Column, Any], student: Student | None, student_name: str
    ) -> None:
        """A parent the row adds to `student` (None for a student this file adds, while checking)."""
        relation = next((v for c, v in values.items() if c.target == Target.RELATION), "")
        fields = self._new_person(row, values, ("new", row.sheet, row.number))
        if not relation:
            row.problem(
                next((c for c in values if c.target == Target.RELATION), None),
                "required",
                _("Fill in this cell for a new person."),
            )
        if fields is None or not relation:
            return
        self._duplicate(row, fields)
        self.writes.new_guardians.append(
            NewGuardian(relation=relation, person_fields=fields, student=student)
        )
        self.plan.addition(Addition(row.sheet, row.number, _full_name(fields), student_name))

    # --- СНИЛС across rows and the region -----------------------------------------------------

    def _check_snils(self) -> None:
        """The chunk's new СНИЛС: not another person's, not given to two people in the file.
        A number this file frees, or one an earlier chunk has written, counts as before."""
        if not self.snils_claims:
            return
        owners = {
            person.snils: (person.pk, person.full_name)
            for person in Person.objects.filter(
                snils__in={snils for snils, *_rest in self.snils_claims}
            ).only("snils", "last_name", "first_name", "middle_name")
        }
        for snils, who, row, column in self.snils_claims:
            first_who = self.snils_first.setdefault(snils, who)
            owner = self.snils_freed.get(snils) or owners.get(snils)
            if owner is not None and owner[0] not in (who, first_who):
                row.problem(
                    column,
                    "snils_taken",
                    _("A person with this SNILS is already in the system: %(name)s.")
                    % {"name": owner[1]},
                    snils,
                )
            elif who != first_who:
                row.problem(
                    column,
                    "snils_taken",
                    _("The same SNILS is given to two people in the file."),
                    snils,
                )
        self.snils_claims = []


def _same(column: Column, current: Any, value: Any) -> bool:
    if column.kind == Kind.DATE:
        return current == value
    if column.identifies:
        return name_key(current or "") == name_key(value or "")
    return str(current or "").strip() == str(value or "").strip()


def _full_name(fields: dict[str, Any]) -> str:
    return " ".join(
        str(fields.get(key) or "")
        for key in ("last_name", "first_name", "middle_name")
        if fields.get(key)
    )


def _new_student_key(by_target: dict[Target, Any]) -> tuple[str, date | None]:
    return (
        name_key(by_target.get(Target.STUDENT_NAME, "")),
        by_target.get(Target.STUDENT_BIRTH_DATE),
    )


def check_workbook(
    *,
    workbook: Workbook,
    scope: Scope,
    readable: frozenset[CardSection],
    writable: frozenset[CardSection],
    write: Writer | None = None,
) -> Plan:
    """Every change the workbook asks for, or every problem it has; with `write`, each chunk's
    changes are written while no problem has been found."""
    return Checker(
        workbook=workbook, scope=scope, readable=readable, writable=writable, write=write
    ).run()
