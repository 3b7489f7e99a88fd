"""The provider's endpoints under /o/: the issuer is <site>/o.

Only the authorization code flow's endpoints are mounted; the toolkit's own screens for
applications and tokens, the device flow and dynamic registration are not. The namespace is the
toolkit's, whose views reverse their siblings by these names.
"""

from django.urls import path, re_path
from oauth2_provider import views

from parta.oidc.views.authorize import AuthorizeView
from parta.oidc.views.userinfo import UserInfoView

app_name = "oauth2_provider"
urlpatterns = [
    path("authorize/", AuthorizeView.as_view(), name="authorize"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("revoke_token/", views.RevokeTokenView.as_view(), name="revoke-token"),
    path("userinfo/", UserInfoView.as_view(), name="user-info"),
    re_path(
        r"^\.well-known/openid-configuration$",
        views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", views.JwksInfoView.as_view(), name="jwks-info"),
    # RFC 8414 metadata: besides its own document, it names the issuer of the `iss` parameter
    # the authorization responses carry (RFC 9207).
    path(
        ".well-known/oauth-authorization-server",
        views.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
]
