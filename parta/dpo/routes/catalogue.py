from django.urls import path

from parta.dpo.views import catalogue

urlpatterns = [
    path("", catalogue.dashboard, name="dashboard"),
    path("recommendations/", catalogue.recommendations, name="recommendations"),
    path("programmes/", catalogue.programmes, name="catalogue"),
    path("programmes/<int:programme_id>/", catalogue.programme, name="programme"),
    path("profile/", catalogue.profile, name="profile"),
]
