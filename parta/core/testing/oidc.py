"""A local OpenID Connect provider standing in for Gosuslugi (ЕСИА) in tests.

The real ЕСИА is an OpenID Connect provider with the authorization code flow, but it adds signed
client secrets and GOST cryptography on top that no test can reach. The stand-in is node's
independent ``oidc-provider`` (``scripts/oidc/stand-in-provider.mjs``) configured like ЕСИА's
OIDC core: code flow only, PKCE S256 required, RS256 id_tokens, and the scopes ``profile``
(family_name, given_name, middle_name, birthdate), ``email``, ``phone``, ``snils`` and
``passport`` (passport_series, passport_number). parta's relying party is tested against it.

    with StandInProvider().start(clients=[...], accounts={"1000001": {...}}) as provider:
        url = login_at_provider(authorize_url, "1000001")   # -> redirect_uri?code=…&state=…

Its login form (for browser tests): ``input[name=login]`` takes the account's ``sub``,
``input[name=password]`` anything, ``button#sign-in`` «Войти» submits, ``a#cancel`` «Отказаться»
returns ``error=access_denied``; an unknown account shows ``p#login-error``. Consent is granted
without a page.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

REPO_ROOT = Path(__file__).resolve().parents[3]
OIDC_DIR = REPO_ROOT / "scripts" / "oidc"
SCRIPT = OIDC_DIR / "stand-in-provider.mjs"
START_TIMEOUT = 60.0  # node on a loaded CI machine; it is ready in about 0.5 s


class StandInProviderError(RuntimeError):
    pass


class StandInProvider:
    """The stand-in provider as a child process on 127.0.0.1; one instance, one process."""

    def __init__(self) -> None:
        self.issuer: str | None = None
        self._process: subprocess.Popen | None = None
        self._dir: tempfile.TemporaryDirectory | None = None

    def start(self, clients: list[dict], accounts: dict[str, dict], port: int = 0):
        """Start it with clients ``{client_id, client_secret, redirect_uris, …}`` and accounts
        ``{sub: {claim: value}}``; port 0 lets the provider pick a free one. Returns self."""
        if self._process is not None:
            raise StandInProviderError("the stand-in provider is already running")
        node = shutil.which("node")
        if node is None:
            raise StandInProviderError("node is not installed: the OIDC stand-in needs node ≥ 20")
        if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
            raise StandInProviderError(
                f"{OIDC_DIR}/node_modules is missing: run `make deps` "
                "(or `npm install` in scripts/oidc)"
            )
        self._dir = tempfile.TemporaryDirectory(prefix="parta-oidc-")
        workdir = Path(self._dir.name)
        config = workdir / "config.json"
        config.write_text(
            json.dumps(
                {"port": port, "clients": clients, "accounts": accounts}, ensure_ascii=False
            ),
            encoding="utf-8",
        )
        self._stdout = workdir / "stdout.log"
        self._stderr = workdir / "stderr.log"
        with self._stdout.open("wb") as out, self._stderr.open("wb") as err:
            self._process = subprocess.Popen(
                [node, str(SCRIPT), str(config)],
                cwd=OIDC_DIR,
                stdin=subprocess.PIPE,  # the provider exits when this process goes away
                stdout=out,
                stderr=err,
                env={**os.environ, "OIDC_STAND_IN_EXIT_WITH_STDIN": "1"},
            )
        try:
            self.issuer = self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            match = re.search(r"^READY (\S+)$", self._stdout.read_text(), re.MULTILINE)
            if match:
                return match.group(1)
            if self._process.poll() is not None:
                raise StandInProviderError(
                    f"the stand-in provider exited with {self._process.returncode}:\n{self.log()}"
                )
            time.sleep(0.02)
        raise StandInProviderError(
            f"the stand-in provider was not ready in {START_TIMEOUT:.0f} s:\n{self.log()}"
        )

    def log(self) -> str:
        """What the provider printed so far (stdout, then stderr)."""
        if self._dir is None:
            return ""
        return self._stdout.read_text() + self._stderr.read_text()

    @property
    def port(self) -> int:
        return urlsplit(self._require_issuer()).port

    def url(self, path: str) -> str:
        return self._require_issuer() + path

    def discovery(self) -> dict:
        return self._get_json("/.well-known/openid-configuration")

    def set_accounts(self, accounts: dict[str, dict], *, merge: bool = False) -> None:
        """Replace the accounts (or add to them with ``merge``) for logins from now on."""
        self._control("accounts" + ("?merge=1" if merge else ""), accounts)

    def settings(
        self,
        id_token_ttl: int | None = None,
        tamper_id_token: bool | None = None,
        id_token_age: int | None = None,
    ) -> None:
        """``id_token_ttl``: lifetime in seconds of id_tokens issued from now on.
        ``tamper_id_token``: the token endpoint returns an id_token whose payload (``sub``,
        ``family_name``) was altered after signing, so its signature no longer verifies.
        ``id_token_age``: the id_token is backdated by so many seconds and signed again, so it
        is validly signed and, past its lifetime, expired.
        None leaves a setting as it is."""
        self._control(
            "settings",
            {
                "id_token_ttl": id_token_ttl,
                "tamper_id_token": tamper_id_token,
                "id_token_age": id_token_age,
            },
        )

    def reset(self) -> None:
        """Default settings, the accounts given to ``start``, and every session, grant and code
        forgotten."""
        self._control("reset", {})

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdin:
                process.stdin.close()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None
        self.issuer = None

    def __enter__(self):
        self._require_issuer()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _require_issuer(self) -> str:
        if self.issuer is None:
            raise StandInProviderError("the stand-in provider is not running: call start() first")
        return self.issuer

    def _get_json(self, path: str) -> dict:
        response = requests.get(self.url(path), timeout=5)
        response.raise_for_status()
        return response.json()

    def _control(self, path: str, body: dict) -> None:
        response = requests.post(self.url("/__control/" + path), json=body, timeout=5)
        response.raise_for_status()


def login_at_provider(
    authorize_url: str, subject: str, *, password: str = "any", deny: bool = False
) -> str:
    """Log in at the stand-in as ``subject`` (an account's sub) from a fresh browser-like session.

    Follows the provider's redirects from ``authorize_url``, fills its login form (or presses
    «Отказаться» with ``deny``), and returns the redirect URL leaving the provider — the relying
    party's redirect_uri with ``code`` and ``state``, or with ``error=…`` — without requesting it.
    A login the provider refuses (unknown subject) raises AssertionError with the page's text.
    """
    provider = _origin(authorize_url)
    session = requests.Session()
    response = session.get(authorize_url, allow_redirects=False, timeout=5)
    for _ in range(20):
        if response.is_redirect:
            target = urljoin(response.url, response.headers["Location"])
            if _origin(target) != provider:
                return target
            response = session.get(target, allow_redirects=False, timeout=5)
            continue
        page = response.text
        form = re.search(r'<form id="login-form"[^>]*action="([^"]+)"', page)
        if response.status_code != 200 or form is None:
            raise AssertionError(f"the provider answered {response.status_code}: {_text(page)}")
        if 'id="login-error"' in page:
            raise AssertionError(f"the provider refused the login: {_text(page)}")
        if deny:
            cancel = re.search(r'<a id="cancel" href="([^"]+)"', page).group(1)
            response = session.get(
                urljoin(response.url, unescape(cancel)), allow_redirects=False, timeout=5
            )
        else:
            response = session.post(
                urljoin(response.url, unescape(form.group(1))),
                data={"login": subject, "password": password},
                allow_redirects=False,
                timeout=5,
            )
    raise AssertionError(f"no redirect back to the relying party after 20 steps: {response.url}")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _text(html: str) -> str:
    without_tags = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", unescape(without_tags)).strip()
