"""Form fields every app's pages type the same way."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_FORMAT = "%d.%m.%Y"


def date_field(label: Any, *, required: bool = False) -> forms.DateField:
    """A date typed as ДД.ММ.ГГГГ (a text input: it works the same on every phone)."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(
            format=DATE_FORMAT,
            attrs={"placeholder": _("DD.MM.YYYY"), "inputmode": "numeric", "autocomplete": "off"},
        ),
        error_messages={"invalid": _("Enter the date as DD.MM.YYYY, for example 07.10.2000.")},
    )
