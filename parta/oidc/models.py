"""The modules that log users in through parta, and the cabinet each sign-in was made in."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractApplication
from oauth2_provider.settings import oauth2_settings

from parta.identity.models import Membership


class Client(AbstractApplication):
    """A module that logs its users in through parta: the ДПО site, an LMS, the messenger.

    django-oauth-toolkit's application model, swapped in (OAUTH2_PROVIDER_APPLICATION_MODEL) for
    two rules: redirect URIs match exactly, and a switched-off client is refused everywhere.
    """

    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("OpenID Connect client")
        verbose_name_plural = _("OpenID Connect clients")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="oidc_client_unique_name_ci"),
        ]

    @property
    def redirect_uri_list(self) -> list[str]:
        return self.redirect_uris.split()

    @property
    def is_confidential(self) -> bool:
        return self.client_type == self.CLIENT_CONFIDENTIAL

    def redirect_uri_allowed(self, uri: str) -> bool:
        """Character for character one of the registered URIs (RFC 9700 §4.1.3).

        django-oauth-toolkit's own check lets a loopback URI change its port and compares host
        names without case; a registered module gets neither.
        """
        return uri in self.redirect_uri_list

    def is_usable(self, request: object) -> bool:
        return self.is_active


class SignIn(models.Model):
    """A user's sign-in to a client, with the cabinet and role the session worked in then.

    The client's server asks for the tokens without the user's session, so the cabinet travels
    with the authorization code and then with the access and refresh tokens issued from it.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="sign_ins")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=30)
    grant = models.OneToOneField(
        oauth2_settings.GRANT_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parta_sign_in",
    )
    access_token = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parta_sign_in",
    )
    refresh_token = models.OneToOneField(
        oauth2_settings.REFRESH_TOKEN_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parta_sign_in",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")

    def __str__(self) -> str:
        return f"{self.client} — {self.membership_id} ({self.role})"
