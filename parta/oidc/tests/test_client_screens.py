"""«Клиенты OpenID Connect»: who opens the screens, what bad input says, the secret shown once."""

import json

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import STAFF_PERSONAS
from parta.oidc.models import Client
from parta.oidc.services import register_client

from .conftest import REDIRECT_URI

LIST_URL = reverse("oidc:clients")
ADD_URL = reverse("oidc:client-add")


def edit_url(client):
    return reverse("oidc:client-edit", args=[client.pk])


def switch_url(client):
    return reverse("oidc:client-switch", args=[client.pk])


def delete_url(client):
    return reverse("oidc:client-delete", args=[client.pk])


def secret_url(client):
    return reverse("oidc:client-secret", args=[client.pk])


def add_data(**overrides):
    data = {
        "name": "Сайт ДПО",
        "client_type": Client.CLIENT_CONFIDENTIAL,
        "redirect_uris": "https://dpo.example.org/auth/callback\nhttp://127.0.0.1:8000/callback",
        "skip_authorization": "",
    }
    return data | overrides


def db_state():
    """Everything the screens could write, to compare before and after a refused request."""
    return {
        "clients": list(Client.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


def error_codes(form, field):
    return [error.code for error in form.errors.as_data().get(field, [])]


# Who opens the screens -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_only_the_regional_administrator_opens_the_screens(client, region, lms, persona):
    region.login(client, persona)
    expected = 200 if persona == "regional_admin" else 404
    for url in (LIST_URL, ADD_URL, edit_url(lms), delete_url(lms)):
        assert client.get(url).status_code == expected, url
    if persona == "regional_admin":
        return
    before = db_state()
    writes = [
        (ADD_URL, add_data()),
        (edit_url(lms), add_data(name="Чужое имя")),
        (switch_url(lms), {"active": "0"}),
        (secret_url(lms), {}),
        (delete_url(lms), {}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 404, url
    assert db_state() == before


def test_anonymous_is_sent_to_the_login_page(client, db):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))


def test_the_management_page_links_the_clients_for_the_regional_administrator(client, region):
    region.login(client, "regional_admin")
    assert LIST_URL in client.get(reverse("web:manage")).content.decode()
    region.login(client, "municipal_admin")
    assert LIST_URL not in client.get(reverse("web:manage")).content.decode()


def test_the_list_names_the_issuer_and_every_client(client, region, lms):
    region.login(client, "regional_admin")
    page = client.get(LIST_URL).content.decode()
    assert "http://testserver/o/.well-known/openid-configuration" in page
    assert lms.client_id in page
    assert REDIRECT_URI in page
    assert lms.secret not in page


def test_the_list_costs_the_same_queries_for_one_client_and_for_six(
    client, region, lms, django_assert_num_queries
):
    region.login(client, "regional_admin")
    client.get(LIST_URL)  # warm the session
    # session, account, cabinet and its roles, the clients
    with django_assert_num_queries(5):
        assert len(client.get(LIST_URL).context["clients"]) == 1
    for number in range(5):
        register_client(
            actor=region.member("regional_admin"),
            name=f"Модуль {number}",
            redirect_uris=f"https://module{number}.example.org/callback",
            client_type=Client.CLIENT_PUBLIC,
            skip_authorization=bool(number % 2),
        )
    with django_assert_num_queries(5):
        assert len(client.get(LIST_URL).context["clients"]) == 6


# Registering ---------------------------------------------------------------------------------


def test_a_confidential_client_gets_a_secret_shown_once_and_stored_hashed(client, region):
    region.login(client, "regional_admin")
    response = client.post(ADD_URL, add_data())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    registered = Client.objects.get()
    assert secret in response.content.decode()
    assert registered.client_id in response.content.decode()
    assert registered.client_secret != secret
    assert check_password(secret, registered.client_secret)
    assert registered.redirect_uri_list == [
        "https://dpo.example.org/auth/callback",
        "http://127.0.0.1:8000/callback",
    ]
    assert registered.algorithm == Client.RS256_ALGORITHM
    assert registered.authorization_grant_type == Client.GRANT_AUTHORIZATION_CODE
    for url in (LIST_URL, edit_url(registered)):
        assert secret not in client.get(url).content.decode()
    entry = AuditEntry.objects.get(action="oidc.client_registered")
    assert entry.after["name"] == "Сайт ДПО"
    assert entry.after["client_id"] == registered.client_id
    assert secret not in json.dumps([entry.before, entry.after])
    assert registered.client_secret not in json.dumps([entry.before, entry.after])


def test_a_public_client_has_no_secret(client, region):
    region.login(client, "regional_admin")
    response = client.post(ADD_URL, add_data(client_type=Client.CLIENT_PUBLIC))
    assert response.status_code == 302
    registered = Client.objects.get()
    assert registered.client_type == Client.CLIENT_PUBLIC
    assert registered.client_secret == ""


@pytest.mark.parametrize(
    ("redirect_uris", "code"),
    [
        ("", "required"),
        ("   \n  ", "required"),
        ("/callback", "not_absolute"),
        ("dpo.example.org/callback", "not_absolute"),
        ("ftp://dpo.example.org/callback", "not_absolute"),
        ("http://dpo.example.org/callback", "insecure"),
        ("https://*.example.org/callback", "wildcard"),
        ("https://dpo.example.org/callback#top", "fragment"),
        ("https://user:pass@dpo.example.org/callback", "userinfo"),
        ("https://dpo.example.org/call back", "space"),
        ("https://dpo.example.org:port/callback", "invalid"),
    ],
)
def test_a_wrong_redirect_uri_is_refused_with_a_message(client, region, redirect_uris, code):
    region.login(client, "regional_admin")
    before = db_state()
    response = client.post(ADD_URL, add_data(redirect_uris=redirect_uris))
    assert response.status_code == 200
    assert code in error_codes(response.context["form"], "redirect_uris")
    assert db_state() == before


def test_every_wrong_line_is_named_and_nothing_is_registered(client, region):
    region.login(client, "regional_admin")
    uris = "https://ok.example.org/cb\nhttp://plain.example.org/cb\nhttps://a.example.org/#x"
    response = client.post(ADD_URL, add_data(name="", redirect_uris=uris))
    form = response.context["form"]
    assert error_codes(form, "redirect_uris") == ["insecure", "fragment"]
    assert "http://plain.example.org/cb" in form.errors["redirect_uris"][0]
    assert form.errors["name"]
    assert not Client.objects.exists()


def test_a_taken_name_is_refused_whatever_its_case(client, region, lms):
    region.login(client, "regional_admin")
    before = db_state()
    response = client.post(ADD_URL, add_data(name="  lms "))
    assert error_codes(response.context["form"], "name") == ["name_taken"]
    assert db_state() == before


def test_a_wrong_client_type_is_refused(client, region):
    region.login(client, "regional_admin")
    response = client.post(ADD_URL, add_data(client_type="implicit"))
    assert response.context["form"].errors["client_type"]
    assert not Client.objects.exists()


# Editing, switching off, deleting, replacing the secret -------------------------------------


def test_editing_saves_and_audits_only_what_changed(client, region, lms):
    region.login(client, "regional_admin")
    data = {
        "name": "LMS школ",
        "redirect_uris": f"{REDIRECT_URI}\nhttps://lms.example.org/other",
        "skip_authorization": "on",
    }
    assert client.post(edit_url(lms), data).status_code == 302
    lms.refresh_from_db()
    assert lms.name == "LMS школ"
    assert lms.redirect_uri_list == [REDIRECT_URI, "https://lms.example.org/other"]
    assert lms.skip_authorization
    entry = AuditEntry.objects.get(action="oidc.client_updated")
    assert entry.before == {
        "name": "LMS",
        "redirect_uris": REDIRECT_URI,
        "skip_authorization": False,
    }
    assert entry.after["name"] == "LMS школ"
    assert set(entry.after) == {"name", "redirect_uris", "skip_authorization"}


def test_editing_with_a_wrong_redirect_uri_changes_nothing(client, region, lms):
    region.login(client, "regional_admin")
    before = db_state()
    data = {"name": "LMS", "redirect_uris": "http://lms.example.org/callback"}
    response = client.post(edit_url(lms), data)
    assert error_codes(response.context["form"], "redirect_uris") == ["insecure"]
    assert db_state() == before


def test_saving_without_a_change_writes_no_audit_entry(client, region, lms):
    region.login(client, "regional_admin")
    before = AuditEntry.objects.count()
    client.post(edit_url(lms), {"name": "LMS", "redirect_uris": REDIRECT_URI})
    assert AuditEntry.objects.count() == before


def test_switching_off_and_on_is_audited(client, region, lms):
    region.login(client, "regional_admin")
    client.post(switch_url(lms), {"active": "0"})
    lms.refresh_from_db()
    assert not lms.is_active
    client.post(switch_url(lms), {"active": "1"})
    lms.refresh_from_db()
    assert lms.is_active
    actions = list(
        AuditEntry.objects.filter(action__startswith="oidc.client_")
        .exclude(action="oidc.client_registered")
        .order_by("pk")
        .values_list("action", "before", "after")
    )
    assert actions == [
        ("oidc.client_deactivated", {"is_active": True}, {"is_active": False, "tokens_revoked": 0}),
        ("oidc.client_activated", {"is_active": False}, {"is_active": True}),
    ]


def test_deleting_asks_first_then_deletes_and_audits(client, region, lms):
    region.login(client, "regional_admin")
    assert client.get(delete_url(lms)).status_code == 200
    assert Client.objects.exists()
    assert client.post(delete_url(lms)).status_code == 302
    assert not Client.objects.exists()
    entry = AuditEntry.objects.get(action="oidc.client_deleted")
    assert entry.target_id == lms.pk
    assert entry.before["client_id"] == lms.client_id


def test_replacing_the_secret_shows_the_new_one_once_and_the_old_one_stops(client, region, lms):
    region.login(client, "regional_admin")
    response = client.post(secret_url(lms))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    assert secret != lms.secret
    lms.refresh_from_db()
    assert check_password(secret, lms.client_secret)
    assert not check_password(lms.secret, lms.client_secret)
    assert secret not in client.get(edit_url(lms)).content.decode()
    entry = AuditEntry.objects.get(action="oidc.secret_regenerated")
    assert entry.target_id == lms.pk
    assert entry.before is None and entry.after is None


def test_a_public_client_has_no_secret_to_replace(client, region):
    region.login(client, "regional_admin")
    public = register_client(
        actor=region.member("regional_admin"),
        name="Мобильный дневник",
        redirect_uris="http://127.0.0.1/callback",
        client_type=Client.CLIENT_PUBLIC,
        skip_authorization=False,
    ).client
    before = db_state()
    assert "client-secret" not in client.get(edit_url(public)).content.decode()
    response = client.post(secret_url(public))
    assert response.status_code == 302
    assert db_state() == before
