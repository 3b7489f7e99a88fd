from django.urls import path

from parta.students.views import orders

urlpatterns = [
    path("", orders.orders, name="orders"),
    path("new/", orders.order_new, name="order-new"),
    path("<int:order_id>/", orders.order, name="order"),
    path("<int:order_id>/edit/", orders.order_edit, name="order-edit"),
    path("arrivals/<int:line_id>/", orders.order_arrival, name="order-arrival"),
    path("report/", orders.movement_report, name="movement-report"),
]
