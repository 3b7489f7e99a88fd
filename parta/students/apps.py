from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentsConfig(AppConfig):
    name = "parta.students"
    label = "students"
    verbose_name = _("Students")

    def ready(self) -> None:
        from parta.core.audit import register_labels
        from parta.students.audit_labels import ACTION_LABELS, FIELD_LABELS

        register_labels(actions=ACTION_LABELS, fields=FIELD_LABELS)
