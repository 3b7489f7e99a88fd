from django.urls import path

from parta.dpo.views import notifications

urlpatterns = [
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read/", notifications.read_all, name="notifications-read"),
    path(
        "notifications/<int:notification_id>/",
        notifications.open_notice,
        name="notification-open",
    ),
]
