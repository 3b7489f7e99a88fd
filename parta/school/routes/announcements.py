from django.urls import path

from parta.school.views import announcements

urlpatterns = [
    path("announcements/", announcements.announcements, name="announcements"),
]
