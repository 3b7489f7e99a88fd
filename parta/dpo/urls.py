from django.urls import include, path

app_name = "dpo"

urlpatterns = [
    path("", include("parta.dpo.routes.catalogue")),
    path("", include("parta.dpo.routes.assessments")),
    path("", include("parta.dpo.routes.applications")),
    path("", include("parta.dpo.routes.notifications")),
    path("", include("parta.dpo.routes.control")),
]
