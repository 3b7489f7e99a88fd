from django.urls import include, path

app_name = "school"

urlpatterns = [
    path("", include("parta.school.routes.structure")),
    path("", include("parta.school.routes.classes")),
    path("", include("parta.school.routes.timetable")),
    path("", include("parta.school.routes.announcements")),
]
