"""«Замены» in a real browser: the deputy head gives a lesson to a free teacher in place."""

from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser


def open_as(page, client, live_server, region, persona: str, url: str) -> None:
    region.login(client, persona)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(url)


def test_deputy_head_sets_a_substitute_in_place(
    page, live_server, client, school, region, screenshot
):
    math = school.lessons("math_5a").get(date=date(2026, 11, 25))
    director = region.members["director"]
    open_as(page, client, live_server, region, "deputy_head", reverse("journal:substitutions"))
    page.evaluate("window.notReloaded = true")
    row = page.locator(f"[data-testid=lesson-{math.pk}]")

    row.locator("select").select_option(str(director.pk))
    row.locator("input[type=text]").fill("14")
    row.locator("button[type=submit]").first.click()
    page.locator(f"[data-testid=lesson-{math.pk}] [data-testid=substitute]").wait_for()
    screenshot(page, "substituted")

    assert page.evaluate("window.notReloaded") is True
    math.refresh_from_db()
    assert (math.substitute_id, math.room) == (director.pk, "14")
