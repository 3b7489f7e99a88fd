from django.urls import path

from parta.journal.views import plans

urlpatterns = [
    path("plans/", plans.plans, name="plans"),
    path("plans/<int:plan_id>/", plans.plan, name="plan"),
    path("plans/<int:plan_id>/apply/", plans.plan_apply, name="plan-apply"),
    path("plans/<int:plan_id>/export/", plans.plan_export, name="plan-export"),
    path("plans/<int:plan_id>/import/", plans.plan_import, name="plan-import"),
]
