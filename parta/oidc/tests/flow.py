"""The authorization code flow driven through Django's test client, for the protocol's edge cases.

The real relying party is node's openid-client (test_openid_client.py); these helpers reach the
corners it would never go to on its own: a forged code, a changed redirect URI, a missing PKCE.
"""

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client as HttpClient
from django.urls import reverse

from .conftest import REDIRECT_URI

ALL_SCOPES = "openid profile email parta"


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(client, *, challenge: str | None, **overrides: str) -> str:
    query = {
        "client_id": client.client_id,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": ALL_SCOPES,
        "state": "state-1",
        "nonce": "nonce-1",
    }
    if challenge is not None:
        query |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    query |= overrides
    return f"{reverse('oauth2_provider:authorize')}?{urlencode(query)}"


def allow(browser: HttpClient, consent_page) -> object:
    """Press «Разрешить» on the consent page."""
    form = consent_page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    request = consent_page.request  # the form posts back to the page's own URL
    url = f"{request['PATH_INFO']}?{request['QUERY_STRING']}"
    return browser.post(url, data | {"allow": "1"})


def callback_query(response) -> dict[str, str]:
    """The parameters of the redirect back to the module."""
    location = response["Location"]
    assert location.startswith(REDIRECT_URI + "?"), location
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def sign_in(browser: HttpClient, client, *, scope: str = ALL_SCOPES) -> tuple[str, str]:
    """The signed-in browser allows the client; returns (code, PKCE verifier)."""
    verifier, challenge = pkce_pair()
    response = browser.get(authorize_url(client, challenge=challenge, scope=scope))
    if response.status_code == 200:
        response = allow(browser, response)
    assert response.status_code == 302, response.content.decode()
    return callback_query(response)["code"], verifier


def exchange(client, code: str, verifier: str, *, secret: str | None = None, **overrides):
    """The module's server trades the code for tokens: no session, no cookies."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
        "client_id": client.client_id,
        "client_secret": client.secret if secret is None else secret,
    } | overrides
    return HttpClient().post(reverse("oauth2_provider:token"), data)


def refresh(client, refresh_token: str):
    data = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": client.client_id,
        "client_secret": client.secret,
    }
    return HttpClient().post(reverse("oauth2_provider:token"), data)


def userinfo(access_token: str | None):
    headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
    return HttpClient().get(reverse("oauth2_provider:user-info"), headers=headers)


def id_token_claims(id_token: str) -> dict:
    """The payload of an ID token, unverified (test_provider verifies the signature separately)."""
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
