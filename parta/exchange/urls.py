from django.urls import include, path

app_name = "exchange"

urlpatterns = [
    path("batch/", include("parta.exchange.routes.batch")),
    path("oneroster/", include("parta.exchange.routes.oneroster")),
]
