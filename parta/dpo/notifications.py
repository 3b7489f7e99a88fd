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
