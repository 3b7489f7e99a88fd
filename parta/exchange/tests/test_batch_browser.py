"""«Пакетное обновление» in a real browser: the secretary exports 5«А», edits the file (here, by
program), imports it, sees the dry run, applies it; a bad file shows the diagnostics and changes
nothing. Screenshots of every step land in var/screenshots/<test name>/."""

from pathlib import Path

import pytest
from django.urls import reverse

from parta.exchange.batch.fields import STUDENTS_SHEET
from parta.exchange.tests.batch_files import read, set_cell, write
from parta.exchange.tests.test_batch_import import snapshot
from parta.web.tests.test_browser import PHONE_WIDTH, horizontal_overflow, log_in

pytestmark = pytest.mark.browser
S = STUDENTS_SHEET


def export_class(page, tmp_path: Path, school_class) -> dict:
    page.goto(reverse("exchange:batch") + f"?school_class={school_class.pk}")
    with page.expect_download() as download:
        page.click("[data-testid=batch-export-submit]")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".xls"
    return read(path.read_bytes())


def import_file(page, tmp_path: Path, sheets: dict, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(write(sheets))
    page.set_input_files("[data-testid=batch-file]", str(path))
    page.click("[data-testid=batch-import-submit]")


def test_secretary_exports_edits_imports_and_applies(
    browser_context, region, school, today, tmp_path, screenshot
):
    anna = school.students["student"]
    page = browser_context().new_page()
    log_in(page, region.school, "secretary")

    sheets = export_class(page, tmp_path, school.class_5a)
    screenshot(page, "batch-page")
    set_cell(sheets, S, anna.pk, "Телефон", "+7 914 555-66-77")
    set_cell(sheets, S, anna.pk, "Адрес проживания", "г. Вилючинск, ул. Победы, д. 2")
    import_file(page, tmp_path, sheets, "5А-исправлено.xls")

    page.wait_for_selector("[data-testid=batch-dry-run]")
    assert page.locator("[data-testid=change]").count() == 2
    assert "+7 914 555-66-77" in page.inner_text("[data-testid=batch-changes]")
    screenshot(page, "dry-run")
    anna.person.refresh_from_db()
    assert anna.person.phone == ""

    page.click("[data-testid=batch-apply]")
    page.wait_for_selector("[data-testid=batch-applied]")
    screenshot(page, "applied")
    anna.refresh_from_db()
    anna.person.refresh_from_db()
    assert anna.person.phone == "+7 914 555-66-77"
    assert anna.residence_address == "г. Вилючинск, ул. Победы, д. 2"


def test_bad_file_shows_every_problem_and_changes_nothing(
    browser_context, region, school, today, tmp_path, screenshot
):
    anna = school.students["student"]
    page = browser_context(width=PHONE_WIDTH).new_page()
    log_in(page, region.school, "secretary")
    sheets = export_class(page, tmp_path, school.class_5a)
    set_cell(sheets, S, anna.pk, "Фамилия", "Иванова")
    set_cell(sheets, S, school.students["pupil_2"].pk, "СНИЛС", "112-233-445 00")
    set_cell(sheets, S, school.students["pupil_3"].pk, "Телефон", "+7 914 000-00-00")
    before = snapshot()

    import_file(page, tmp_path, sheets, "5А-с-ошибками.xls")

    page.wait_for_selector("[data-testid=batch-diagnostics]")
    codes = [
        page.locator("[data-testid=problem]").nth(i).get_attribute("data-code")
        for i in range(page.locator("[data-testid=problem]").count())
    ]
    assert codes == ["identity_changed", "snils_checksum"]
    assert page.locator("[data-testid=batch-apply]").count() == 0
    assert not horizontal_overflow(page)
    screenshot(page, "diagnostics-phone")
    assert snapshot() == before
