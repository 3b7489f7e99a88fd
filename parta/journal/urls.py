from django.urls import include, path

app_name = "journal"

urlpatterns = [
    path("", include("parta.journal.routes.index")),
    path("", include("parta.journal.routes.timetable")),
    path("", include("parta.journal.routes.grid")),
    path("", include("parta.journal.routes.lessons")),
    path("", include("parta.journal.routes.diary")),
    path("", include("parta.journal.routes.reports")),
    path("", include("parta.journal.routes.plans")),
]
