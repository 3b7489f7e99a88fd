from django.urls import path

from parta.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("manage/", views.manage, name="manage"),
    path("section/<slug:key>/", views.section, name="section"),
    path("reports/", views.reports, name="reports"),
]
