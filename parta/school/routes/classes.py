from django.urls import path

from parta.school.views import classes

urlpatterns = [
    path("classes/", classes.classes, name="classes"),
    path("<int:org_id>/classes/", classes.classes_of, name="classes-of"),
    path("classes/<int:class_id>/", classes.class_page, name="class"),
    path("classes/<int:class_id>/edit/", classes.class_edit, name="class-edit"),
    path("classes/<int:class_id>/delete/", classes.class_delete, name="class-delete"),
    path("classes/<int:class_id>/groups/", classes.group_add, name="group-add"),
    path("groups/<int:group_id>/", classes.group_edit, name="group-edit"),
    path("groups/<int:group_id>/delete/", classes.group_delete, name="group-delete"),
    path(
        "classes/<int:class_id>/assignments/",
        classes.class_assignments,
        name="class-assignments",
    ),
    path("assignments/<int:assignment_id>/", classes.assignment_edit, name="assignment-edit"),
    path(
        "assignments/<int:assignment_id>/delete/",
        classes.assignment_delete,
        name="assignment-delete",
    ),
]
