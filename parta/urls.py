from django.urls import include, path, register_converter

from parta.api import api
from parta.identity.converters import UnitConverter

register_converter(UnitConverter, "unit")

urlpatterns = [
    path("", include("parta.identity.urls")),
    path("", include("parta.web.urls")),
    path("school/", include("parta.school.urls")),
    path("students/", include("parta.students.urls")),
    path("journal/", include("parta.journal.urls")),
    path("exchange/", include("parta.exchange.urls")),
    path("dpo/", include("parta.dpo.urls")),
    # OpenID Connect: issuer <site>/o, discovery at /o/.well-known/openid-configuration.
    path("o/", include("parta.oidc.provider_urls")),
    path("oidc/", include("parta.oidc.urls")),
    path("api/v1/", api.urls),
]

handler403 = "parta.web.views.error_403"
handler404 = "parta.web.views.error_404"
handler500 = "parta.web.views.error_500"
