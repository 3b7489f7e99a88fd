from django.urls import include, path

app_name = "students"

urlpatterns = [
    path("", include("parta.students.routes.classes")),
]
