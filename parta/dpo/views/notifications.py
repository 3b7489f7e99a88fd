"""«Уведомления»: the person's in-app notices, newest first, each read when its link is opened,
and «Отметить все прочитанными»."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from parta.dpo.models import Notification
from parta.dpo.notifications import mark_all_read, open_notification
from parta.dpo.selectors import notifications as selectors
from parta.dpo.views.access import listener

SECTION = "dpo"


def notifications(request: HttpRequest) -> HttpResponse:
    member = listener(request)
    value = request.GET.get("page", "1")
    page = selectors.notifications(member.person_id, page=int(value) if value.isdigit() else 1)
    context = {
        "active_section": SECTION,
        "page": page,
        "has_unread": any(notice.read_at is None for notice in page),
    }
    return render(request, "dpo/notifications.html", context)


@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    member = listener(request)
    mark_all_read(person=member.person)
    return redirect("dpo:notifications")


def open_notice(request: HttpRequest, notification_id: int) -> HttpResponse:
    """A notice's link: it is read now, and the page it names opens."""
    member = listener(request)
    try:
        notice = open_notification(person=member.person, notification_id=notification_id)
    except Notification.DoesNotExist as error:
        raise Http404 from error
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
        return redirect(notice.url)
    return redirect("dpo:notifications")
