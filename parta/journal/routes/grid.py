from django.urls import path

from parta.journal.views import grid

urlpatterns = [
    path("<int:assignment_id>/", grid.grid, name="grid"),
    path("<int:assignment_id>/finals/", grid.finals, name="finals"),
    path(
        "<int:assignment_id>/period-marks/<int:student_id>/",
        grid.period_mark,
        name="period-mark",
    ),
    path("lessons/<int:lesson_id>/cells/<int:student_id>/", grid.cell, name="cell"),
]
