"""A real, independent relying party logs users in through parta: node's openid-client 6
(scripts/oidc/client.mjs) against parta on pytest-django's live server.

openid-client runs discovery, builds the authorization URL with PKCE (S256), state and nonce,
validates the ID token (signature against the JWKS, issuer, audience, nonce), the `iss` of the
authorization response, and fetches userinfo; the browser is a `requests` session that logs in
through parta's own login page.
"""

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from oauth2_provider.models import get_access_token_model

from parta.core.testing.personas import PASSWORD
from parta.oidc.models import Client
from parta.oidc.services import register_client

OIDC_DIR = Path(__file__).resolve().parents[3] / "scripts" / "oidc"
SCRIPT = OIDC_DIR / "client.mjs"
NODE_TIMEOUT = 30
MODULE_CALLBACK = "http://127.0.0.1:9/oidc/callback"  # nothing listens: the test reads the URL
AccessToken = get_access_token_model()


@pytest.fixture(scope="module")
def node():
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "node is not installed: the OpenID Connect client tests need node ≥ 20"
    elif not (OIDC_DIR / "node_modules" / "openid-client").is_dir():
        problem = f"{OIDC_DIR}/node_modules is missing: run `make deps`"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    return node


class RelyingParty:
    """scripts/oidc/client.mjs for one client: the authorization URL, then the callback."""

    def __init__(self, node: str, issuer: str, client: Client, secret: str = "") -> None:
        self.command = [
            node,
            str(SCRIPT),
            "--issuer",
            issuer,
            "--client-id",
            client.client_id,
            "--redirect-uri",
            MODULE_CALLBACK,
        ]
        if secret:
            self.command += ["--client-secret", secret]

    def run(self, *arguments: str) -> dict:
        done = subprocess.run(
            [*self.command, *arguments], cwd=OIDC_DIR, capture_output=True, text=True,
            timeout=NODE_TIMEOUT,
        )  # fmt: skip
        assert done.stderr == "", done.stderr
        return json.loads(done.stdout.splitlines()[-1])

    def log_in(self, browse, *arguments: str) -> dict:
        """One process: it prints the URL, `browse` returns the callback, the process finishes."""
        process = subprocess.Popen(
            [*self.command, *arguments],
            cwd=OIDC_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            url = json.loads(process.stdout.readline())["authorization_url"]
            output, errors = process.communicate(browse(url) + "\n", timeout=NODE_TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert errors == "", errors
        return json.loads(output.splitlines()[-1])


class HiddenFields(HTMLParser):
    """The hidden inputs of the page's forms (the login page's CSRF token, the consent form)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""


def hidden_fields(html: str) -> dict[str, str]:
    parser = HiddenFields()
    parser.feed(html)
    return parser.fields


class Browser:
    """A user's browser: follows parta's redirects, logs in on parta's page, allows the module."""

    def __init__(self, base_url: str, login_form: dict[str, str]) -> None:
        self.base_url = base_url
        self.login_form = login_form
        self.session = requests.Session()
        self.pages: list[str] = []

    def get(self, url: str) -> requests.Response:
        response = self.session.get(urljoin(self.base_url, url), allow_redirects=False, timeout=10)
        self.pages.append(f"GET {urlsplit(response.url).path}")
        return response

    def post(self, url: str, data: dict[str, str]) -> requests.Response:
        response = self.session.post(
            urljoin(self.base_url, url), data=data, allow_redirects=False, timeout=10
        )
        self.pages.append(f"POST {urlsplit(response.url).path}")
        return response

    def __call__(self, authorization_url: str) -> str:
        """Open the module's authorization URL; the URL parta sends the browser back with."""
        response = self.get(authorization_url)
        for _step in range(6):
            if response.status_code == 302:
                location = urljoin(response.url, response.headers["Location"])
                if location.startswith(MODULE_CALLBACK):
                    return location
                response = self.get(location)
            elif urlsplit(response.url).path == "/login/":
                fields = hidden_fields(response.text) | self.login_form
                response = self.post(response.url, fields)
            else:
                assert 'data-testid="oidc-consent"' in response.text, response.text
                response = self.post(response.url, hidden_fields(response.text) | {"allow": "1"})
        raise AssertionError(f"no redirect back to the module after {self.pages}")


def school_login(region, login: str) -> dict[str, str]:
    return {
        "target": "org",
        "organization": str(region.school.pk),
        "login": login,
        "password": PASSWORD,
    }


def authority_login(unit, login: str) -> dict[str, str]:
    return {"target": "authority", "authority": str(unit.pk), "login": login, "password": PASSWORD}


def tampered(callback: str) -> str:
    parts = urlsplit(callback)
    query = dict(parse_qsl(parts.query))
    query["code"] = query["code"][::-1]
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_a_module_logs_a_teacher_in_with_the_cabinet_claims(
    node, live_server, region, regional_admin, math_teacher
):
    registered = register_client(
        actor=regional_admin,
        name="LMS",
        redirect_uris=MODULE_CALLBACK,
        client_type=Client.CLIENT_CONFIDENTIAL,
        skip_authorization=False,
    )
    module = RelyingParty(node, f"{live_server.url}/o", registered.client, registered.secret)
    browser = Browser(live_server.url, school_login(region, "orlova"))

    result = module.log_in(browser, "--refresh")

    assert browser.pages == [
        "GET /o/authorize/",
        "GET /login/",
        "POST /login/",
        "GET /o/authorize/",
        "POST /o/authorize/",  # «Разрешить» on the consent page
    ]
    cabinet = {
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
    person = {
        "sub": str(math_teacher.person.account.pk),
        "name": "Орлова Анна Сергеевна",
        "family_name": "Орлова",
        "given_name": "Анна",
        "middle_name": "Сергеевна",
        "preferred_username": "orlova",
        "email": "orlova@school1.example.org",
    }
    expected = person | cabinet
    for claims in (
        result["id_token_claims"],
        result["userinfo"],
        result["refreshed"]["id_token_claims"],
        result["refreshed"]["userinfo"],
    ):
        assert {name: claims.get(name) for name in expected} == expected
    assert result["id_token_claims"]["iss"] == f"{live_server.url}/o"
    assert result["id_token_claims"]["aud"] == registered.client.client_id
    assert result["scope"] == "openid profile email parta"
    assert result["refresh_token_issued"] is True


def test_a_public_trusted_module_logs_an_authority_employee_in_with_pkce_alone(
    node, live_server, region, regional_admin, tmp_path
):
    public = register_client(
        actor=regional_admin,
        name="Мессенджер",
        redirect_uris=MODULE_CALLBACK,
        client_type=Client.CLIENT_PUBLIC,
        skip_authorization=True,
    ).client
    module = RelyingParty(node, f"{live_server.url}/o", public)
    browser = Browser(live_server.url, authority_login(region.north, "municipal.head"))
    session = str(tmp_path / "session.json")

    # Two invocations: the first prints the URL and keeps the verifier, the second finishes.
    url = module.run("--session", session)["authorization_url"]
    callback = browser(url)
    result = module.run("--session", session, "--callback", callback)

    assert browser.pages == [
        "GET /o/authorize/",
        "GET /login/",
        "POST /login/",
        "GET /o/authorize/",
    ]
    claims = result["userinfo"]
    assert claims["authority"]["name"] == "УО Северного района"
    assert claims["role"] == {"code": "head", "name": "Начальник"}
    assert "organization" not in claims
    assert result["id_token_claims"]["sub"] == claims["sub"]


def test_openid_client_gets_invalid_grant_for_a_tampered_code(
    node, live_server, region, regional_admin
):
    trusted = register_client(
        actor=regional_admin,
        name="Сайт ДПО",
        redirect_uris=MODULE_CALLBACK,
        client_type=Client.CLIENT_CONFIDENTIAL,
        skip_authorization=True,
    )
    module = RelyingParty(node, f"{live_server.url}/o", trusted.client, trusted.secret)
    browser = Browser(live_server.url, school_login(region, "teacher"))

    result = module.log_in(lambda url: tampered(browser(url)))

    assert result["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()
