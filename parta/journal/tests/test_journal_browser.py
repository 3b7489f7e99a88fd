"""The journal and the diary in a real browser: a teacher fills a lesson with the keyboard only,
a parent sees it in the diary, a closed term refuses edits.

Screenshots of every step land in var/screenshots/<test name>/.
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from parta.journal.models import Attendance, Homework, Lesson, Mark
from parta.web.tests.test_browser import PHONE_WIDTH, horizontal_overflow, log_in

pytestmark = pytest.mark.browser

TOPIC = "Сложение дробей с одинаковыми знаменателями"
HOMEWORK = "№ 412, 415 (стр. 96)"


def wait_for(page, check, message: str) -> None:
    """Poll the database (the live server writes it from its own thread) until `check` holds."""
    for _attempt in range(50):
        if check():
            return
        page.wait_for_timeout(100)
    raise AssertionError(message)


def open_grid_at(page, lesson: Lesson, row: int) -> None:
    """Put the grid's cursor on the cell of `lesson` in the `row`-th student row, by arrow keys."""
    headers = page.locator("table[data-grid] thead th.lesson")
    testids = [headers.nth(i).get_attribute("data-testid") for i in range(headers.count())]
    column = testids.index(f"lesson-{lesson.pk}")
    page.locator("table[data-grid] tbody td[data-c]").first.focus()
    for _step in range(column):
        page.keyboard.press("ArrowRight")
    for _step in range(row):
        page.keyboard.press("ArrowDown")


def test_teacher_fills_a_lesson_with_the_keyboard_and_the_parent_sees_it(
    browser_context, region, school, today, screenshot
):
    lesson = school.lessons("math_5a").get(date=date(2026, 11, 24))
    next_lesson = school.lessons("math_5a").get(date=date(2026, 11, 25))
    student = school.students["student"]
    page = browser_context().new_page()
    log_in(page, region.school, "teacher")

    page.goto(reverse("journal:lesson", args=[lesson.pk]))
    page.focus("#id_topic")
    page.keyboard.type(TOPIC)
    page.keyboard.press("Enter")
    wait_for(page, lambda: Lesson.objects.get(pk=lesson.pk).topic == TOPIC, "topic not saved")
    page.locator("[data-testid=homework-common-form] textarea").focus()
    page.keyboard.type(HOMEWORK)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    wait_for(
        page,
        lambda: Homework.objects.filter(lesson=lesson, text=HOMEWORK).exists(),
        "homework not saved",
    )
    screenshot(page, "lesson-filled")

    page.goto(reverse("journal:grid", args=[school.assignments["math_5a"].pk]) + "?term=2")
    open_grid_at(page, lesson, row=0)  # Алексеева Анна is the first row
    page.keyboard.type("54")
    page.keyboard.press("Enter")
    wait_for(
        page,
        lambda: (
            list(
                Mark.objects.filter(lesson=lesson, student=student).values_list("value", flat=True)
            )
            == ["5", "4"]
        ),
        "marks not saved",
    )
    # The cursor goes down once the server has answered; then back up and to the next lesson.
    page.locator("[data-testid=grid-status]").filter(has_text="5 4").wait_for()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")
    # The key of «Н» with the keyboard left in the Latin layout: the grid reads it as «н».
    page.keyboard.press("y")
    page.keyboard.press("Enter")
    wait_for(
        page,
        lambda: Attendance.objects.filter(
            lesson=next_lesson, student=student, kind="absent"
        ).exists(),
        "absence not saved",
    )
    average = page.locator(f"[data-testid=average-{student.pk}]")
    assert average.inner_text().strip() == "4,50"
    screenshot(page, "grid-filled")

    parent = browser_context(width=PHONE_WIDTH, height=740).new_page()
    log_in(parent, region.school, "parent")
    parent.goto(reverse("journal:diary") + f"?week=2026-11-23&student={student.pk}")
    day = parent.locator("[data-testid=diary-day-2026-11-24]")
    assert TOPIC in day.inner_text()
    assert HOMEWORK in day.inner_text()
    assert day.locator("[data-testid=diary-mark]").count() == 2
    wednesday = parent.locator("[data-testid=diary-day-2026-11-25]")
    assert wednesday.locator("[data-testid=diary-attendance]").first.inner_text().strip() == "Н"
    assert horizontal_overflow(parent) <= 0
    screenshot(parent, "diary-on-a-phone")


def test_a_closed_term_refuses_edits(page, region, school, today, screenshot):
    first = school.terms[0]
    first.closed_at = timezone.now()
    first.save(update_fields=["closed_at"])
    lesson = school.lessons("math_5a").filter(date__lte=first.ends_on).last()
    log_in(page, region.school, "teacher")

    page.goto(reverse("journal:grid", args=[school.assignments["math_5a"].pk]) + "?term=1")
    assert page.locator("[data-testid=journal-block]").is_visible()
    assert page.locator("table[data-grid] tbody td[data-e]").count() == 0
    open_grid_at(page, lesson, row=0)
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert not Mark.objects.filter(lesson=lesson).exists()
    screenshot(page, "closed-term")

    page.goto(reverse("journal:lesson", args=[lesson.pk]))
    assert page.locator("[data-testid=lesson-block]").is_visible()
    assert page.locator("[data-testid=lesson-form]").count() == 0
