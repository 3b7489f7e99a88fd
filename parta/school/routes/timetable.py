from django.urls import path

from parta.school.views import timetable

urlpatterns = [
    path("timetable/", timetable.timetable, name="timetable"),
    path("<int:org_id>/timetable/", timetable.timetable_of, name="timetable-of"),
    path("timetable/entry/", timetable.timetable_entry_save, name="timetable-entry-save"),
    path(
        "timetable/entry/<int:entry_id>/remove/",
        timetable.timetable_entry_remove,
        name="timetable-entry-remove",
    ),
]
