"""«Итоги»: term marks or weighted averages, absences, the class's figures; the .xlsx twin."""

from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parta.core.testing.personas import SYSTEM
from parta.core.testing.school import TODAY
from parta.journal.models import Mark, MarkKind, WorkType
from parta.journal.services.cells import save_cell
from parta.students.services.enrolment import enrol_student, transfer_student


def results_url(region, school_class, term=2, **extra):
    url = reverse("journal:report-results", args=[region.school.pk])
    query = "&".join(f"{key}={value}" for key, value in extra.items())
    return f"{url}?class={school_class.pk}&term={term}" + (f"&{query}" if query else "")


def term_lessons(school, key, term=2):
    """Lessons of a journal in the term that took place before today."""
    start = school.terms[term - 1].starts_on
    return list(school.lessons(key).filter(date__gte=start, date__lt=TODAY))


def put(region, lesson, student, text, work_type=None):
    if work_type:
        lesson.work_type = work_type
        lesson.save(update_fields=["work_type"])
    save_cell(actor=region.member("teacher"), lesson=lesson, student=student, text=text, seen="")


def term_mark(region, school, key, student, value, term=2):
    Mark.objects.create(
        student=student,
        assignment=school.assignments[key],
        kind=MarkKind.TERM,
        period_number=term,
        value=value,
        author=region.members["teacher"],
    )


@pytest.fixture
def marked(region, school):
    """Math: Алексеева 5 and 4 (control, weight 3) → 4.25; Борисов 3 and 2 (control) → 2.25
    with term mark 3; Васильева Н, Б and ОП. English (subgroup): Алексеева 5."""
    students = school.students
    math = term_lessons(school, "math_5a")
    put(region, math[0], students["student"], "5")
    put(region, math[1], students["student"], "4", WorkType.CONTROL)
    put(region, math[0], students["pupil_2"], "3")
    put(region, math[1], students["pupil_2"], "2")
    put(region, math[2], students["pupil_3"], "н")
    put(region, math[3], students["pupil_3"], "б")
    put(region, math[4], students["pupil_3"], "оп")
    put(region, term_lessons(school, "english_5a")[0], students["student"], "5")
    term_mark(region, school, "math_5a", students["pupil_2"], "3")
    return school


def column_index(report, name):
    return [column.name for column in report.columns].index(name)


def row_of(report, student):
    return next(row for row in report.rows if row.student.pk == student.pk)


# The figures ---------------------------------------------------------------------------------


def test_results_show_the_term_mark_else_the_weighted_average(client, region, marked):
    region.login(client, "teacher")
    report = client.get(results_url(region, marked.class_5a)).context["report"]
    math = column_index(report, "Математика")
    first = row_of(report, marked.students["student"]).cells[math]
    second = row_of(report, marked.students["pupil_2"]).cells[math]
    third = row_of(report, marked.students["pupil_3"]).cells[math]
    assert (first.is_term_mark, first.value) == (False, Decimal("4.25"))
    assert (second.is_term_mark, second.value) == (True, 3)
    assert second.average == Decimal("2.25")
    assert third.value is None


def test_results_count_absences_by_reason_and_lateness_apart(client, region, marked):
    region.login(client, "deputy_head")
    report = client.get(results_url(region, marked.class_5a)).context["report"]
    absences = row_of(report, marked.students["pupil_3"]).absences
    assert (absences.total, absences.ill, absences.excused, absences.unexcused) == (2, 1, 0, 1)
    assert absences.late == 1
    assert (report.absences.total, report.absences.late) == (2, 1)


def test_results_footer_has_average_quality_and_success_per_subject(client, region, marked):
    region.login(client, "deputy_head")
    report = client.get(results_url(region, marked.class_5a)).context["report"]
    math = report.summaries[column_index(report, "Математика")]
    english = report.summaries[column_index(report, "Английский язык")]
    history = report.summaries[column_index(report, "История")]
    # Math: 4.25 (→ 4) and the term mark 3: average of the results, quality 1 of 2, success 2 of 2.
    assert (math.average, math.quality, math.success) == (
        Decimal("3.63"),
        Decimal("50.0"),
        Decimal("100.0"),
    )
    assert (english.average, english.quality, english.success) == (
        Decimal("5.00"),
        Decimal("100.0"),
        Decimal("100.0"),
    )
    assert (history.average, history.quality, history.success) == (None, None, None)


def test_subgroup_subject_counts_only_for_its_members(client, region, marked):
    region.login(client, "deputy_head")
    response = client.get(results_url(region, marked.class_5a))
    report = response.context["report"]
    english = column_index(report, "Английский язык")
    assert row_of(report, marked.students["student"]).cells[english].applies
    assert row_of(report, marked.students["pupil_2"]).cells[english].applies
    assert not row_of(report, marked.students["pupil_3"]).cells[english].applies


def test_results_list_students_who_were_in_the_class_during_the_term(client, region, school):
    # given Васильева moves to 5Б in the middle of the second quarter
    transfer_student(
        actor=SYSTEM,
        student=school.students["pupil_3"],
        school_class=school.class_5b,
        on=date(2026, 11, 16),
    )
    region.login(client, "deputy_head")
    # then she stays in the 5А results of the second quarter, marked as gone, and joins 5Б's
    report_5a = client.get(results_url(region, school.class_5a)).context["report"]
    row = row_of(report_5a, school.students["pupil_3"])
    assert row.left_on == date(2026, 11, 15)
    report_5b = client.get(results_url(region, school.class_5b)).context["report"]
    assert row_of(report_5b, school.students["pupil_3"]).joined_on == date(2026, 11, 16)
    # and the third quarter of 5А does not list her
    later = client.get(results_url(region, school.class_5a, term=3)).context["report"]
    assert school.students["pupil_3"].pk not in [r.student.pk for r in later.rows]


def test_results_default_to_the_first_class_and_the_current_term(client, region, school):
    region.login(client, "teacher")
    response = client.get(reverse("journal:report-results"))
    report = response.context["report"]
    assert (report.school_class, report.term.number) == (school.class_5a, 2)


# The page and the file hold the same numbers ----------------------------------------------


class TableReader(HTMLParser):
    """Rows of the report table: (data-testid of the row, [text of each cell])."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self.inside = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and attributes.get("data-testid") == "report-table":
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append((attributes.get("data-testid", ""), []))
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1][1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def html_rows(response) -> list[tuple[str, list[str]]]:
    reader = TableReader()
    reader.feed(response.content.decode())
    return [row for row in reader.rows if row[0]]


def number(text: str):
    """The page's number (Russian decimal comma) as the spreadsheet holds it."""
    if text in ("", "—"):
        return None
    value = float(text.replace(",", ".").replace("\xa0", ""))
    return int(value) if value.is_integer() and "," not in text else value


def sheet_rows(response):
    book = load_workbook(BytesIO(response.content))
    sheet = book.active
    first = sheet[sheet.freeze_panes].row
    return sheet, [list(row) for row in sheet.iter_rows(min_row=first, values_only=True)]


def test_results_xlsx_holds_the_same_numbers_as_the_page(client, region, marked):
    region.login(client, "teacher")
    page = client.get(results_url(region, marked.class_5a))
    file = client.get(results_url(region, marked.class_5a, format="xlsx"))
    _sheet, rows = sheet_rows(file)
    page_rows = html_rows(page)
    assert len(rows) == len(page_rows) == 3 + 4
    for (testid, cells), sheet_row in zip(page_rows, rows, strict=True):
        if testid == "result-row":
            # № and name on the page; the name alone in the file
            assert sheet_row[0] == cells[1]
            assert [number(text) for text in cells[2:]] == sheet_row[1:]
        else:
            assert [number(text) for text in cells[2:]] == [
                value for value in sheet_row[1 : len(cells) - 1]
            ]
    math = 1 + column_index(page.context["report"], "Математика")
    assert [row[math] for row in rows[:3]] == [4.25, 3, None]


def test_results_xlsx_has_heading_bold_frozen_header_and_a_russian_file_name(
    client, region, marked
):
    region.login(client, "deputy_head")
    response = client.get(results_url(region, marked.class_5a, format="xlsx"))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="results-{marked.class_5a.pk}-2.xlsx"' in disposition
    assert "filename*=UTF-8''" in disposition
    assert "5А" in unquote(disposition.split("filename*=UTF-8''")[1])
    sheet, rows = sheet_rows(response)
    header_row = sheet[sheet.freeze_panes].row - 1
    assert sheet.cell(row=1, column=1).value == "Школа № 1"
    assert "5А" in sheet.cell(row=2, column=1).value
    assert TODAY.strftime("%d.%m.%Y") in sheet.cell(row=3, column=1).value
    assert sheet.cell(row=header_row, column=1).font.bold
    assert sheet.cell(row=header_row, column=2).value == "Английский язык"
    assert sheet.column_dimensions["A"].width > 20
    math = [cell.value for cell in sheet[header_row]].index("Математика")
    assert rows[0][math] == 4.25  # Алексеева's math average is a number, not text
    assert sheet.cell(row=header_row + 1, column=math + 1).number_format == "0.00"


# Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["term=9", "term=abc", "class=abc"])
def test_bad_parameters_give_a_message_not_a_report(client, region, school, query):
    region.login(client, "deputy_head")
    url = reverse("journal:report-results", args=[region.school.pk])
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    assert response.context["report"] is None
    assert b'data-testid="report-errors"' in response.content


def test_bad_parameters_with_xlsx_give_the_page_with_the_message(client, region, school):
    region.login(client, "deputy_head")
    url = reverse("journal:report-results", args=[region.school.pk])
    response = client.get(f"{url}?term=9&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


# Query budget --------------------------------------------------------------------------------


def test_results_cost_the_same_queries_for_3_and_30_students(
    client, region, marked, django_assert_num_queries
):
    region.login(client, "deputy_head")
    url = results_url(region, marked.class_5a)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as small:
        small_page = client.get(url)
    with CaptureQueriesContext(connection) as small_file:
        client.get(url + "&format=xlsx")
    assert len(small_page.context["report"].rows) == 3
    math = term_lessons(marked, "math_5a")
    for index in range(27):
        pupil = enrol_student(
            actor=SYSTEM,
            school_class=marked.class_5a,
            on=date(2026, 9, 1) + timedelta(days=index % 3),
            person_fields={
                "last_name": f"Ученик{index:02d}",
                "first_name": "Иван",
                "middle_name": "Иванович",
                "sex": "male",
                "birth_date": date(2015, 1, 1),
            },
        )
        put(region, math[index % len(math)], pupil, "45" if index % 2 else "н")
    with django_assert_num_queries(len(small)):
        large_page = client.get(url)
    assert len(large_page.context["report"].rows) == 30
    with django_assert_num_queries(len(small_file)):
        client.get(url + "&format=xlsx")
