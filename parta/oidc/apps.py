from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OidcConfig(AppConfig):
    name = "parta.oidc"
    label = "oidc"
    verbose_name = _("OpenID Connect provider")

    def ready(self) -> None:
        from parta.core.audit import register_labels
        from parta.oidc.audit_labels import ACTION_LABELS, FIELD_LABELS

        register_labels(actions=ACTION_LABELS, fields=FIELD_LABELS)
