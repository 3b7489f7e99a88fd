from django.urls import path

from parta.dpo.views import applications

urlpatterns = [
    path("cohorts/<int:cohort_id>/apply/", applications.apply, name="apply"),
    path("cohorts/<int:cohort_id>/export/", applications.cohort_export, name="cohort-export"),
    path("applications/", applications.applications, name="applications"),
    path("applications/<int:application_id>/", applications.application, name="application"),
]
