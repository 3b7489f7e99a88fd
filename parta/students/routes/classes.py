from django.urls import path

from parta.students.views import classes

urlpatterns = [
    path("classes/<int:class_id>/roster/", classes.class_roster, name="class-roster"),
    path("groups/<int:group_id>/members/", classes.group_members, name="group-members"),
    path("transition/", classes.transition, name="transition"),
]
