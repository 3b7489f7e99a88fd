from django.urls import path

from parta.exchange.views import oneroster as views

urlpatterns = [
    path("", views.oneroster, name="oneroster"),
    path("export/", views.oneroster_export, name="oneroster-export"),
    path("upload/", views.oneroster_upload, name="oneroster-upload"),
    path("runs/<int:run_id>/", views.oneroster_run, name="oneroster-run"),
    path("runs/<int:run_id>/apply/", views.oneroster_apply, name="oneroster-apply"),
]
