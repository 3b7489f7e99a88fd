"""Reads of a person's in-app notices: a page of them, newest first, and the unread count."""

from django.core.paginator import Page, Paginator

from parta.dpo.models import Notification

PAGE_SIZE = 30


def notifications(person_id: int, *, page: int = 1) -> Page:
    """One page of the person's notices, newest first; two queries (count, rows)."""
    queryset = Notification.objects.filter(person_id=person_id).order_by("-created_at", "-id")
    return Paginator(queryset, PAGE_SIZE).get_page(page)


def unread_count(person_id: int) -> int:
    return Notification.objects.filter(person_id=person_id, read_at__isnull=True).count()
