"""«Войти через Госуслуги» against a real OpenID Connect provider: node's oidc-provider on
127.0.0.1 as the Gosuslugi stand-in, parta's authlib client through Django's test client."""

import logging
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.oidc import StandInProvider, login_at_provider
from parta.identity.converters import UnitKey
from parta.identity.models import (
    Account,
    Consent,
    ExternalLogin,
    GosuslugiOnlyRole,
    MembershipRole,
    OrgRole,
    Person,
)
from parta.identity.services.gosuslugi import CONSENT_VERSION

CLIENT = {
    "client_id": "parta-test",
    "client_secret": "parta-test-secret",
    "redirect_uris": ["http://testserver/login/gosuslugi/callback/"],
}
TEACHER_SUB = "esia-teacher"
PARENT_SUB = "esia-parent"
STRANGER_SUB = "esia-stranger"


def claims_of(person: Person, **changes) -> dict:
    claims = {
        "family_name": person.last_name,
        "given_name": person.first_name,
        "middle_name": person.middle_name,
        "birthdate": person.birth_date.isoformat() if person.birth_date else None,
        "snils": person.snils or None,
        "email": "esia@example.ru",
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


@pytest.fixture(scope="module")
def provider():
    with StandInProvider().start(clients=[CLIENT], accounts={}) as running:
        yield running


@pytest.fixture(autouse=True)
def _gosuslugi(provider, settings):
    settings.GOSUSLUGI = {
        **settings.GOSUSLUGI,
        "ISSUER": provider.issuer,
        "CLIENT_ID": CLIENT["client_id"],
        "CLIENT_SECRET": CLIENT["client_secret"],
        "LEEWAY_SECONDS": 0,
    }
    yield
    provider.reset()


@pytest.fixture
def teacher(region, provider):
    person = region.member("teacher").person
    provider.set_accounts({TEACHER_SUB: claims_of(person)})
    return person


def start(client, organization=None) -> str:
    query = {"organization": organization.pk} if organization else {}
    response = client.get(reverse("identity:gosuslugi-start"), query)
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def follow_callback(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})


def log_in(client, subject: str, organization=None):
    """Start at parta, log in at the provider, come back: the callback's response."""
    return follow_callback(client, login_at_provider(start(client, organization), subject))


def agree(client):
    return client.post(reverse("identity:gosuslugi-consent"), {"answer": "agree"})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_login_page_offers_gosuslugi_once_configured(client, region):
    response = client.get(reverse("identity:login"))
    assert 'data-testid="login-gosuslugi"' in response.content.decode()


def test_the_redirect_carries_state_nonce_and_pkce(client, region):
    query = parse_qs(urlsplit(start(client, region.school)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == CLIENT["redirect_uris"]
    assert "snils" in query["scope"][0].split()


def test_first_login_asks_consent_then_links_and_enters_the_school(client, region, teacher):
    response = log_in(client, TEACHER_SUB, region.school)
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:gosuslugi-consent")
    assert not is_logged_in(client)
    assert not ExternalLogin.objects.exists()
    page = client.get(reverse("identity:gosuslugi-consent")).content.decode()
    assert teacher.full_name in page and CONSENT_VERSION in page

    response = agree(client)

    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert is_logged_in(client)
    link = ExternalLogin.objects.get()
    assert (link.account.person, link.subject) == (teacher, TEACHER_SUB)
    consent = Consent.objects.get(person=teacher)
    assert consent.version == CONSENT_VERSION and consent.given_at
    assert client.session["parta_membership_id"] == region.members["teacher"].pk
    assert client.get(reverse("web:home")).status_code == 200
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"identity.consent_given", "identity.gosuslugi_linked"} <= actions


def test_repeat_login_uses_the_link_and_asks_nothing(client, region, teacher, provider):
    log_in(client, TEACHER_SUB, region.school)
    agree(client)
    client.logout()
    # The card's СНИЛС is corrected afterwards: the link still finds the account.
    Person.objects.filter(pk=teacher.pk).update(snils="")
    provider.set_accounts({TEACHER_SUB: claims_of(teacher, family_name="Другая")})

    response = log_in(client, TEACHER_SUB, region.school)

    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert is_logged_in(client)
    assert Consent.objects.filter(person=teacher).count() == 1
    assert ExternalLogin.objects.get().last_login_at is not None


def test_a_parent_without_snils_is_found_by_name_and_birth_date_and_lands_in_the_diary(
    client, school, provider
):
    parent = Person.objects.get(last_name="Алексеева", first_name="Ольга")
    assert not parent.snils
    provider.set_accounts({PARENT_SUB: claims_of(parent, snils="11223344595")})
    log_in(client, PARENT_SUB)
    response = agree(client)
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 302 and home["Location"] == reverse("journal:diary")
    assert client.get(home["Location"]).status_code == 200


def test_nobody_matches(client, region, provider):
    provider.set_accounts(
        {
            STRANGER_SUB: {
                "family_name": "Незнакомова",
                "given_name": "Анна",
                "middle_name": "Ивановна",
                "birthdate": "1990-01-01",
                "snils": "11223344595",
            }
        }
    )
    response = log_in(client, STRANGER_SUB, region.school)
    page = response.content.decode()
    assert response.status_code == 403
    assert "112-233-445 95" in page and "Незнакомова Анна Ивановна" in page
    assert 'data-testid="gosuslugi-contact"' in page and region.school.short_name in page
    assert not is_logged_in(client)
    assert not ExternalLogin.objects.exists() and not Consent.objects.exists()


def test_two_cards_without_snils_with_one_name_and_birth_date_are_ambiguous(
    client, region, provider
):
    twins = [
        Person.objects.create(
            last_name="Двойникова",
            first_name="Мария",
            middle_name="Петровна",
            birth_date=date(1980, 3, 3),
        )
        for _ in range(2)
    ]
    provider.set_accounts({STRANGER_SUB: claims_of(twins[0], snils="11223344595")})
    response = log_in(client, STRANGER_SUB)
    assert response.status_code == 403
    assert response.context["kind"] == "ambiguous"
    assert "112-233-445 95" in response.content.decode()
    assert not ExternalLogin.objects.exists()


def test_a_namesake_card_with_another_snils_is_not_taken(client, region, teacher, provider):
    provider.set_accounts({STRANGER_SUB: claims_of(teacher, snils="11223344595")})
    response = log_in(client, STRANGER_SUB)
    assert response.status_code == 403
    assert response.context["kind"] == "not_found"
    assert "другой СНИЛС" in response.content.decode()


def test_a_card_linked_to_another_gosuslugi_account_is_refused(client, region, teacher, provider):
    log_in(client, TEACHER_SUB)
    agree(client)
    client.logout()
    provider.set_accounts({STRANGER_SUB: claims_of(teacher)})
    response = log_in(client, STRANGER_SUB)
    assert response.status_code == 403 and response.context["kind"] == "other_link"
    assert ExternalLogin.objects.count() == 1


def test_declining_the_consent_links_nothing(client, region, teacher):
    log_in(client, TEACHER_SUB)
    response = client.post(reverse("identity:gosuslugi-consent"), {"answer": "decline"})
    assert response.context["kind"] == "declined"
    assert not is_logged_in(client)
    assert not ExternalLogin.objects.exists() and not Consent.objects.exists()
    assert client.get(reverse("identity:gosuslugi-consent")).status_code == 302


def test_a_wrong_state_is_refused(client, region, teacher):
    callback = login_at_provider(start(client), TEACHER_SUB)
    tampered = callback.replace("state=", "state=forged")
    response = follow_callback(client, tampered)
    assert response.status_code == 400 and response.context["kind"] == "refused"
    assert not is_logged_in(client) and not ExternalLogin.objects.exists()


def test_a_callback_replayed_is_refused(client, region, teacher):
    callback = login_at_provider(start(client), TEACHER_SUB)
    assert follow_callback(client, callback).status_code == 302
    assert follow_callback(client, callback).status_code == 400


def test_a_wrong_nonce_is_refused(client, region, teacher):
    callback = login_at_provider(start(client), TEACHER_SUB)
    session = client.session
    for key, value in session.items():
        if key.startswith("_state_gosuslugi_"):
            value["data"]["nonce"] = "forged-nonce"
            session[key] = value
    session.save()
    response = follow_callback(client, callback)
    assert response.status_code == 400
    assert not ExternalLogin.objects.exists()


def test_a_tampered_id_token_is_refused(client, region, teacher, provider):
    provider.settings(tamper_id_token=True)
    response = log_in(client, TEACHER_SUB)
    assert response.status_code == 400 and response.context["kind"] == "refused"
    assert not is_logged_in(client)


def test_an_expired_id_token_is_refused(client, region, teacher, provider):
    provider.settings(id_token_ttl=60, id_token_age=120)
    response = log_in(client, TEACHER_SUB)
    assert response.status_code == 400 and response.context["kind"] == "refused"
    assert not is_logged_in(client)


def test_a_backdated_token_within_its_lifetime_is_accepted(client, region, teacher, provider):
    provider.settings(id_token_ttl=600, id_token_age=120)
    assert log_in(client, TEACHER_SUB).status_code == 302


def test_cancelling_at_the_provider(client, region, teacher):
    callback = login_at_provider(start(client), TEACHER_SUB, deny=True)
    response = follow_callback(client, callback)
    assert response.status_code == 400 and response.context["kind"] == "cancelled"


def test_the_provider_down_gives_a_clear_page(client, region, settings):
    with StandInProvider().start(clients=[CLIENT], accounts={}) as other:
        issuer = other.issuer
    settings.GOSUSLUGI = {**settings.GOSUSLUGI, "ISSUER": issuer}
    response = client.get(reverse("identity:gosuslugi-start"))
    assert response.status_code == 503
    assert "Госуслуги не отвечают" in response.content.decode()


def test_the_provider_down_at_the_callback(client, region, teacher, settings):
    with StandInProvider().start(clients=[CLIENT], accounts={}) as other:
        other.set_accounts({TEACHER_SUB: claims_of(teacher)})
        settings.GOSUSLUGI = {**settings.GOSUSLUGI, "ISSUER": other.issuer}
        callback = login_at_provider(start(client), TEACHER_SUB)
    response = follow_callback(client, callback)
    assert response.status_code == 503
    assert not is_logged_in(client)


def test_tokens_never_reach_the_log(client, region, teacher, caplog):
    caplog.set_level(logging.DEBUG)
    log_in(client, TEACHER_SUB)
    agree(client)
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "eyJ" not in text  # no JWT
    assert "code_verifier" not in text and "access_token" not in text


def test_a_blocked_account_is_not_let_in(client, region, teacher):
    Account.objects.filter(person=teacher).update(is_active=False)
    response = log_in(client, TEACHER_SUB)
    assert response.status_code == 403 and response.context["kind"] == "blocked"


def test_a_person_without_an_account_gets_one_without_a_password(client, school, provider):
    parent = Person.objects.get(last_name="Алексеева", first_name="Ольга")
    Account.objects.filter(person=parent).delete()
    provider.set_accounts({PARENT_SUB: claims_of(parent)})
    log_in(client, PARENT_SUB)
    agree(client)
    account = Account.objects.get(person=parent)
    assert not account.has_usable_password()
    assert is_logged_in(client)


# --- Gosuslugi as the only way in for chosen roles ------------------------------------------------


def password_login(client, region, persona: str):
    member = region.member(persona)
    return client.post(
        reverse("identity:login"),
        {
            "target": "org",
            "organization": member.organization_id,
            "login": member.person.account.login,
            "password": "Persona-password-1",
        },
    )


@pytest.fixture
def teachers_only_through_gosuslugi(region):
    GosuslugiOnlyRole.objects.create(region=region.region, role=OrgRole.TEACHER)


def test_a_gosuslugi_only_role_cannot_log_in_with_a_password(
    client, region, teachers_only_through_gosuslugi
):
    response = password_login(client, region, "teacher")
    assert response.status_code == 200
    assert "только через Госуслуги" in response.content.decode()
    assert not is_logged_in(client)


def test_administrators_keep_the_password(client, region, teachers_only_through_gosuslugi):
    member = region.member("admin")
    MembershipRole.objects.create(membership=member, role=OrgRole.TEACHER)
    response = password_login(client, region, "admin")
    assert response.status_code == 302
    assert client.session["parta_role"] == OrgRole.ADMIN
    page = client.get(reverse("identity:choose-cabinet")).content.decode()
    assert f'data-testid="enter-{member.pk}-admin"' in page
    assert f'data-testid="enter-{member.pk}-teacher"' not in page
    assert f'data-testid="gosuslugi-only-{member.pk}"' in page
    forbidden = {"membership": member.pk, "role": OrgRole.TEACHER}
    assert client.post(reverse("identity:choose-cabinet"), forbidden).status_code == 404


def test_through_gosuslugi_the_role_is_open(
    client, region, teacher, teachers_only_through_gosuslugi
):
    log_in(client, TEACHER_SUB, region.school)
    agree(client)
    assert client.session["parta_role"] == OrgRole.TEACHER


def test_without_a_provider_nobody_is_held_to_gosuslugi(
    client, region, teachers_only_through_gosuslugi, settings
):
    settings.GOSUSLUGI = {**settings.GOSUSLUGI, "ISSUER": ""}
    assert password_login(client, region, "teacher").status_code == 302


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("regional_admin", True), ("municipal_admin", False), ("admin", False), ("teacher", False)],
)
def test_only_the_regional_administrator_sets_the_login_rules(client, region, persona, allowed):
    region.login(client, persona)
    url = reverse("identity:login-settings")
    response = client.post(url, {"roles": [OrgRole.TEACHER, "guardian"]})
    assert (response.status_code == 302) == allowed
    assert GosuslugiOnlyRole.objects.exists() == allowed
    if allowed:
        entry = AuditEntry.objects.get(action="identity.gosuslugi_only_roles_set")
        assert entry.after == {"roles": ["guardian", OrgRole.TEACHER]}
        shown = client.get(url).context["form"]["roles"].value()
        assert sorted(shown) == ["guardian", OrgRole.TEACHER]


def test_the_administrator_role_cannot_be_held_to_gosuslugi(client, region):
    region.login(client, "regional_admin")
    response = client.post(reverse("identity:login-settings"), {"roles": [OrgRole.ADMIN]})
    assert response.status_code == 200 and response.context["form"].errors
    assert not GosuslugiOnlyRole.objects.exists()


# --- Accepting an invitation through Gosuslugi ---------------------------------------------------

STRANGER = {
    "family_name": "Новикова",
    "given_name": "Елена",
    "middle_name": "Олеговна",
    "birthdate": "1991-06-05",
    "snils": "11223344595",
    "passport_series": "4510",
    "passport_number": "123456",
}


def invitation_link(client, region, django_capture_on_commit_callbacks, **fields) -> str:
    region.login(client, "admin")
    url = reverse("identity:invitations", args=[UnitKey("org", region.school.pk)])
    data = {"last_name": "Новикова", "first_name": "Елена", "email": "n@example.ru", **fields}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    client.logout()
    return re.search(r"http://testserver(/invitation/[^/\s]+/)", mail.outbox[-1].body).group(1)


def gosuslugi_for(client, link: str, subject: str):
    authorize = client.get(reverse("identity:gosuslugi-start"), {"next": link})["Location"]
    return follow_callback(client, login_at_provider(authorize, subject))


def test_a_new_person_accepts_an_invitation_through_gosuslugi(
    client, region, provider, django_capture_on_commit_callbacks
):
    link = invitation_link(client, region, django_capture_on_commit_callbacks, snils="11223344595")
    provider.set_accounts({STRANGER_SUB: STRANGER})
    response = gosuslugi_for(client, link, STRANGER_SUB)
    assert response.status_code == 302 and response["Location"] == link
    page = client.get(link)
    assert page.context["verified"].snils == "11223344595"
    assert not Person.objects.filter(last_name="Новикова").exists()

    response = client.post(link, {"action": "gosuslugi"})

    assert response.status_code == 302
    person = Person.objects.get(last_name="Новикова")
    assert (person.snils, person.passport_number) == ("11223344595", "123456")
    assert ExternalLogin.objects.get().account.person == person
    assert Consent.objects.filter(person=person, version=CONSENT_VERSION).exists()
    assert person.memberships.get().organization == region.school
    assert client.session["parta_auth"] == "gosuslugi"


def test_gosuslugi_with_another_snils_cannot_take_the_invitation(
    client, region, provider, django_capture_on_commit_callbacks
):
    link = invitation_link(client, region, django_capture_on_commit_callbacks, snils="12345678964")
    provider.set_accounts({STRANGER_SUB: STRANGER})
    gosuslugi_for(client, link, STRANGER_SUB)
    response = client.post(link, {"action": "gosuslugi"})
    assert response.status_code == 200 and response.context["error"]
    assert not Person.objects.filter(last_name="Новикова").exists()
    assert not ExternalLogin.objects.exists()


def test_a_known_person_logs_in_through_gosuslugi_and_accepts(
    client, region, provider, django_capture_on_commit_callbacks
):
    person = region.member("other_school_teacher").person
    link = invitation_link(client, region, django_capture_on_commit_callbacks, snils=person.snils)
    provider.set_accounts({STRANGER_SUB: claims_of(person)})
    response = gosuslugi_for(client, link, STRANGER_SUB)
    assert response["Location"] == reverse("identity:gosuslugi-consent")
    response = agree(client)
    assert response["Location"] == link
    assert client.post(link).status_code == 302
    assert person.memberships.filter(organization=region.school).exists()


def test_yo_and_ye_are_the_same_letter_for_matching(client, region, provider):
    card = Person.objects.create(
        last_name="Королев",
        first_name="Алена",
        middle_name="Петровна",
        birth_date=date(1983, 2, 1),
    )
    region.school.memberships.create(person=card, kind="staff")
    provider.set_accounts(
        {
            STRANGER_SUB: {
                "family_name": "Королёв",
                "given_name": "Алёна",
                "middle_name": "Петровна",
                "birthdate": "1983-02-01",
                "snils": "11223344595",
            }
        }
    )
    response = log_in(client, STRANGER_SUB)
    assert response["Location"] == reverse("identity:gosuslugi-consent")
    agree(client)
    assert ExternalLogin.objects.get().account.person == card
