"""The Gosuslugi stand-in itself: node's oidc-provider behaves as parta's tests assume."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from parta.core.testing.oidc import StandInProvider, login_at_provider

CLIENT_ID = "parta"
CLIENT_SECRET = "parta-secret"
REDIRECT_URI = "http://127.0.0.1:9/accounts/gosuslugi/callback"
SUBJECT = "1000001"
CLAIMS = {
    "family_name": "Иванова",
    "given_name": "Мария",
    "middle_name": "Петровна",
    "birthdate": "1984-05-17",
    "email": "ivanova@example.ru",
    "phone_number": "+79001234567",
    "snils": "11223344595",
    "passport_series": "4510",
    "passport_number": "123456",
}
SCOPE = "openid profile email phone snils passport"


@pytest.fixture(scope="module")
def provider():
    clients = [
        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [REDIRECT_URI]}
    ]
    with StandInProvider().start(clients=clients, accounts={SUBJECT: CLAIMS}) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_provider(provider):
    yield
    provider.reset()


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(provider, **params) -> str:
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": SCOPE,
        "state": "state-1",
        "nonce": "nonce-1",
        **params,
    }
    return provider.url("/auth") + "?" + urlencode({k: v for k, v in query.items() if v})


def callback_params(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == REDIRECT_URI
    return {key: values[0] for key, values in parse_qs(parts.query).items()}


def log_in(provider, subject=SUBJECT) -> tuple[dict, str]:
    """The code flow with PKCE up to the token response; returns it and the verifier."""
    verifier, challenge = pkce_pair()
    url = authorize_url(provider, code_challenge=challenge, code_challenge_method="S256")
    params = callback_params(login_at_provider(url, subject))
    assert params["state"] == "state-1"
    response = exchange(provider, params["code"], verifier)
    assert response.status_code == 200, response.text
    return response.json(), verifier


def exchange(provider, code, verifier):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    if verifier:
        data["code_verifier"] = verifier
    return requests.post(
        provider.url("/token"), data=data, auth=(CLIENT_ID, CLIENT_SECRET), timeout=5
    )


def decode_id_token(provider, id_token):
    jwks = requests.get(provider.discovery()["jwks_uri"], timeout=5).json()
    return jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256"]).claims


def test_discovery_offers_the_code_flow_with_s256_and_the_esia_scopes(provider):
    discovery = provider.discovery()

    assert discovery["issuer"] == provider.issuer
    assert discovery["response_types_supported"] == ["code"]
    assert discovery["grant_types_supported"] == ["authorization_code"]
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["id_token_signing_alg_values_supported"] == ["RS256"]
    assert set(SCOPE.split()) <= set(discovery["scopes_supported"])
    assert set(CLAIMS) | {"sub"} <= set(discovery["claims_supported"])


def test_code_flow_with_pkce_gives_a_signed_id_token_and_the_claims(provider):
    tokens, _ = log_in(provider)

    id_token = decode_id_token(provider, tokens["id_token"])
    jwt.JWTClaimsRegistry().validate(id_token)
    assert id_token["iss"] == provider.issuer
    assert id_token["aud"] == CLIENT_ID
    assert id_token["sub"] == SUBJECT
    assert id_token["nonce"] == "nonce-1"
    userinfo = requests.get(
        provider.url("/me"),
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    )
    assert userinfo.json() == {"sub": SUBJECT, **CLAIMS}


def test_scopes_limit_the_claims(provider):
    verifier, challenge = pkce_pair()
    url = authorize_url(
        provider, scope="openid snils", code_challenge=challenge, code_challenge_method="S256"
    )
    code = callback_params(login_at_provider(url, SUBJECT))["code"]
    tokens = exchange(provider, code, verifier).json()

    userinfo = requests.get(
        provider.url("/me"),
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    )
    assert userinfo.json() == {"sub": SUBJECT, "snils": CLAIMS["snils"]}


def test_authorization_without_pkce_is_refused(provider):
    params = callback_params(login_at_provider(authorize_url(provider), SUBJECT))

    assert params["error"] == "invalid_request"
    assert "PKCE" in params["error_description"]
    assert "code" not in params


def test_code_exchange_needs_the_right_verifier(provider):
    _, challenge = pkce_pair()
    url = authorize_url(provider, code_challenge=challenge, code_challenge_method="S256")
    code = callback_params(login_at_provider(url, SUBJECT))["code"]

    response = exchange(provider, code, pkce_pair()[0])

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_unknown_subject_cannot_log_in(provider):
    url = authorize_url(provider, code_challenge=pkce_pair()[1], code_challenge_method="S256")

    with pytest.raises(AssertionError, match="«9999999» не найдена"):
        login_at_provider(url, "9999999")


def test_cancel_returns_access_denied(provider):
    url = authorize_url(provider, code_challenge=pkce_pair()[1], code_challenge_method="S256")

    params = callback_params(login_at_provider(url, SUBJECT, deny=True))

    assert params["error"] == "access_denied"
    assert params["state"] == "state-1"


def test_accounts_can_be_replaced(provider):
    provider.set_accounts({"2000002": {"family_name": "Петров"}}, merge=True)
    tokens, _ = log_in(provider, "2000002")
    assert decode_id_token(provider, tokens["id_token"])["sub"] == "2000002"

    provider.set_accounts({"2000002": {"family_name": "Петров"}})
    url = authorize_url(provider, code_challenge=pkce_pair()[1], code_challenge_method="S256")
    with pytest.raises(AssertionError, match="не найдена"):
        login_at_provider(url, SUBJECT)


def test_tampered_id_token_fails_signature_verification(provider):
    provider.settings(tamper_id_token=True)

    tokens, _ = log_in(provider)

    with pytest.raises(BadSignatureError):
        decode_id_token(provider, tokens["id_token"])
    payload = tokens["id_token"].split(".")[1]
    assert SUBJECT + "-tampered" in base64.urlsafe_b64decode(payload + "==").decode()


def test_id_token_ttl_is_honoured(provider):
    provider.settings(id_token_ttl=120)

    tokens, _ = log_in(provider)

    id_token = decode_id_token(provider, tokens["id_token"])
    assert id_token["exp"] - id_token["iat"] == 120
