"""The authorization endpoint: parta's own consent page, and the session's cabinet for the code."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from oauth2_provider.views import AuthorizationView
from oauthlib.oauth2.rfc6749 import errors

from parta.oidc.provider import MEMBERSHIP_CREDENTIAL

#: What each scope gives the module, as the consent page says it.
SCOPE_DESCRIPTIONS: dict[str, Promise] = {
    "openid": _("that you have signed in to parta, under a number that never changes"),
    "profile": _("your full name and your login"),
    "email": _("the e-mail address on your card"),
    "parta": _(
        "the cabinet you are working in: the organisation, your role, position and subjects taught"
    ),
}

UNKNOWN_CLIENT = (errors.InvalidClientIdError, errors.MissingClientIdError)
UNREGISTERED_REDIRECT = (
    errors.InvalidRedirectURIError,
    errors.MismatchingRedirectURIError,
    errors.MissingRedirectURIError,
)


def error_message(error: errors.OAuth2Error) -> Promise:
    """Why parta refuses a module's request, for the user who cannot be sent back to it."""
    if isinstance(error, UNKNOWN_CLIENT):
        return _("parta does not know this module, or the regional administrator switched it off.")
    if isinstance(error, UNREGISTERED_REDIRECT):
        return _(
            "The module asked to send you back to an address that is not registered in parta, "
            "so parta does not send you there."
        )
    return _("The module's sign-in request is wrong.")


class AuthorizeView(AuthorizationView):
    """«Вход через parta» for a module; a trusted module skips the consent page.

    A user who is not signed in goes through parta's login page and comes back here; the code
    issued carries the cabinet and role the session works in.
    """

    template_name = "oidc/authorize.html"

    def create_authorization_response(
        self, request: HttpRequest, scopes: str, credentials: dict, allow: bool
    ) -> tuple:
        credentials = {**credentials, MEMBERSHIP_CREDENTIAL: request.membership}
        return super().create_authorization_response(request, scopes, credentials, allow)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["scope_items"] = [
            SCOPE_DESCRIPTIONS[scope]
            for scope in kwargs.get("scopes", ())
            if scope in SCOPE_DESCRIPTIONS
        ]
        context["active_section"] = ""
        return context

    def render_to_response(self, context: dict, **response_kwargs: Any) -> HttpResponse:
        error = context.get("error")
        if error is not None:
            context = {**context, "error_message": error_message(error), "active_section": ""}
        return super().render_to_response(context, **response_kwargs)
