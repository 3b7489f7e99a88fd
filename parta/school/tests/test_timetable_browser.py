"""«Расписание» in a real browser: the deputy head moves a lesson without reloading the page."""

from datetime import date

import pytest
from django.urls import reverse

from parta.school.models import TimetableEntry

pytestmark = pytest.mark.browser


def open_as(page, client, live_server, region, persona: str, url: str) -> None:
    region.login(client, persona)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(url)


def test_deputy_head_moves_a_lesson_from_a_date_in_place(
    page, live_server, client, school, region, screenshot
):
    math = TimetableEntry.objects.get(assignment=school.assignments["math_5a"], weekday=2, period=1)
    url = f"{reverse('school:timetable')}?class={school.class_5a.pk}&date=2026-12-02"
    open_as(page, client, live_server, region, "deputy_head", url)
    page.evaluate("window.notReloaded = true")

    page.locator(f"[data-testid=edit-{math.pk}]").click()
    page.locator(f"[data-testid=entry-form] #id_entry[value='{math.pk}']").wait_for(
        state="attached"
    )
    page.locator("[data-testid=entry-form] #id_period").select_option("4")
    page.fill("[data-testid=entry-form] #id_starts_on", "2026-11-30")
    screenshot(page, "editor")
    page.locator("[data-testid=entry-form] button[type=submit]").first.click()
    page.locator("[data-testid=timetable-saved]").wait_for()
    screenshot(page, "saved")

    assert page.evaluate("window.notReloaded") is True
    moved = TimetableEntry.objects.get(
        assignment=school.assignments["math_5a"], weekday=2, period=4
    )
    assert moved.starts_on == date(2026, 11, 30)
    assert page.locator(f"[data-testid=slot-2-4] [data-testid=entry-{moved.pk}]").count() == 1
    assert page.locator("[data-testid=slot-2-1] .timetable-lesson").count() == 0
