from django.urls import path

from parta.journal.views import diary

urlpatterns = [
    path("diary/", diary.diary, name="diary"),
    path("diary/marks/", diary.diary_marks, name="diary-marks"),
    path("diary/announcements/", diary.diary_announcements, name="diary-announcements"),
]
