"""parta's hooks into django-oauth-toolkit: the cabinet of each sign-in, and the claims.

The authorization view hands the session's cabinet to the code it issues (`start_sign_in`);
every later step — the code exchange, a refresh, a userinfo request — finds the sign-in again by
the code or token, checks that the cabinet may still sign in, and reads its claims.
"""

from collections import OrderedDict
from typing import Any

from django.utils.translation import gettext as _
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors

from parta.oidc import claims, policies, selectors, services
from parta.oidc.models import SignIn

#: The attribute of an oauthlib request the authorization view puts the session's cabinet in.
MEMBERSHIP_CREDENTIAL = "parta_membership"
SIGN_IN = "parta_sign_in"


def _sign_in_allowed(sign_in: SignIn | None) -> bool:
    if sign_in is None:
        return False
    return policies.can_sign_in(sign_in.membership.acting_as(sign_in.role), sign_in.client)


class Validator(OAuth2Validator):
    """django-oauth-toolkit's validator, carrying the cabinet from the code to every token."""

    oidc_claim_scope = OAuth2Validator.oidc_claim_scope | claims.CLAIM_SCOPES

    # Issuing a code: the user is in the browser, signed in to parta in one cabinet.

    def _create_authorization_code(self, request: Any, code: dict, expires: Any = None) -> Any:
        member = getattr(request, MEMBERSHIP_CREDENTIAL, None)
        if member is None or not policies.can_sign_in(member, request.client):
            raise errors.AccessDeniedError(request=request)
        grant = super()._create_authorization_code(request, code, expires)
        services.start_sign_in(member=member, client=request.client, grant=grant)
        return grant

    def validate_silent_authorization(self, request: Any) -> bool:
        """`prompt=none` passes the consent screen only for a trusted module."""
        return bool(request.client and request.client.skip_authorization)

    def validate_silent_login(self, request: Any) -> bool:
        """The authorization view runs only for a signed-in user, so no login is due."""
        return True

    # The module's server exchanges the code or a refresh token, without the user's session.

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args, **kwargs):
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            return False
        sign_in = selectors.sign_in_for_code(code=code, client=client)
        if not _sign_in_allowed(sign_in):
            return False
        setattr(request, SIGN_IN, sign_in)
        return True

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Any, *args, **kwargs
    ):
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        sign_in = selectors.sign_in_for_refresh_token(refresh_token=request.refresh_token_instance)
        if not _sign_in_allowed(sign_in):
            return False
        setattr(request, SIGN_IN, sign_in)
        return True

    def _create_access_token(self, expires, request, token, source_refresh_token=None):
        access_token = super()._create_access_token(expires, request, token, source_refresh_token)
        sign_in = getattr(request, SIGN_IN, None)
        if sign_in is not None:
            services.attach_access_token(sign_in=sign_in, access_token=access_token)
        return access_token

    def _create_refresh_token(self, request, refresh_token_code, access_token, previous):
        refresh_token = super()._create_refresh_token(
            request, refresh_token_code, access_token, previous
        )
        sign_in = getattr(request, SIGN_IN, None)
        if sign_in is not None:
            services.attach_refresh_token(sign_in=sign_in, refresh_token=refresh_token)
        return refresh_token

    # The module reads the claims with its access token (userinfo).

    def validate_bearer_token(self, token: str, scopes: list[str], request: Any) -> bool:
        if not super().validate_bearer_token(token, scopes, request):
            return False
        sign_in = selectors.sign_in_for_access_token(access_token=request.access_token)
        if not _sign_in_allowed(sign_in):
            request.oauth2_error = OrderedDict(
                [("error", "invalid_token"), ("error_description", _("The sign-in has ended."))]
            )
            return False
        setattr(request, SIGN_IN, sign_in)
        return True

    # Claims, for the ID token and for userinfo alike.

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        sign_in = getattr(request, SIGN_IN, None)
        return claims.sign_in_claims(sign_in) if sign_in is not None else {}

    def get_discovery_claims(self, request: Any) -> list[str]:
        return ["sub", *claims.CLAIM_SCOPES]
