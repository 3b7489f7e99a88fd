"""Forms of «Пригласить сотрудника» and of accepting an invitation as a new person."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parta.core.formfields import date_field
from parta.identity.forms.staff import NewAccountFieldsMixin
from parta.identity.models import OrgRole


class InvitationForm(forms.Form):
    """The service checks the values, so that every problem is named at once."""

    last_name = forms.CharField(label=_("Surname"), max_length=100, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    middle_name = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        help_text=_("The link to join the organisation goes to this address; any address works."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    snils = forms.CharField(
        label=_("SNILS (optional)"),
        max_length=14,
        required=False,
        help_text=_("With a SNILS, only the person with this SNILS can accept: not a namesake."),
    )
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label=_("User's roles"),
        choices=OrgRole.choices,
        initial=[OrgRole.TEACHER],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They can be changed on the staff card after the invitation is accepted."),
    )


class AcceptNewForm(NewAccountFieldsMixin):
    """A new person accepting: the rest of the card comes from the invitation."""

    field_order = ["birth_date", "snils", "login", "password", "password_again"]

    birth_date = date_field(_("Date of birth"), required=True)
    snils = forms.CharField(label=_("SNILS"), max_length=14, required=False)
    password_again = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The passwords differ."))
        return data
