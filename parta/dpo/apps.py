from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DpoConfig(AppConfig):
    name = "parta.dpo"
    label = "dpo"
    verbose_name = _("Professional development")

    def ready(self) -> None:
        from parta.core.audit import register_labels
        from parta.dpo.audit_labels import ACTION_LABELS, FIELD_LABELS

        register_labels(actions=ACTION_LABELS, fields=FIELD_LABELS)
