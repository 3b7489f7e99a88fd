from django.urls import path

from parta.students.views import cards

urlpatterns = [
    path("", cards.student_list, name="list"),
    path("add/", cards.student_add, name="add"),
    path("<int:student_id>/", cards.student_card, name="card"),
    path("<int:student_id>/sections/<str:section>/", cards.card_section, name="card-section"),
    path("<int:student_id>/guardians/add/", cards.guardian_add, name="guardian-add"),
    path(
        "guardianships/<int:guardianship_id>/relation/",
        cards.guardian_relation,
        name="guardian-relation",
    ),
    path(
        "guardianships/<int:guardianship_id>/remove/",
        cards.guardian_remove,
        name="guardian-remove",
    ),
    path("guardians/<int:person_id>/", cards.guardian_card, name="guardian"),
    path("classes/<int:class_id>/accounts/", cards.class_accounts, name="class-accounts"),
]
