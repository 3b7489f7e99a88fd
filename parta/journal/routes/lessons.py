from django.urls import path

from parta.journal.views import absences, lessons

urlpatterns = [
    path("lessons/<int:lesson_id>/", lessons.lesson, name="lesson"),
    path("lessons/<int:lesson_id>/homework/", lessons.homework, name="lesson-homework"),
    path(
        "lessons/<int:lesson_id>/homework/<int:homework_id>/files/",
        lessons.file_add,
        name="lesson-file-add",
    ),
    path(
        "lessons/<int:lesson_id>/files/<int:file_id>/delete/",
        lessons.file_remove,
        name="lesson-file-remove",
    ),
    path("homework-files/<int:file_id>/", lessons.homework_file, name="homework-file"),
    path("classes/<int:class_id>/absences/", absences.absences, name="absences"),
]
