from django.urls import path

from parta.dpo.views import control

urlpatterns = [
    path("control/", control.campaign, name="control"),
    path("control/remind/", control.remind, name="control-remind"),
    path("control/export/", control.export, name="control-export"),
]
