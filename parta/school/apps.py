from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolConfig(AppConfig):
    name = "parta.school"
    label = "school"
    verbose_name = _("School structure")

    def ready(self) -> None:
        from parta.core.audit import register_labels
        from parta.school.audit_labels import ACTION_LABELS, FIELD_LABELS

        register_labels(actions=ACTION_LABELS, fields=FIELD_LABELS)
