from django.urls import path

from parta.journal.views import index

urlpatterns = [
    path("", index.index, name="index"),
    path("permits/", index.permits, name="permits"),
]
