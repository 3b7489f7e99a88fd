from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "parta.journal"
    label = "journal"
    verbose_name = _("Journal and diary")

    def ready(self) -> None:
        from parta.core.audit import register_labels
        from parta.journal.audit_labels import ACTION_LABELS, FIELD_LABELS

        register_labels(actions=ACTION_LABELS, fields=FIELD_LABELS)

        from parta.journal.selectors.substitutions import week_changes
        from parta.school.selectors.timetable import register_change_reader

        register_change_reader(week_changes)
