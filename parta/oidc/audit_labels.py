"""Names of the oidc app's audited actions and fields on the audit screen."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "oidc.client_registered": _("OpenID Connect client registered"),
    "oidc.client_updated": _("OpenID Connect client changed"),
    "oidc.client_deactivated": _("OpenID Connect client switched off"),
    "oidc.client_activated": _("OpenID Connect client switched on"),
    "oidc.client_deleted": _("OpenID Connect client deleted"),
    "oidc.secret_regenerated": _("OpenID Connect client secret replaced"),
}

FIELD_LABELS: dict[str, Promise] = {
    "name": _("Name"),
    "client_id": _("Client ID"),
    "client_type": _("Client type"),
    "redirect_uris": _("Redirect URIs"),
    "skip_authorization": _("Trusted module: no consent screen"),
    "is_active": _("Active"),
    "tokens_revoked": _("Tokens revoked"),
}
