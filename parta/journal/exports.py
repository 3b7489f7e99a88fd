"""The reports as .xlsx files (openpyxl): a heading with the school, the class or term and the
date of the report, a bold frozen header row, column widths, numbers kept as numbers."""

from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _

from parta.core.spreadsheets import ONE_DECIMAL, TWO_DECIMALS, Cell, Column, Sheet
from parta.journal.selectors.reports import FillingReport, ResultsReport, RiskReport


def _date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _heading(school: str, subject: str, today: date) -> list[str]:
    return [school, subject, _("Report date: %(date)s") % {"date": _date(today)}]


def _text(parts: Sequence[object]) -> str:
    return ", ".join(str(part) for part in parts if part)


# --- The reports ------------------------------------------------------------------------------


def results_sheet(report: ResultsReport, *, school: str, today: date) -> Sheet:
    """«Итоги» of a class for a term."""
    columns = [Column(_("Student"), 32)]
    columns += [Column(column.name, 12) for column in report.columns]
    columns += [
        Column(_("Missed lessons"), 10),
        Column(_("Б (illness)"), 8),
        Column(_("У (excused)"), 8),
        Column(_("Н (unexcused)"), 8),
        Column(_("ОП (late)"), 8),
    ]
    sheet = Sheet(
        title=_("Results"),
        heading=_heading(
            school,
            _("Results of class %(class)s, %(term)s")
            % {"class": report.school_class, "term": report.term.name},
            today,
        ),
        columns=columns,
    )
    for row in report.rows:
        cells = [Cell(row.student.person.full_name)]
        for cell in row.cells:
            if not cell.applies or cell.value is None:
                cells.append(Cell(None))
            elif cell.is_term_mark:
                value = cell.value
                cells.append(Cell(value.upper() if isinstance(value, str) else value))
            else:
                cells.append(Cell(cell.value, TWO_DECIMALS, grey=True))
        absences = row.absences
        cells += [
            Cell(absences.total),
            Cell(absences.ill),
            Cell(absences.excused),
            Cell(absences.unexcused),
            Cell(absences.late),
        ]
        sheet.rows.append(cells)
    absences = report.absences
    sheet.footer = [
        [Cell(_("Absences in all"))]
        + [Cell(None) for _summary in report.summaries]
        + [
            Cell(absences.total),
            Cell(absences.ill),
            Cell(absences.excused),
            Cell(absences.unexcused),
            Cell(absences.late),
        ],
        [Cell(_("Class average"))]
        + [Cell(summary.average, TWO_DECIMALS) for summary in report.summaries],
        [Cell(_("Quality, % (4 and 5)"))]
        + [Cell(summary.quality, ONE_DECIMAL) for summary in report.summaries],
        [Cell(_("Success, % (without 2)"))]
        + [Cell(summary.success, ONE_DECIMAL) for summary in report.summaries],
    ]
    return sheet


def risk_sheet(report: RiskReport, *, school: str, scope_name: str, today: date) -> Sheet:
    """Students at risk: one row per low subject (the student's absences on their first row)."""
    sheet = Sheet(
        title=_("Students at risk"),
        heading=_heading(
            school,
            _(
                "Students at risk, %(scope)s, %(term)s: average below %(threshold)s or more "
                "than %(percent)s%% of lessons missed"
            )
            % {
                "scope": scope_name,
                "term": report.term.name,
                "threshold": report.threshold,
                "percent": report.absence_percent,
            },
            today,
        ),
        columns=[
            Column(_("Student"), 32),
            Column(_("Class"), 8),
            Column(_("Subject"), 24),
            Column(_("Weighted average"), 12),
            Column(_("Lessons"), 10),
            Column(_("Missed"), 10),
            Column(_("Missed, %"), 10),
        ],
    )
    for row in report.rows:
        subjects = row.subjects or [None]
        for index, subject in enumerate(subjects):
            first = index == 0
            sheet.rows.append(
                [
                    Cell(row.student.person.full_name),
                    Cell(str(row.school_class)),
                    Cell(subject.name if subject else None),
                    Cell(subject.average if subject else None, TWO_DECIMALS),
                    Cell(row.lessons if first else None),
                    Cell(row.missed if first else None),
                    Cell(row.missed_percent if first else None, ONE_DECIMAL),
                ]
            )
    return sheet


def filling_sheet(report: FillingReport, *, school: str, today: date) -> Sheet:
    """Journal filling per teacher, the worst first."""
    sheet = Sheet(
        title=_("Journal filling"),
        heading=_heading(
            school,
            _("Journal filling from %(from)s to %(to)s")
            % {"from": _date(report.starts_on), "to": _date(report.ends_on)},
            today,
        ),
        columns=[
            Column(_("Teacher"), 30),
            Column(_("Journals"), 40),
            Column(_("Lessons held"), 10),
            Column(_("Without a topic"), 10),
            Column(_("Without marks"), 10),
            Column(_("Overdue"), 10),
            Column(_("Missing period marks"), 12),
        ],
    )
    for row in report.rows:
        journals = "; ".join(
            _text([journal.group, journal.subject.name]) for journal in row.journals
        )
        sheet.rows.append(
            [
                Cell(row.teacher.person.full_name),
                Cell(journals),
                Cell(row.held),
                Cell(row.without_topic),
                Cell(row.without_marks),
                Cell(row.overdue),
                Cell(row.missing_term_marks),
            ]
        )
    return sheet
