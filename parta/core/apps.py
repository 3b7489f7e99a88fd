from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "parta.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from parta.core import sqlite  # noqa: F401  (registers Unicode LIKE, LOWER and UPPER on SQLite)
