from django import forms
from django.utils.translation import gettext_lazy as _


class MergeForm(forms.Form):
    """«Объединить»: the administrator confirms that the other card's login stops working."""

    confirm = forms.BooleanField(
        label=_(
            "I have checked that both cards are one person; the other card's login stops working"
        ),
        error_messages={"required": _("Tick the box to confirm the merge.")},
    )
