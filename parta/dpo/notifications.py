"""In-app notices read by their person («Отметить все прочитанными»)."""

from django.db import transaction
from django.utils import timezone

from parta.dpo.models import Notification
from parta.identity.models import Person


@transaction.atomic
def mark_all_read(*, person: Person) -> int:
    """Mark every unread notice of the person read now; returns how many were unread."""
    return Notification.objects.filter(person=person, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def open_notification(*, person: Person, notification_id: int) -> Notification:
    """The person's notice, marked read now if it was not; DoesNotExist for another's."""
    notice = Notification.objects.select_for_update().get(pk=notification_id, person=person)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice
