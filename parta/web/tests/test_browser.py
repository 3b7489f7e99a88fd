"""Stories in a real browser: Debian's chromium through Playwright against the live server.

Screenshots of every step land in var/screenshots/<test name>/.
"""

import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext

from parta.core.testing.personas import PASSWORD
from parta.identity.models import DerivedRole, Membership, OrgRole

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360


def russian(message) -> str:
    """What the interface shows for this msgid (or lazy label): its Russian text once translated."""
    with translation.override("ru"):
        return gettext(str(message)) if isinstance(message, str) else str(message)


def log_in(page, organization, login: str, password: str = PASSWORD) -> None:
    """The login page as a person uses it: search the school, choose it, type login and password."""
    page.goto("/login/")
    query = organization.short_name
    with page.expect_response(lambda response: "/login/organizations/" in response.url):
        page.fill("#id_org_search", query)
    options = page.locator("#organization-options option")
    options.first.wait_for()
    assert all(query in text for text in options.all_inner_texts())
    page.select_option("#organization-options", str(organization.pk))
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(re.compile(r"/$"))


def log_out(page) -> None:
    page.locator("header form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/login/"))


def header_text(page, testid: str) -> str:
    return page.locator(f"[data-testid={testid}]").inner_text()


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scroll)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def test_admin_finds_the_school_logs_in_and_out(page, region, screenshot):
    page.goto("/login/")
    screenshot(page, "login-page")
    log_in(page, region.school, "admin")
    screenshot(page, "cabinet")
    assert header_text(page, "cabinet").startswith(region.school.short_name)
    assert russian(OrgRole.ADMIN.label) in header_text(page, "current-role")
    assert header_text(page, "person-name") == region.member("admin").person.short_name
    log_out(page)
    screenshot(page, "logged-out")
    assert page.locator("[data-testid=login-submit]").is_visible()
    assert page.locator("[data-testid=cabinet]").count() == 0


def test_wrong_password_keeps_the_visitor_on_the_login_page(page, region, screenshot):
    page.goto("/login/")
    page.select_option("#organization-options", str(region.school.pk))
    page.fill("#id_login", "admin")
    page.fill("#id_password", "not-the-password")
    page.click("[data-testid=login-submit]")
    page.locator("[data-testid=login-error]").wait_for()
    screenshot(page, "wrong-password")
    assert page.locator("[data-testid=cabinet]").count() == 0


def test_login_form_and_header_fit_a_360_px_phone(browser_context, region, screenshot):
    page = browser_context(width=PHONE_WIDTH, height=740).new_page()
    page.goto("/login/")
    screenshot(page, "login-360")
    assert horizontal_overflow(page) <= 0
    form = page.locator("form[method=post]").first.bounding_box()
    assert form["x"] >= 0 and form["x"] + form["width"] <= PHONE_WIDTH
    log_in(page, region.school, "admin")
    screenshot(page, "cabinet-360")
    assert horizontal_overflow(page) <= 0
    header = page.locator("header").first.bounding_box()
    assert header["x"] >= 0 and header["x"] + header["width"] <= PHONE_WIDTH
    for testid in ("cabinet", "current-role", "person-name"):
        box = page.locator(f"[data-testid={testid}]").bounding_box()
        assert box["x"] + box["width"] <= PHONE_WIDTH, testid


def staff_screens_exist(school) -> bool:
    try:
        for name in ("staff-list", "staff-add", "staff-import"):
            reverse(f"identity:{name}", args=[school])
        reverse("identity:staff-card", args=[1])
        reverse("identity:org-card", args=[1])
    except NoReverseMatch:
        return False
    return True


def fill_staff_form(page, *, last, first, middle, birth, login, password, teacher=True) -> None:
    page.fill("#id_last_name", last)
    page.fill("#id_first_name", first)
    page.fill("#id_middle_name", middle)
    page.fill("#id_birth_date", birth)
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    if teacher:
        page.check(f"input[name=roles][value={OrgRole.TEACHER}]")


def test_admin_adds_a_teacher_imports_a_namesake_and_sets_the_head(page, region, screenshot):
    """Seed 000: «Добавить» a new teacher; a person who works in another school is not created
    twice but imported («Импорт из другой ОО»); the head is chosen on the card («Администрация»)
    and then logs in with the same login and password and sees «Руководитель ОО»."""
    if not staff_screens_exist(region.school):
        pytest.skip("the staff screens are not there yet")
    school = region.school
    log_in(page, school, "admin")

    # Управление → Пользователи → Сотрудники → Добавить
    page.get_by_role("link", name=russian("Management"), exact=True).first.click()
    page.locator(f"a[href='{reverse('identity:staff-list', args=[school])}']").click()
    page.locator("[data-testid=staff-table], [data-testid=staff-count]").first.wait_for()
    screenshot(page, "staff-list")
    page.click("[data-testid=staff-add]")
    fill_staff_form(
        page,
        last="Новикова",
        first="Анна",
        middle="Сергеевна",
        birth="12.03.1991",
        login="novikova.a",
        password="Uchitel-2026-new",
    )
    screenshot(page, "new-teacher-form")
    page.click("[data-testid=staff-add-submit]")
    page.wait_for_url(re.compile(r"/staff/\d+/$"))
    screenshot(page, "new-teacher-card")
    added = Membership.objects.get(organization=school, person__last_name="Новикова")
    assert added.role_codes == [OrgRole.TEACHER]

    # The same ФИО and birth date as a teacher of Школа № 2: stopped, offered the import.
    namesake = region.member("other_school_teacher").person
    page.goto(reverse("identity:staff-add", args=[school]))
    fill_staff_form(
        page,
        last=namesake.last_name,
        first=namesake.first_name,
        middle=namesake.middle_name,
        birth=namesake.birth_date.strftime("%d.%m.%Y"),
        login="second.card",
        password="Vtoraya-kartochka-1",
    )
    page.click("[data-testid=staff-add-submit]")
    warning = page.locator("[data-testid=possible-duplicate]")
    warning.wait_for()
    screenshot(page, "duplicate-stopped")
    assert region.other_school.short_name in warning.inner_text()
    assert not Membership.objects.filter(organization=school, person=namesake).exists()

    page.click("[data-testid=import-instead]")
    page.locator("ul.messages li").first.wait_for()
    screenshot(page, "imported")
    imported = Membership.objects.get(organization=school, person=namesake, kind="staff")
    assert namesake.memberships.count() == 2
    assert not Membership.objects.filter(person__account__login="second.card").exists()

    # Управление → Карточка ОО → Администрация: choose the imported teacher as the head.
    page.get_by_role("link", name=russian("Management"), exact=True).first.click()
    page.locator(f"a[href='{reverse('identity:org-card', args=[school.pk])}']").click()
    page.click("[data-testid=tab-admin]")
    page.locator("[data-testid=card-admin]").wait_for()
    page.select_option("select[name='admin-director']", str(imported.pk))
    page.locator("[data-testid=card-admin] button[type=submit]").click()
    page.locator("[data-testid=current-director]", has_text=namesake.full_name).wait_for()
    screenshot(page, "head-chosen")
    imported.refresh_from_db()
    assert imported.is_director
    log_out(page)

    # The head logs in to Школа № 1 with the login and password of Школа № 2.
    log_in(page, school, "other.school.teacher")
    screenshot(page, "head-cabinet")
    assert header_text(page, "cabinet").startswith(school.short_name)
    assert russian(DerivedRole.DIRECTOR.label) in header_text(page, "current-role")
    log_out(page)
