from django.urls import include, path

app_name = "students"

urlpatterns = [
    path("", include("parta.students.routes.classes")),
    path("", include("parta.students.routes.cards")),
    path("orders/", include("parta.students.routes.orders")),
]
