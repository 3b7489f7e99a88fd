"""The journal grid (электронный журнал) of one teaching assignment: students × lessons of a
term, and the period marks page («Итоговые»), each in a fixed number of queries."""

import html
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Subquery
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parta.core import calendar
from parta.identity.models import Membership
from parta.journal import policies
from parta.journal.deadlines import overdue_cutoff
from parta.journal.grading import CellValue, weighted_average
from parta.journal.locks import edit_block
from parta.journal.models import WORK_WEIGHTS, Attendance, Lesson, Mark, MarkKind, WorkType
from parta.school.models import AcademicYear, TeachingAssignment, Term
from parta.students.models import Student
from parta.students.selectors.rosters import RosterRow, group_roster

#: Short names of the kinds of work for the grid's header.
WORK_TYPE_ABBREVIATIONS: dict[str, Promise] = {
    WorkType.ANSWER: pgettext_lazy("work type abbreviation", "ans."),
    WorkType.HOMEWORK: pgettext_lazy("work type abbreviation", "hw"),
    WorkType.DICTATION: pgettext_lazy("work type abbreviation", "dict."),
    WorkType.INDEPENDENT: pgettext_lazy("work type abbreviation", "ind."),
    WorkType.PRACTICAL: pgettext_lazy("work type abbreviation", "pract."),
    WorkType.TEST: pgettext_lazy("work type abbreviation", "check"),
    WorkType.CONTROL: pgettext_lazy("work type abbreviation", "contr."),
}

#: Placeholder ids reversed into URLs once per page and replaced per column or row.
_FIRST_ID = 918273645
_SECOND_ID = 546372819
ROW = "{row}"


def url_template(name: str, first: int) -> str:
    """A save URL with `{row}` standing for the student's id (the grid's script fills it)."""
    return reverse(name, args=[first, _SECOND_ID]).replace(str(_SECOND_ID), ROW)


def lesson_url_template() -> str:
    """The lesson page's URL with the first placeholder id."""
    return reverse("journal:lesson", args=[_FIRST_ID])


def period_text(value: str) -> str:
    """A period mark as the grid shows it: «5», «ЗЧ»."""
    return CellValue(marks=(value,)).text if value else ""


def journal_assignment(*, viewer: Membership, assignment_id: int) -> TeachingAssignment | None:
    """The journal the viewer may open, or None (the page answers 404)."""
    assignment = (
        TeachingAssignment.objects.select_related(
            "group__school_class__year",
            "group__school_class__organization",
            "subject",
            "teacher__person",
        )
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None or not policies.can_view_journal(viewer, assignment):
        return None
    return assignment


def default_term(terms: list[Term], today: date) -> Term | None:
    """The term containing today, else the last one begun, else the first one."""
    if not terms:
        return None
    current = next((term for term in terms if term.contains(today)), None)
    if current is not None:
        return current
    begun = [term for term in terms if term.starts_on <= today]
    return begun[-1] if begun else terms[0]


# --- the grid of a term ------------------------------------------------------------------------


@dataclass
class GridColumn:
    lesson: Lesson
    work_type_abbreviation: str
    weight: int
    is_overdue: bool
    is_future: bool
    is_writable: bool
    save_url: str
    url: str


@dataclass
class GridCell:
    text: str
    css: str
    is_editable: bool


#: (css class, editable) → attributes of the cell's <td> (see grid.js for data-c / data-e).
CELL_ATTRIBUTES = {
    ("", True): " data-c data-e",
    ("", False): " data-c",
    ("off", False): ' data-c class="off"',
    ("future", False): ' data-c class="future"',
}


@dataclass
class GridRow:
    student: Student
    cells: list[GridCell]
    average: Decimal | None
    term_mark: str

    def cells_html(self) -> SafeString:
        """The row's lesson cells as table cells: 1,350 of them render too slowly as template
        nodes on an old server, so they are joined here (texts are escaped)."""
        return mark_safe(
            "".join(
                f"<td{CELL_ATTRIBUTES[cell.css, cell.is_editable]}>{html.escape(cell.text)}</td>"
                for cell in self.cells
            )
        )


@dataclass
class JournalGrid:
    assignment: TeachingAssignment
    year: AcademicYear
    terms: list[Term]
    term: Term
    columns: list[GridColumn]
    rows: list[GridRow]
    block: str | None
    is_writable: bool
    can_set_term_marks: bool
    term_mark_url: str
    has_overdue: bool


def year_terms(year: AcademicYear) -> list[Term]:
    terms = list(Term.objects.filter(year=year).order_by("number"))
    for term in terms:
        term.year = year
    return terms


def grid_terms(assignment: TeachingAssignment) -> list[Term]:
    """The terms of the journal's year, in order."""
    return year_terms(assignment.group.school_class.year)


def journal_grid(
    *, viewer: Membership, assignment: TeachingAssignment, terms: list[Term], term: Term
) -> JournalGrid:
    """Students × lessons of one journal for a term with cell texts and averages (5 queries,
    one more for the correction permit of a closed term)."""
    group = assignment.group
    year = group.school_class.year
    today = calendar.today()
    roster = group_roster(group=group, starts_on=term.starts_on, ends_on=term.ends_on)
    lessons = list(
        Lesson.objects.filter(
            assignment=assignment, date__gte=term.starts_on, date__lte=term.ends_on
        ).order_by("date", "period")
    )
    lesson_ids = [lesson.pk for lesson in lessons]
    marks: dict[tuple[int, int], list[str]] = defaultdict(list)
    weights: dict[int, list[tuple[str, int]]] = defaultdict(list)
    marked_lessons: set[int] = set()
    for lesson_id, student_id, value, weight in (
        Mark.objects.filter(lesson_id__in=lesson_ids)
        .order_by("id")
        .values_list("lesson_id", "student_id", "value", "weight")
    ):
        marks[(lesson_id, student_id)].append(value)
        weights[student_id].append((value, weight))
        marked_lessons.add(lesson_id)
    attendance = dict(
        ((lesson_id, student_id), kind)
        for lesson_id, student_id, kind in Attendance.objects.filter(
            lesson_id__in=lesson_ids
        ).values_list("lesson_id", "student_id", "kind")
    )
    term_marks = dict(
        Mark.objects.filter(
            assignment=assignment, kind=MarkKind.TERM, period_number=term.number
        ).values_list("student_id", "value")
    )
    block = edit_block(assignment=assignment, term=term)
    cutoff = overdue_cutoff(today)
    cell_url = url_template("journal:cell", _FIRST_ID)
    lesson_url = lesson_url_template()
    columns = []
    for lesson in lessons:
        lesson.assignment = assignment
        is_future = lesson.date > today
        columns.append(
            GridColumn(
                lesson=lesson,
                work_type_abbreviation=str(WORK_TYPE_ABBREVIATIONS.get(lesson.work_type, "")),
                weight=WORK_WEIGHTS.get(lesson.work_type, 1),
                is_overdue=lesson.date <= cutoff
                and not (lesson.topic and lesson.pk in marked_lessons),
                is_future=is_future,
                is_writable=block is None
                and not is_future
                and policies.can_write_lesson(viewer, lesson),
                save_url=cell_url.replace(str(_FIRST_ID), str(lesson.pk)),
                url=lesson_url.replace(str(_FIRST_ID), str(lesson.pk)),
            )
        )
    rows = [
        GridRow(
            student=row.student,
            cells=_cells(row, columns, marks, attendance),
            average=weighted_average(weights.get(row.student.pk, ())),
            term_mark=period_text(term_marks.get(row.student.pk, "")),
        )
        for row in roster
    ]
    can_set_term_marks = (
        block is None
        and term.starts_on <= today
        and policies.can_set_period_marks(viewer, assignment)
    )
    return JournalGrid(
        assignment=assignment,
        year=year,
        terms=terms,
        term=term,
        columns=columns,
        rows=rows,
        block=block,
        is_writable=can_set_term_marks or any(column.is_writable for column in columns),
        can_set_term_marks=can_set_term_marks,
        term_mark_url=url_template("journal:period-mark", assignment.pk),
        has_overdue=any(column.is_overdue for column in columns),
    )


def _cells(
    row: RosterRow,
    columns: list[GridColumn],
    marks: dict[tuple[int, int], list[str]],
    attendance: dict[tuple[int, int], str],
) -> list[GridCell]:
    student_id = row.student.pk
    cells = []
    for column in columns:
        key = (column.lesson.pk, student_id)
        if key in marks or key in attendance:
            text = CellValue(
                marks=tuple(marks.get(key, ())), attendance=attendance.get(key, "")
            ).text
        else:
            text = ""
        if not row.covers(column.lesson.date):
            cells.append(GridCell(text=text, css="off", is_editable=False))
        elif column.is_future:
            cells.append(GridCell(text=text, css="future", is_editable=False))
        else:
            cells.append(GridCell(text=text, css="", is_editable=column.is_writable))
    return cells


def lesson_term_average(*, lesson: Lesson, student: Student) -> Decimal | None:
    """A student's weighted average of the journal's current marks in the term of the lesson
    (one query: the term's dates come from a subquery; no term, no average)."""
    term = Term.objects.filter(
        year_id=lesson.assignment.group.school_class.year_id,
        starts_on__lte=lesson.date,
        ends_on__gte=lesson.date,
    )
    pairs = list(
        Mark.objects.filter(
            assignment_id=lesson.assignment_id,
            student=student,
            kind=MarkKind.CURRENT,
            lesson__date__gte=Subquery(term.values("starts_on")[:1]),
            lesson__date__lte=Subquery(term.values("ends_on")[:1]),
        ).values_list("value", "weight")
    )
    return weighted_average(pairs)


# --- period marks («Итоговые») -----------------------------------------------------------------


@dataclass(frozen=True)
class PeriodColumn:
    """A column of period marks: its kind and number, its dates, and the term that locks it."""

    kind: str
    number: int
    title: str
    starts_on: date
    ends_on: date
    lock_term: Term | None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.number}"


def period_columns(year: AcademicYear, terms: list[Term]) -> list[PeriodColumn]:
    """Term marks, half-year marks (a year in quarters), year, exam and final marks, in order.

    A term mark locks with its term; a half-year mark with the half's last quarter; the year,
    exam and final marks with the last term of the year.
    """
    if not terms:
        return []
    columns = [
        PeriodColumn(
            kind=MarkKind.TERM,
            number=term.number,
            title=term.name,
            starts_on=term.starts_on,
            ends_on=term.ends_on,
            lock_term=term,
        )
        for term in terms
    ]
    by_number = {term.number: term for term in terms}
    if year.term_kind == AcademicYear.TermKind.QUARTER:
        for half in (1, 2):
            first, last = by_number.get(2 * half - 1), by_number.get(2 * half)
            if first is None or last is None:
                continue
            columns.append(
                PeriodColumn(
                    kind=MarkKind.HALF,
                    number=half,
                    title=str(_("%(number)s half-year") % {"number": half}),
                    starts_on=first.starts_on,
                    ends_on=last.ends_on,
                    lock_term=last,
                )
            )
    titles = {
        MarkKind.YEAR: _("Year"),
        MarkKind.EXAM: _("Exam"),
        MarkKind.FINAL: _("Final"),
    }
    for kind, title in titles.items():
        columns.append(
            PeriodColumn(
                kind=kind,
                number=0,
                title=str(title),
                starts_on=year.starts_on,
                ends_on=year.ends_on,
                lock_term=terms[-1],
            )
        )
    return columns


@dataclass
class FinalsHeader:
    column: PeriodColumn
    is_writable: bool
    block: str | None


@dataclass
class FinalsCell:
    text: str
    is_editable: bool


@dataclass
class FinalsRow:
    student: Student
    averages: list[Decimal | None]
    cells: list[FinalsCell]


@dataclass
class Finals:
    assignment: TeachingAssignment
    year: AcademicYear
    terms: list[Term]
    headers: list[FinalsHeader]
    rows: list[FinalsRow]
    blocks: list[str]
    is_writable: bool
    save_url: str


def journal_finals(
    *, viewer: Membership, assignment: TeachingAssignment, terms: list[Term]
) -> Finals:
    """Students × period marks of one journal, with each term's weighted average (3 queries,
    one more per closed term for its correction permit)."""
    year = assignment.group.school_class.year
    today = calendar.today()
    may_write = policies.can_set_period_marks(viewer, assignment)
    columns = period_columns(year, terms)
    blocks: dict[int | None, str | None] = {}
    headers = []
    for column in columns:
        lock_key = column.lock_term.pk if column.lock_term else None
        if lock_key not in blocks:
            blocks[lock_key] = edit_block(assignment=assignment, term=column.lock_term)
        block = blocks[lock_key]
        headers.append(
            FinalsHeader(
                column=column,
                is_writable=may_write and not block and column.starts_on <= today,
                block=block,
            )
        )
    roster = group_roster(group=assignment.group, starts_on=year.starts_on, ends_on=year.ends_on)
    pairs: dict[tuple[int, int], list[tuple[str, int]]] = defaultdict(list)
    for student_id, day, value, weight in Mark.objects.filter(
        assignment=assignment, kind=MarkKind.CURRENT
    ).values_list("student_id", "lesson__date", "value", "weight"):
        term = next((term for term in terms if term.contains(day)), None)
        if term is not None:
            pairs[(student_id, term.number)].append((value, weight))
    period_marks = {
        (student_id, kind, number): value
        for student_id, kind, number, value in Mark.objects.filter(assignment=assignment)
        .exclude(kind=MarkKind.CURRENT)
        .values_list("student_id", "kind", "period_number", "value")
    }
    rows = []
    for row in roster:
        student_id = row.student.pk
        cells = [
            FinalsCell(
                text=period_text(
                    period_marks.get((student_id, header.column.kind, header.column.number), "")
                ),
                is_editable=header.is_writable
                and _covers_span(row, header.column.starts_on, header.column.ends_on),
            )
            for header in headers
        ]
        rows.append(
            FinalsRow(
                student=row.student,
                averages=[
                    weighted_average(pairs.get((student_id, term.number), ())) for term in terms
                ],
                cells=cells,
            )
        )
    return Finals(
        assignment=assignment,
        year=year,
        terms=terms,
        headers=headers,
        rows=rows,
        blocks=_unique(block for block in blocks.values() if block),
        is_writable=any(header.is_writable for header in headers),
        save_url=url_template("journal:period-mark", assignment.pk),
    )


def _covers_span(row: RosterRow, starts_on: date, ends_on: date) -> bool:
    return any(start <= ends_on and (end is None or end >= starts_on) for start, end in row.spans)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def students_of_school(organization_id: int) -> QuerySet[Student]:
    """Students of a school (the cell and period-mark endpoints look one up by id)."""
    return Student.objects.filter(organization_id=organization_id).select_related("person")


def lesson_for_cell(*, viewer: Membership, lesson_id: int) -> Lesson | None:
    """A lesson of a journal the viewer may open, or None (the endpoint answers 404)."""
    lesson = (
        Lesson.objects.select_related(
            "assignment__group__school_class__year",
            "assignment__group__school_class__organization",
        )
        .filter(pk=lesson_id)
        .first()
    )
    if lesson is None or not policies.can_view_journal(viewer, lesson.assignment):
        return None
    return lesson
