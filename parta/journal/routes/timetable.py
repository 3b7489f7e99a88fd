from django.urls import path

from parta.journal.views import substitutions

urlpatterns = [
    path("substitutions/", substitutions.substitutions, name="substitutions"),
    path(
        "substitutions/<int:lesson_id>/",
        substitutions.substitution_set,
        name="substitution-set",
    ),
]
