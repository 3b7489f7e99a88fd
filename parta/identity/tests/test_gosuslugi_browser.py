"""Issue 6 in a real browser: a parent chooses the school on the login page, presses «Войти через
Госуслуги», logs in at the stand-in provider (node's oidc-provider on 127.0.0.1), consents once
to the transfer of personal data and lands in the diary; the second login asks nothing.
Screenshots of every step land in var/screenshots/<test name>/."""

import re

import pytest

from parta.core.testing.oidc import StandInProvider
from parta.identity.models import Consent, ExternalLogin, Person

pytestmark = pytest.mark.browser
SUBJECT = "esia-parent-browser"


@pytest.fixture
def provider(live_server, settings, school):
    parent = Person.objects.get(last_name="Алексеева", first_name="Ольга")
    client = {
        "client_id": "parta-browser",
        "client_secret": "parta-browser-secret",
        "redirect_uris": [f"{live_server.url}/login/gosuslugi/callback/"],
    }
    accounts = {
        SUBJECT: {
            "family_name": parent.last_name,
            "given_name": parent.first_name,
            "middle_name": parent.middle_name,
            "birthdate": parent.birth_date.isoformat(),
            "snils": "11223344595",
        }
    }
    with StandInProvider().start(clients=[client], accounts=accounts) as running:
        settings.GOSUSLUGI = {
            **settings.GOSUSLUGI,
            "ISSUER": running.issuer,
            "CLIENT_ID": client["client_id"],
            "CLIENT_SECRET": client["client_secret"],
        }
        yield running


def gosuslugi_login(page, organization) -> None:
    page.goto("/login/")
    with page.expect_response(lambda response: "/login/organizations/" in response.url):
        page.fill("#id_org_search", organization.short_name)
    page.locator("#organization-options option").first.wait_for()
    page.select_option("#organization-options", str(organization.pk))
    page.click("[data-testid=login-gosuslugi]")


def test_a_parent_logs_in_through_gosuslugi_consents_and_lands_in_the_diary(
    browser_context, provider, school, region, screenshot
):
    page = browser_context().new_page()
    gosuslugi_login(page, region.school)
    page.locator("form#login-form").wait_for()
    assert page.url.startswith(provider.issuer)
    screenshot(page, "provider-login")
    page.fill("input[name=login]", SUBJECT)
    page.fill("input[name=password]", "any")
    page.get_by_role("button", name="Войти").click()

    page.locator("[data-testid=consent-text]").wait_for()
    assert "Алексеева Ольга Викторовна" in page.content()
    screenshot(page, "consent")
    page.click("[data-testid=consent-agree]")
    page.wait_for_url(re.compile(r"/diary/"))
    screenshot(page, "diary")
    assert page.locator("h1").first.inner_text()
    parent = Person.objects.get(last_name="Алексеева", first_name="Ольга")
    assert Consent.objects.filter(person=parent).count() == 1
    assert ExternalLogin.objects.get().subject == SUBJECT

    # The second login (cookies of both sites gone): parta's link, no consent page.
    page.context.clear_cookies()
    gosuslugi_login(page, region.school)
    page.fill("input[name=login]", SUBJECT)
    page.fill("input[name=password]", "any")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(re.compile(r"/diary/"))
    assert Consent.objects.filter(person=parent).count() == 1
