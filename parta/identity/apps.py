from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "parta.identity"
    label = "identity"
    verbose_name = _("People and accounts")

    def ready(self) -> None:
        from parta.core.audit import register_labels
        from parta.identity.audit_labels import ACTION_LABELS, FIELD_LABELS

        register_labels(actions=ACTION_LABELS, fields=FIELD_LABELS)
