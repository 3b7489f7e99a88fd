"""«Уведомления»: the person's in-app notices, newest first, and «Отметить все прочитанными»."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from parta.dpo.notifications import mark_all_read
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
