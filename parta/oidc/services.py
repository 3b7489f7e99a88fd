"""Registering the modules that log users in through parta, and carrying each sign-in's cabinet."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from parta.core import audit
from parta.identity.models import Membership
from parta.oidc import policies
from parta.oidc.models import Client, SignIn
from parta.oidc.policies import Action

#: Host names for which a plain-http redirect URI is allowed: a module run on this computer.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
REDIRECT_URI_MAX_LENGTH = 2000
AUDITED_FIELDS = ("name", "client_id", "client_type", "redirect_uris", "skip_authorization")


@dataclass(frozen=True)
class RegisteredClient:
    """A new client and its secret in plain text: shown once, only its hash is kept."""

    client: Client
    secret: str


def _redirect_uri_problem(uri: str) -> tuple[str, str] | None:
    """Why a redirect URI cannot be registered, as (message, code), or None."""
    if any(character.isspace() for character in uri):
        return _("«%(uri)s» contains a space: put each address on a line of its own."), "space"
    if len(uri) > REDIRECT_URI_MAX_LENGTH:
        return _("«%(uri)s» is too long."), "too_long"
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        return _("«%(uri)s» is not a valid web address."), "invalid"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return (
            _("«%(uri)s» is not a full address: it must start with https:// and name the host."),
            "not_absolute",
        )
    if "@" in parts.netloc:
        return _("«%(uri)s» must not contain a user name or password."), "userinfo"
    if "#" in uri:
        return _("«%(uri)s» must not contain a fragment (the part after #)."), "fragment"
    if "*" in uri:
        return _("«%(uri)s»: wildcards are not allowed, list every address in full."), "wildcard"
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        return (
            _(
                "«%(uri)s» uses plain http: it is allowed only for localhost and 127.0.0.1, "
                "a module on the internet needs https."
            ),
            "insecure",
        )
    return None


def parse_redirect_uris(text: str) -> list[str]:
    """Redirect URIs one per line, each compared character for character when a module logs in."""
    uris: list[str] = []
    errors: list[ValidationError] = []
    for line in text.splitlines():
        uri = line.strip()
        if not uri:
            continue
        problem = _redirect_uri_problem(uri)
        if problem is not None:
            message, code = problem
            errors.append(ValidationError(message, code=code, params={"uri": uri}))
        elif uri not in uris:
            uris.append(uri)
    if errors:
        raise ValidationError(errors)
    if not uris:
        raise ValidationError(
            _("Enter at least one redirect URI: the address the module receives the user back at."),
            code="required",
        )
    return uris


def _clean_fields(*, name: str, redirect_uris: str, client: Client | None) -> tuple[str, str]:
    """The name and the redirect URIs as stored, or every problem with them at once."""
    errors: dict[str, Any] = {}
    name = " ".join(name.split())
    if not name:
        errors["name"] = ValidationError(
            _("Name the module, for example «Professional development site»."), code="required"
        )
    else:
        taken = Client.objects.filter(name__iexact=name)
        if client is not None:
            taken = taken.exclude(pk=client.pk)
        if taken.exists():
            errors["name"] = ValidationError(
                _("A client named «%(name)s» is already registered."),
                code="name_taken",
                params={"name": name},
            )
    try:
        uris = parse_redirect_uris(redirect_uris)
    except ValidationError as error:
        errors["redirect_uris"] = error
        uris = []
    if errors:
        raise ValidationError(errors)
    return name, "\n".join(uris)


def _snapshot(client: Client) -> dict[str, Any]:
    return audit.snapshot(client, AUDITED_FIELDS)


@transaction.atomic
def register_client(
    *,
    actor: Membership,
    name: str,
    redirect_uris: str,
    client_type: str,
    skip_authorization: bool,
) -> RegisteredClient:
    """Register a module; a confidential one gets a secret, shown to the administrator once."""
    if not policies.can(actor, Action.ADD_CLIENT):
        raise PermissionDenied
    if client_type not in (Client.CLIENT_CONFIDENTIAL, Client.CLIENT_PUBLIC):
        raise ValidationError(
            {"client_type": ValidationError(_("Choose the client type."), code="client_type")}
        )
    name, uris = _clean_fields(name=name, redirect_uris=redirect_uris, client=None)
    confidential = client_type == Client.CLIENT_CONFIDENTIAL
    secret = generate_client_secret() if confidential else ""
    client = Client(
        name=name,
        redirect_uris=uris,
        client_type=client_type,
        authorization_grant_type=Client.GRANT_AUTHORIZATION_CODE,
        algorithm=Client.RS256_ALGORITHM,
        skip_authorization=skip_authorization,
        client_secret=secret,
        hash_client_secret=confidential,
    )
    client.save()
    audit.record(
        actor=actor, action="oidc.client_registered", target=client, after=_snapshot(client)
    )
    return RegisteredClient(client=client, secret=secret)


@transaction.atomic
def update_client(
    *,
    actor: Membership,
    client: Client,
    name: str,
    redirect_uris: str,
    skip_authorization: bool,
) -> Client:
    """Rename a client, change its redirect URIs or whether it skips the consent screen."""
    if not policies.can(actor, Action.EDIT_CLIENT):
        raise PermissionDenied
    name, uris = _clean_fields(name=name, redirect_uris=redirect_uris, client=client)
    client = Client.objects.select_for_update().get(pk=client.pk)
    before = _snapshot(client)
    client.name, client.redirect_uris = name, uris
    client.skip_authorization = skip_authorization
    client.save(update_fields=["name", "redirect_uris", "skip_authorization", "updated"])
    changed_before, changed_after = audit.changed(before, _snapshot(client))
    if changed_after:
        audit.record(
            actor=actor,
            action="oidc.client_updated",
            target=client,
            before=changed_before,
            after=changed_after,
        )
    return client


def _revoke_tokens(client: Client) -> int:
    """Delete every code and token issued to the client; the number of tokens revoked."""
    refresh_tokens, _ = get_refresh_token_model().objects.filter(application=client).delete()
    access_tokens, _ = get_access_token_model().objects.filter(application=client).delete()
    get_id_token_model().objects.filter(application=client).delete()
    get_grant_model().objects.filter(application=client).delete()
    return refresh_tokens + access_tokens


@transaction.atomic
def set_client_active(*, actor: Membership, client: Client, active: bool) -> Client:
    """Switch a client on or off; switching off ends every sign-in it holds (its tokens go)."""
    if not policies.can(actor, Action.SWITCH_CLIENT):
        raise PermissionDenied
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.is_active == active:
        return client
    client.is_active = active
    client.save(update_fields=["is_active", "updated"])
    after: dict[str, Any] = {"is_active": active}
    if not active:
        after["tokens_revoked"] = _revoke_tokens(client)
    audit.record(
        actor=actor,
        action="oidc.client_activated" if active else "oidc.client_deactivated",
        target=client,
        before={"is_active": not active},
        after=after,
    )
    return client


@transaction.atomic
def delete_client(*, actor: Membership, client: Client) -> None:
    """Delete a client with its codes, tokens and sign-ins; the audit log keeps its settings."""
    if not policies.can(actor, Action.DELETE_CLIENT):
        raise PermissionDenied
    client = Client.objects.select_for_update().get(pk=client.pk)
    audit.record(actor=actor, action="oidc.client_deleted", target=client, before=_snapshot(client))
    _revoke_tokens(client)
    client.delete()


@transaction.atomic
def replace_secret(*, actor: Membership, client: Client) -> str:
    """A new secret for a confidential client, shown once; the old one stops working at once."""
    if not policies.can(actor, Action.REPLACE_SECRET):
        raise PermissionDenied
    client = Client.objects.select_for_update().get(pk=client.pk)
    if not client.is_confidential:
        raise ValidationError(
            _("A public client has no secret: it proves itself with PKCE alone."),
            code="public_client",
        )
    secret = generate_client_secret()
    client.client_secret = secret
    client.save(update_fields=["client_secret", "updated"])
    audit.record(actor=actor, action="oidc.secret_regenerated", target=client)
    return secret


# Sign-ins. The provider calls these while it issues a code or tokens, inside the toolkit's own
# transaction; they record where the user logged in from, not a change to anyone's data, so they
# write no audit entry.


def start_sign_in(*, member: Membership, client: Client, grant: Any) -> SignIn:
    """Remember the cabinet and role an authorization code was issued in."""
    SignIn.objects.filter(
        client=client, membership=member, grant=None, access_token=None, refresh_token=None
    ).delete()
    return SignIn.objects.create(
        client=client, membership=member, role=member.active_role, grant=grant
    )


def attach_access_token(*, sign_in: SignIn, access_token: Any) -> None:
    """The access token now carries the sign-in's cabinet (after a code or a refresh)."""
    SignIn.objects.filter(pk=sign_in.pk).update(access_token=access_token)


def attach_refresh_token(*, sign_in: SignIn, refresh_token: Any) -> None:
    """The refresh token now carries the sign-in's cabinet."""
    SignIn.objects.filter(pk=sign_in.pk).update(refresh_token=refresh_token)
