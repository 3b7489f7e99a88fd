"""The OpenID Connect relying party of «Войти через Госуслуги».

authlib does the protocol: discovery, state, nonce and PKCE (S256) kept in the session, the code
exchange, the ID token's signature (against the provider's JWKS), issuer, audience, expiry and
nonce, and userinfo. Everything is read from `settings.GOSUSLUGI`, so the real ЕСИА (behind an
OIDC gateway) or any standard provider is plugged in by configuration; the tests run node's
`oidc-provider` as the stand-in.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from joserfc.errors import JoseError

from parta.identity.validators import normalize_snils

NAME = "gosuslugi"

#: What can go wrong between parta and the provider, each with its own page.
ProviderUnavailable = requests.RequestException
ProtocolError = (OAuthError, JoseError)


class MissingIdToken(OAuthError):
    """The provider answered the code exchange without an ID token."""

    error = "missing_id_token"


@dataclass(frozen=True)
class PersonData:
    """What the provider says of the person, in the fields of parta's card."""

    subject: str
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    birth_date: date | None = None
    snils: str = ""
    passport_series: str = ""
    passport_number: str = ""
    email: str = ""
    phone: str = ""
    #: Claims the card fields were read from, for the audit log (no tokens).
    claims: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


def is_enabled() -> bool:
    return bool(settings.GOSUSLUGI["ISSUER"] and settings.GOSUSLUGI["CLIENT_ID"])


def _discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


@lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, secret: str, scopes: str, timeout: int) -> DjangoOAuth2App:
    registry = OAuth()
    return registry.register(
        name=NAME,
        client_id=client_id,
        client_secret=secret,
        server_metadata_url=_discovery_url(issuer),
        client_kwargs={
            "scope": scopes,
            "code_challenge_method": "S256",
            "default_timeout": timeout,
        },
    )


def client() -> DjangoOAuth2App:
    """The configured client; a new one whenever the settings change (as they do in tests)."""
    config = settings.GOSUSLUGI
    return _client(
        config["ISSUER"],
        config["CLIENT_ID"],
        config["CLIENT_SECRET"],
        config["SCOPES"],
        config["TIMEOUT_SECONDS"],
    )


def authorize_redirect(request: HttpRequest, redirect_uri: str) -> HttpResponse:
    """The redirect to the provider's login; state, nonce and the PKCE verifier stay in the session."""
    return client().authorize_redirect(request, redirect_uri)


def complete_login(request: HttpRequest) -> PersonData:
    """Check the provider's answer and read the person from the ID token and userinfo.

    Raises one of `ProtocolError` (wrong state, nonce, signature, expired token, an error the
    provider returned) or `ProviderUnavailable`.
    """
    app = client()
    token = app.authorize_access_token(request, leeway=settings.GOSUSLUGI["LEEWAY_SECONDS"])
    id_claims = token.get("userinfo")
    if not id_claims:
        raise MissingIdToken(description="The token response carries no ID token.")
    claims = dict(id_claims)
    userinfo = app.userinfo(token=token)
    if userinfo.get("sub") != id_claims["sub"]:
        raise OAuthError(error="subject_mismatch", description="userinfo is of another subject")
    claims.update(userinfo)
    return person_data(claims)


def _text(claims: dict, name: str) -> str:
    value = claims.get(settings.GOSUSLUGI["CLAIMS"][name])
    return str(value).strip() if value is not None else ""


def _date(text: str) -> date | None:
    """ISO (OIDC's birthdate) or ДД.ММ.ГГГГ (ЕСИА)."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    return None


def person_data(claims: dict) -> PersonData:
    """The card fields from the provider's claims, named as `settings.GOSUSLUGI["CLAIMS"]` says."""
    names = settings.GOSUSLUGI["CLAIMS"]
    return PersonData(
        subject=str(claims["sub"]),
        last_name=_text(claims, "last_name"),
        first_name=_text(claims, "first_name"),
        middle_name=_text(claims, "middle_name"),
        birth_date=_date(_text(claims, "birth_date")),
        snils=normalize_snils(_text(claims, "snils")),
        passport_series=_text(claims, "passport_series").replace(" ", ""),
        passport_number=_text(claims, "passport_number").replace(" ", ""),
        email=_text(claims, "email"),
        phone=_text(claims, "phone"),
        claims={key: claims[key] for key in ("sub", *names.values()) if key in claims},
    )
