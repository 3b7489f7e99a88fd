from django.urls import path

from parta.school.views import structure as views

urlpatterns = [
    path("planning/", views.planning, name="planning"),
    path("<int:org_id>/planning/", views.planning_of, name="planning-of"),
    path("planning/years/", views.year_create, name="planning-year-create"),
    path("planning/<int:year_id>/terms/", views.terms_save, name="planning-terms"),
    path("planning/terms/<int:term_id>/close/", views.term_close, name="planning-term-close"),
    path("planning/terms/<int:term_id>/reopen/", views.term_reopen, name="planning-term-reopen"),
    path("planning/<int:year_id>/holidays/", views.holiday_save, name="planning-holiday-add"),
    path("planning/holidays/<int:holiday_id>/", views.holiday_save, name="planning-holiday-edit"),
    path(
        "planning/holidays/<int:holiday_id>/delete/",
        views.holiday_delete,
        name="planning-holiday-delete",
    ),
    path("planning/<int:year_id>/transfers/", views.transfer_save, name="planning-transfer-add"),
    path(
        "planning/transfers/<int:transfer_id>/",
        views.transfer_save,
        name="planning-transfer-edit",
    ),
    path(
        "planning/transfers/<int:transfer_id>/delete/",
        views.transfer_delete,
        name="planning-transfer-delete",
    ),
    path("planning/<int:year_id>/bells/", views.bells_save, name="planning-bells"),
    path("curriculum/", views.curriculum, name="curriculum"),
    path("<int:org_id>/curriculum/", views.curriculum_of, name="curriculum-of"),
]
