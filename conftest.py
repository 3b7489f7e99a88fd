import pytest

from parta.core.testing.personas import PersonaRegion, build_region
from parta.core.testing.school import TODAY, PersonaSchool, build_school


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is the production hasher; tests that do not test hashing use a fast one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def region(db) -> PersonaRegion:
    return build_region()


@pytest.fixture
def today(monkeypatch):
    """Freeze the school calendar's today at `TODAY`, a Wednesday of the second quarter."""
    monkeypatch.setattr("parta.core.calendar.today", lambda: TODAY)
    return TODAY


@pytest.fixture
def school(region, today) -> PersonaSchool:
    """The persona region with the 2026/2027 year of Школа № 1: classes, students, lessons."""
    return build_school(region)


# --- Browser tests (marker `browser`) ------------------------------------------------------------
# Debian's chromium (/usr/bin/chromium, installed by scripts/install-test-tools; never
# `playwright install`) driven by Playwright's sync API against pytest-django's live_server.

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """One chromium for the whole session; each test opens its own context."""
    import os

    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: run scripts/install-test-tools"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test thread, which makes Django refuse
    # ORM calls there; the test thread is not really asynchronous, so say so.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_context(browser, live_server):
    """A fresh browser profile (no cookies) that speaks Russian and opens the live server."""
    contexts = []

    def open_context(width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_server.url,
            locale="ru-RU",
            viewport={"width": width, "height": height},
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(browser_context):
    """A desktop-sized page of a fresh browser profile."""
    return browser_context().new_page()


@pytest.fixture
def screenshot(request):
    """Save a numbered screenshot of a step under var/screenshots/<test name>/."""
    import re
    import shutil
    from pathlib import Path

    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    directory = Path(__file__).resolve().parent / "var" / "screenshots" / name
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    steps = []

    def take(page, step: str) -> Path:
        steps.append(step)
        path = directory / f"{len(steps):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
