"""The grid in a real browser: a teacher fills cells with the keyboard only (grid.js)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from parta.journal.models import Attendance, Mark

pytestmark = pytest.mark.browser


def signed_in_page(browser_context, region, persona, width=1280):
    client = Client()
    region.login(client, persona)
    context = browser_context(width=width)
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": context_url(context),
            }
        ]
    )
    return context.new_page()


def context_url(context):
    page = context.new_page()
    page.goto("/static/journal/grid.css")
    url = page.url.split("/static/")[0]
    page.close()
    return url


def cell_values(lesson, student):
    marks = list(
        Mark.objects.filter(lesson=lesson, student=student)
        .order_by("id")
        .values_list("value", flat=True)
    )
    attendance = Attendance.objects.filter(lesson=lesson, student=student).values_list(
        "kind", flat=True
    )
    return marks, list(attendance)


def test_teacher_fills_the_grid_with_the_keyboard(browser_context, region, school, screenshot):
    page = signed_in_page(browser_context, region, "teacher")
    assignment = school.assignments["math_5a"]
    page.goto(reverse("journal:grid", args=[assignment.pk]) + "?term=2")
    first, second = school.students["student"], school.students["pupil_2"]
    lesson = school.lessons("math_5a").filter(date=date(2026, 11, 20)).get()
    header = page.locator(f"[data-testid=lesson-{lesson.pk}]")
    column = header.evaluate("th => th.cellIndex")
    cell = page.locator(f"[data-testid=row-{first.pk}] > :nth-child({column + 1})")
    status = page.locator("[data-testid=grid-status]")

    # the teacher clicks the cell of 20.11, types 5 4 and presses Enter
    cell.click()
    page.keyboard.type("54")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "el => el.textContent.trim() === '5 4' && !el.classList.contains('saving')",
        arg=cell.element_handle(),
    )
    assert cell_values(lesson, first) == (["5", "4"], [])
    assert page.locator(f"[data-testid=average-{first.pk}]").inner_text() == "4,50"

    # the cursor went down to the next student: an absence, then Tab moves right
    below = page.locator(f"[data-testid=row-{second.pk}] > :nth-child({column + 1})")
    assert below.evaluate("el => el === document.activeElement")
    # (Playwright types letters off the US layout as text input without key events)
    page.keyboard.type("н")
    page.keyboard.press("Tab")
    page.wait_for_function("el => el.textContent.trim() === 'Н'", arg=below.element_handle())
    page.wait_for_function("el => !el.classList.contains('saving')", arg=below.element_handle())
    assert cell_values(lesson, second) == ([], ["absent"])

    # "jg" are the keys of «оп» on the Russian layout: the grid reads a forgotten layout switch
    right = page.locator(f"[data-testid=row-{second.pk}] > :nth-child({column + 2})")
    later = school.lessons("math_5a").filter(date__gt=lesson.date).first()
    assert right.evaluate("el => el === document.activeElement")
    page.keyboard.type("4jg")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "el => el.textContent.trim() === '4 ОП' && !el.classList.contains('saving')",
        arg=right.element_handle(),
    )
    assert cell_values(later, second) == (["4"], ["late"])
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")

    # back left and up with the arrows, Delete clears the first student's cell
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowUp")
    assert cell.evaluate("el => el === document.activeElement")
    page.keyboard.press("Delete")
    page.wait_for_function(
        "el => el.textContent.trim() === '' && !el.classList.contains('saving')",
        arg=cell.element_handle(),
    )
    assert cell_values(lesson, first) == ([], [])

    # a mark outside the scale: a message in the status line, the typed text stays, nothing saved
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    page.wait_for_function("el => el.classList.contains('error')", arg=cell.element_handle())
    assert cell.inner_text().strip() == "7"
    assert status.inner_text()
    assert cell_values(lesson, first) == ([], [])
    screenshot(page, "error")

    # Escape cancels an edit
    cell.click()
    page.keyboard.type("3")
    page.keyboard.press("Escape")
    assert cell.inner_text().strip() == "7"
    assert cell_values(lesson, first) == ([], [])
    # a second Escape gives up the refused entry: the stored (empty) value is shown again
    page.keyboard.press("Escape")
    assert cell.inner_text().strip() == ""
    assert "error" not in cell.get_attribute("class")

    # the term mark is typed in its own column
    term_cell = page.locator(f"[data-testid=term-mark-{first.pk}]")
    term_cell.click()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "el => el.textContent.trim() === '5' && !el.classList.contains('saving')",
        arg=term_cell.element_handle(),
    )
    assert Mark.objects.filter(student=first, kind="term", period_number=2, value="5").exists()
    screenshot(page, "filled")


def test_phone_scrolls_the_grid_with_names_in_view(browser_context, region, school, screenshot):
    page = signed_in_page(browser_context, region, "teacher", width=360)
    page.goto(reverse("journal:grid", args=[school.assignments["math_5a"].pk]))
    wrap = page.locator(".jgrid-wrap")
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
    wrap.evaluate("el => { el.scrollLeft = 600; }")
    name = page.locator(f"[data-testid=row-{school.students['student'].pk}] th.name")
    box = name.bounding_box()
    assert box["x"] < 40
    page_overflow = page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth"
    )
    assert page_overflow <= 0
    screenshot(page, "phone")


def test_teacher_types_a_year_mark_on_the_finals_page(browser_context, region, school, screenshot):
    page = signed_in_page(browser_context, region, "teacher")
    page.goto(reverse("journal:finals", args=[school.assignments["math_5a"].pk]))
    student = school.students["pupil_2"]
    column = page.locator("[data-testid=column-year-0]").evaluate("th => th.cellIndex")
    cell = page.locator(f"[data-testid=row-{student.pk}] > :nth-child({column + 1})")
    cell.click()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "el => el.textContent.trim() === '5' && !el.classList.contains('saving')",
        arg=cell.element_handle(),
    )
    assert Mark.objects.filter(student=student, kind="year", value="5").exists()
    # a mark out of the scale is refused with a message
    cell.click()
    page.keyboard.type("6")
    page.keyboard.press("Tab")
    page.wait_for_function("el => el.classList.contains('error')", arg=cell.element_handle())
    assert Mark.objects.filter(student=student, kind="year").get().value == "5"
    screenshot(page, "finals")
