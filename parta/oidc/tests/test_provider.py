"""The provider's endpoints: discovery, JWKS, authorization, token and userinfo, and the cabinet
every token carries. The happy path against a real relying party is test_openid_client.py."""

import json
import logging

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from jwcrypto import jwk, jwt
from oauth2_provider.models import get_access_token_model, get_grant_model

from parta.core.testing.personas import login_member
from parta.identity.models import OrgRole
from parta.identity.services.staff import set_archived
from parta.oidc.models import Client, SignIn
from parta.oidc.services import register_client, set_client_active

from .conftest import REDIRECT_URI
from .flow import (
    authorize_url,
    callback_query,
    exchange,
    id_token_claims,
    pkce_pair,
    refresh,
    sign_in,
    userinfo,
)

AccessToken = get_access_token_model()
Grant = get_grant_model()


@pytest.fixture
def dpo_site(regional_admin):
    """A second, trusted client registered for the same redirect URI."""
    registered = register_client(
        actor=regional_admin,
        name="Сайт ДПО",
        redirect_uris=REDIRECT_URI,
        client_type=Client.CLIENT_CONFIDENTIAL,
        skip_authorization=True,
    )
    registered.client.secret = registered.secret
    return registered.client


def tokens_for(client, lms, member, *, scope="openid profile email parta") -> dict:
    login_member(client, member)
    code, verifier = sign_in(client, lms, scope=scope)
    response = exchange(lms, code, verifier)
    assert response.status_code == 200, response.content.decode()
    return response.json()


# Discovery and keys --------------------------------------------------------------------------


def test_discovery_names_the_issuer_its_endpoints_and_the_parta_claims(db):
    response = HttpClient().get("/o/.well-known/openid-configuration")
    assert response.status_code == 200
    document = response.json()
    assert document["issuer"] == "http://testserver/o"
    assert document["authorization_endpoint"] == "http://testserver/o/authorize/"
    assert document["token_endpoint"] == "http://testserver/o/token/"
    assert document["userinfo_endpoint"] == "http://testserver/o/userinfo/"
    assert document["jwks_uri"] == "http://testserver/o/.well-known/jwks.json"
    assert document["response_types_supported"] == ["code"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert set(document["scopes_supported"]) == {"openid", "profile", "email", "parta"}
    assert {"organization", "authority", "role", "position", "subjects", "middle_name"} <= set(
        document["claims_supported"]
    )
    assert "RS256" in document["id_token_signing_alg_values_supported"]


def test_the_id_token_is_signed_with_the_rs256_key_the_jwks_publishes(client, region, lms):
    keys = HttpClient().get("/o/.well-known/jwks.json").json()["keys"]
    assert [(key["kty"], key["alg"], key["use"]) for key in keys] == [("RSA", "RS256", "sig")]
    assert "d" not in keys[0]  # the public half only
    tokens = tokens_for(client, lms, region.member("teacher"))
    token = jwt.JWT(key=jwk.JWK(**keys[0]), jwt=tokens["id_token"], expected_type="JWS")
    assert json.loads(token.header)["kid"] == keys[0]["kid"]
    claims = json.loads(token.claims)
    assert claims["iss"] == "http://testserver/o"
    assert claims["aud"] == lms.client_id
    assert claims["nonce"] == "nonce-1"


# Claims: the cabinet of the authorization ----------------------------------------------------


def test_the_claims_carry_the_name_and_the_cabinet_the_user_signed_in_from(
    client, region, lms, math_teacher
):
    tokens = tokens_for(client, lms, math_teacher)
    expected = {
        "sub": str(math_teacher.person.account.pk),
        "name": "Орлова Анна Сергеевна",
        "family_name": "Орлова",
        "given_name": "Анна",
        "middle_name": "Сергеевна",
        "preferred_username": "orlova",
        "email": "orlova@school1.example.org",
        "email_verified": False,
        "organization": {
            "id": region.school.pk,
            "name": "Школа № 1",
            "full_name": "Муниципальное общеобразовательное учреждение «Школа № 1»",
            "kind": "school",
        },
        "role": {"code": "teacher", "name": "Педагог"},
        "position": "Учитель математики и физики",
        "subjects": ["Математика", "Физика"],
    }
    response = userinfo(tokens["access_token"])
    assert response.status_code == 200
    assert response.json() == expected
    claims = id_token_claims(tokens["id_token"])
    assert {name: claims[name] for name in expected} == expected


def test_an_authority_cabinet_is_named_as_the_authority(client, region, lms):
    tokens = tokens_for(client, lms, region.member("regional_admin"))
    claims = userinfo(tokens["access_token"]).json()
    assert "organization" not in claims
    assert claims["authority"]["name"] == "Министерство образования"
    assert claims["authority"]["level"] == "region"
    assert claims["role"] == {"code": "admin", "name": "Администратор"}


def test_each_token_keeps_the_role_its_user_worked_in_when_signing_in(client, region, lms):
    deputy = region.member("deputy_head")
    as_deputy = tokens_for(client, lms, deputy)
    as_teacher = tokens_for(client, lms, region.member("deputy_head").acting_as(OrgRole.TEACHER))
    assert userinfo(as_deputy["access_token"]).json()["role"]["code"] == "deputy_head"
    assert userinfo(as_teacher["access_token"]).json()["role"]["code"] == "teacher"
    assert id_token_claims(as_deputy["id_token"])["role"]["name"] == "Завуч"


def test_the_scopes_limit_the_claims(client, region, lms, math_teacher):
    only_openid = tokens_for(client, lms, math_teacher, scope="openid")
    assert userinfo(only_openid["access_token"]).json() == {
        "sub": str(math_teacher.person.account.pk)
    }
    profile = tokens_for(client, lms, math_teacher, scope="openid profile")
    claims = userinfo(profile["access_token"]).json()
    assert claims["family_name"] == "Орлова"
    assert not {"email", "organization", "role", "subjects"} & set(claims)


def test_a_refresh_keeps_the_cabinet_and_a_replayed_refresh_token_ends_the_family(
    client, region, lms, math_teacher
):
    tokens = tokens_for(client, lms, math_teacher)
    refreshed = refresh(lms, tokens["refresh_token"])
    assert refreshed.status_code == 200
    new = refreshed.json()
    assert userinfo(new["access_token"]).json()["subjects"] == ["Математика", "Физика"]
    assert userinfo(tokens["access_token"]).status_code == 401  # rotated away
    assert refresh(lms, tokens["refresh_token"]).status_code == 400  # a replay
    assert refresh(lms, new["refresh_token"]).status_code == 400  # its family is revoked


def test_a_closed_cabinet_ends_the_sign_in(client, region, lms, math_teacher):
    tokens = tokens_for(client, lms, math_teacher)
    set_archived(actor=region.member("admin"), membership=math_teacher, archived=True)
    response = userinfo(tokens["access_token"])
    assert response.status_code == 401
    assert "invalid_token" in response["WWW-Authenticate"]
    assert refresh(lms, tokens["refresh_token"]).status_code == 400


# The authorization request -------------------------------------------------------------------


def test_an_anonymous_user_logs_in_through_parta_and_comes_back(client, region, lms):
    url = authorize_url(lms, challenge=pkce_pair()[1])
    response = client.get(url)
    assert response.status_code == 302
    login = response["Location"]
    assert login.startswith(reverse("identity:login") + "?next=")
    response = client.post(
        login,
        {
            "target": "org",
            "organization": region.school.pk,
            "login": "teacher",
            "password": "Persona-password-1",
        },
    )
    assert response["Location"] == url
    consent = client.get(url)
    assert consent.status_code == 200
    assert consent.templates[0].name == "oidc/authorize.html"


def test_the_consent_page_names_the_module_and_the_cabinet(client, region, lms):
    login_member(client, region.member("teacher"))
    page = client.get(authorize_url(lms, challenge=pkce_pair()[1]))
    content = page.content.decode()
    assert page.templates[0].name == "oidc/authorize.html"
    assert "LMS" in content and "Школа № 1" in content and "Педагог" in content
    assert len(page.context["scope_items"]) == 4
    assert not Grant.objects.exists()


def test_refusing_on_the_consent_page_sends_access_denied_and_no_code(client, region, lms):
    login_member(client, region.member("teacher"))
    page = client.get(authorize_url(lms, challenge=pkce_pair()[1]))
    data = {key: value for key, value in page.context["form"].initial.items() if value}
    query = callback_query(client.post(page.request["PATH_INFO"], data))
    assert query["error"] == "access_denied"
    assert "code" not in query
    assert not Grant.objects.exists()


def test_a_trusted_module_skips_the_consent_page(client, region, dpo_site):
    login_member(client, region.member("teacher"))
    response = client.get(authorize_url(dpo_site, challenge=pkce_pair()[1]))
    assert response.status_code == 302
    query = callback_query(response)
    assert query["code"] and query["state"] == "state-1"
    assert query["iss"] == "http://testserver/o"
    assert SignIn.objects.get().role == OrgRole.TEACHER


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example.org/oidc/callback",
        "https://lms.example.org/oidc/callback/",
        "https://LMS.example.org/oidc/callback",
        "https://lms.example.org:8443/oidc/callback",
        "https://lms.example.org/oidc/callback?next=/x",
        "http://lms.example.org/oidc/callback",
    ],
)
def test_a_redirect_uri_not_registered_exactly_is_refused_without_a_redirect(
    client, region, lms, redirect_uri
):
    login_member(client, region.member("teacher"))
    response = client.get(authorize_url(lms, challenge=pkce_pair()[1], redirect_uri=redirect_uri))
    assert response.status_code == 400
    assert "Location" not in response
    assert response.context["error_message"]
    assert not Grant.objects.exists()


def test_a_loopback_redirect_uri_may_not_change_its_port(client, region, regional_admin):
    desktop = register_client(
        actor=regional_admin,
        name="Настольное приложение",
        redirect_uris="http://127.0.0.1:8000/callback",
        client_type=Client.CLIENT_PUBLIC,
        skip_authorization=True,
    ).client
    login_member(client, region.member("teacher"))
    challenge = pkce_pair()[1]
    moved = client.get(
        authorize_url(desktop, challenge=challenge, redirect_uri="http://127.0.0.1:8001/callback")
    )
    assert moved.status_code == 400
    exact = client.get(
        authorize_url(desktop, challenge=challenge, redirect_uri="http://127.0.0.1:8000/callback")
    )
    assert exact["Location"].startswith("http://127.0.0.1:8000/callback?code=")


@pytest.mark.parametrize(
    "pkce",
    [{}, {"code_challenge": "abc" * 15, "code_challenge_method": "plain"}],
    ids=["missing", "plain"],
)
def test_an_authorization_request_without_s256_pkce_is_refused(client, region, dpo_site, pkce):
    login_member(client, region.member("teacher"))
    response = client.get(authorize_url(dpo_site, challenge=None, **pkce))
    query = callback_query(response)
    assert query["error"] == "invalid_request"
    assert "code" not in query
    assert not Grant.objects.exists()


def test_an_unknown_client_is_refused_without_a_redirect(client, region, lms):
    login_member(client, region.member("teacher"))
    response = client.get(authorize_url(lms, challenge=pkce_pair()[1], client_id="no-such-client"))
    assert response.status_code == 400
    assert "Location" not in response


def test_prompt_none_passes_only_a_trusted_module(client, region, lms, dpo_site):
    login_member(client, region.member("teacher"))
    challenge = pkce_pair()[1]
    assert "code" in callback_query(
        client.get(authorize_url(dpo_site, challenge=challenge, prompt="none"))
    )
    refused = callback_query(client.get(authorize_url(lms, challenge=challenge, prompt="none")))
    assert refused["error"] == "consent_required"
    assert "code" not in refused


# The token request ---------------------------------------------------------------------------


def test_a_wrong_pkce_verifier_is_refused(client, region, lms):
    login_member(client, region.member("teacher"))
    code, _verifier = sign_in(client, lms)
    response = exchange(lms, code, pkce_pair()[0])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_tampered_a_foreign_or_a_reused_code_is_refused(client, region, lms, dpo_site):
    login_member(client, region.member("teacher"))
    code, verifier = sign_in(client, lms)
    assert exchange(lms, code[:-1] + ("x" if code[-1] != "x" else "y"), verifier).json() == {
        "error": "invalid_grant"
    }
    assert exchange(dpo_site, code, verifier).json() == {"error": "invalid_grant"}
    assert exchange(lms, code, verifier).status_code == 200
    assert exchange(lms, code, verifier).json() == {"error": "invalid_grant"}


def test_the_code_is_bound_to_its_redirect_uri_and_to_the_client_secret(client, region, lms):
    login_member(client, region.member("teacher"))
    code, verifier = sign_in(client, lms)
    other = exchange(lms, code, verifier, redirect_uri="https://lms.example.org/other")
    assert other.status_code == 400
    assert exchange(lms, code, verifier, secret="wrong").json()["error"] == "invalid_client"
    assert exchange(lms, code, verifier).status_code == 200


def test_a_switched_off_client_is_refused_everywhere(client, region, lms, regional_admin):
    teacher = region.member("teacher")
    tokens = tokens_for(client, lms, teacher)
    code, verifier = sign_in(client, lms)
    set_client_active(actor=regional_admin, client=lms, active=False)
    assert not AccessToken.objects.exists() and not Grant.objects.exists()
    assert exchange(lms, code, verifier).json()["error"] == "invalid_client"
    assert userinfo(tokens["access_token"]).status_code == 401
    assert refresh(lms, tokens["refresh_token"]).status_code == 401
    page = client.get(authorize_url(lms, challenge=pkce_pair()[1]))
    assert page.status_code == 400
    assert "Location" not in page


# Userinfo ------------------------------------------------------------------------------------


def test_userinfo_without_a_valid_token_answers_401(db):
    assert userinfo(None).status_code == 401
    assert userinfo("not-a-token").status_code == 401


def test_a_token_in_the_query_string_is_not_accepted(client, region, lms):
    tokens = tokens_for(client, lms, region.member("teacher"))
    url = f"{reverse('oauth2_provider:user-info')}?access_token={tokens['access_token']}"
    response = HttpClient().get(url)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


# Secrets at rest and in the logs ------------------------------------------------------------


def test_tokens_are_kept_as_hashes_and_never_logged(client, region, lms, caplog):
    caplog.set_level(logging.DEBUG)
    tokens = tokens_for(client, lms, region.member("teacher"))
    refresh(lms, tokens["refresh_token"])
    userinfo(tokens["access_token"])
    stored = AccessToken.objects.get()
    assert stored.token == ""
    for value in (tokens["access_token"], tokens["refresh_token"], lms.secret):
        assert value not in caplog.text
    assert "code=" not in caplog.text
