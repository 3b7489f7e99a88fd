from django.urls import path

from parta.journal.views import reports

# Each report answers both for the viewer's own school and, with the school's id, for the
# authority staff who chose one of their schools.
urlpatterns = [
    path("reports/", reports.index, name="reports"),
    path("reports/<int:org_id>/", reports.index, name="reports-of"),
    path("reports/results/", reports.results, name="report-results"),
    path("reports/<int:org_id>/results/", reports.results, name="report-results"),
    path("reports/risk/", reports.risk, name="report-risk"),
    path("reports/<int:org_id>/risk/", reports.risk, name="report-risk"),
    path("reports/filling/", reports.filling, name="report-filling"),
    path("reports/<int:org_id>/filling/", reports.filling, name="report-filling"),
]
