from django.urls import path

from parta.dpo.views import assessments

urlpatterns = [
    path("assessments/import/", assessments.import_file, name="assessments-import"),
]
