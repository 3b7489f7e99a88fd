"""The `parta` command: manage.py under the project's own name (`parta seed`, `parta createadmin`)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parta.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["parta", *sys.argv[1:]])
