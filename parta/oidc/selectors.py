"""Reads of the clients for their screens, and of sign-ins for the provider."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from parta.identity.models import Membership
from parta.oidc.models import Client, SignIn
from parta.oidc.policies import visible_clients
from parta.orgs.models import Subject


def clients_list(*, viewer: Membership) -> list[Client]:
    """«Клиенты OpenID Connect»: every client the viewer sees, by name, in one query."""
    return list(Client.objects.filter(visible_clients(viewer)).order_by("name", "pk"))


def client_for(*, viewer: Membership, client_id: int) -> Client | None:
    """One client the viewer may manage, or None (the screens answer 404)."""
    return Client.objects.filter(visible_clients(viewer), pk=client_id).first()


def _sign_ins() -> QuerySet[SignIn]:
    """Sign-ins with all the claims and the sign-in policy read, in three queries."""
    return SignIn.objects.select_related(
        "client",
        "membership__person__account",
        "membership__organization",
        "membership__authority",
    ).prefetch_related(
        "membership__role_rows",
        Prefetch("membership__subjects", queryset=Subject.objects.order_by("name")),
    )


def sign_in_for_code(*, code: str, client: Client) -> SignIn | None:
    """The sign-in an authorization code of this client was issued in."""
    return _sign_ins().filter(grant__code=code, grant__application=client).first()


def sign_in_for_access_token(*, access_token: Any) -> SignIn | None:
    return _sign_ins().filter(access_token=access_token).first()


def sign_in_for_refresh_token(*, refresh_token: Any) -> SignIn | None:
    return _sign_ins().filter(refresh_token=refresh_token).first()
