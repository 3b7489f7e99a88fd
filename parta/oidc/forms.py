from django import forms
from django.utils.translation import gettext_lazy as _

from parta.oidc.models import Client

CLIENT_TYPES = [
    (
        Client.CLIENT_CONFIDENTIAL,
        _("Confidential: the module's server keeps a secret (a website, an LMS)"),
    ),
    (
        Client.CLIENT_PUBLIC,
        _("Public: the module cannot keep a secret (a mobile or desktop application)"),
    ),
]


class ClientForm(forms.Form):
    """A client's settings. The service checks the name and the redirect URIs, so that a form
    with both wrong names every problem at once."""

    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    redirect_uris = forms.CharField(
        label=_("Redirect URIs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_(
            "One address per line. The module must send exactly one of them: they are compared "
            "character for character. Plain http only for localhost and 127.0.0.1."
        ),
    )
    skip_authorization = forms.BooleanField(
        label=_("Trusted module: no consent screen"),
        required=False,
        help_text=_(
            "For the region's own modules: users go straight in, without being asked whether "
            "to share their data."
        ),
    )

    @classmethod
    def for_client(cls, client: Client) -> "ClientForm":
        return cls(
            initial={
                "name": client.name,
                "redirect_uris": "\n".join(client.redirect_uri_list),
                "skip_authorization": client.skip_authorization,
            }
        )


class NewClientForm(ClientForm):
    """Registration also chooses the client type, which stays with the client for good."""

    client_type = forms.ChoiceField(
        label=_("Client type"),
        choices=CLIENT_TYPES,
        initial=Client.CLIENT_CONFIDENTIAL,
        widget=forms.RadioSelect,
    )

    field_order = ["name", "client_type", "redirect_uris", "skip_authorization"]
