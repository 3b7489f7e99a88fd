from django import forms
from django.utils.translation import gettext_lazy as _

from parta.identity.selectors import cabinets as cabinets_selectors
from parta.orgs.models import Authority, Organization


class LoginForm(forms.Form):
    """The login page: where to enter (an organisation or an authority), login and password."""

    TARGETS = (("org", _("Organisation")), ("authority", _("Education authority")))

    target = forms.ChoiceField(choices=TARGETS, initial="org", widget=forms.HiddenInput)
    organization = forms.ModelChoiceField(
        queryset=cabinets_selectors.organizations_for_login(),
        required=False,
        label=_("Organisation"),
        empty_label=_("— choose the organisation —"),
    )
    authority = forms.ModelChoiceField(
        queryset=cabinets_selectors.authorities_for_login(),
        required=False,
        label=_("Education authority"),
        empty_label=_("— choose the authority —"),
    )
    login = forms.CharField(label=_("Login"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    remember = forms.BooleanField(label=_("Stay signed in"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        target = data.get("target")
        if target == "org" and not data.get("organization"):
            self.add_error("organization", _("Choose the organisation you work or study in."))
        if target == "authority" and not data.get("authority"):
            self.add_error("authority", _("Choose your education authority."))
        return data

    @property
    def unit(self) -> Organization | Authority:
        data = self.cleaned_data
        return data["organization"] if data["target"] == "org" else data["authority"]


class OwnPasswordForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput,
        help_text=_("At least 8 characters; not only digits; not a common word."),
    )
    new_password_again = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data
