"""«Планирование» in a real browser: each block saves in place, without reloading the page."""

import pytest
from django.urls import reverse

from parta.school.models import Holiday, Term

pytestmark = pytest.mark.browser


def open_as(page, client, live_server, region, persona: str, url: str) -> None:
    region.login(client, persona)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(url)


def test_deputy_head_closes_a_term_and_adds_late_holidays_in_place(
    page, live_server, client, school, region, screenshot
):
    open_as(page, client, live_server, region, "deputy_head", reverse("school:planning"))
    page.evaluate("window.notReloaded = true")
    screenshot(page, "planning")

    page.locator("[data-testid=term-1] [data-testid=term-close]").click()
    page.locator("[data-testid=term-1] [data-status=closed]").wait_for()
    assert Term.objects.get(pk=school.terms[0].pk).is_closed

    page.fill("#id_holiday-name", "День школы")
    page.fill("#id_holiday-starts_on", "2026-12-01")
    page.fill("#id_holiday-ends_on", "2026-12-01")
    page.locator("[data-testid=holiday-form] button[type=submit]").click()
    page.locator("#school-holidays [data-testid=note-warning]").wait_for()
    screenshot(page, "holiday-late")

    assert Holiday.objects.filter(name="День школы").exists()
    assert page.evaluate("window.notReloaded") is True


def test_municipal_staff_see_a_read_only_page_on_a_phone(
    browser_context, live_server, client, school, region, screenshot
):
    page = browser_context(width=360, height=740).new_page()
    url = reverse("school:planning-of", args=[region.school.pk])
    open_as(page, client, live_server, region, "municipal_staff", url)
    page.locator("[data-testid=terms]").wait_for()
    assert page.locator("main form").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "phone")
