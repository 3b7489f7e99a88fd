"""«Объявления»: the school's announcements for its staff, and the form to publish one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from parta.school.forms.announcements import AnnouncementForm
from parta.school.policies import Action, can
from parta.school.selectors import announcements as announcement_selectors
from parta.school.services.announcements import publish_announcement


def announcements(request: HttpRequest) -> HttpResponse:
    """The list for the school's staff; the form for those who may publish."""
    member = request.membership
    organization = member.organization
    if organization is None or not can(member, Action.VIEW_STRUCTURE, organization):
        raise Http404
    board = announcement_selectors.announcement_board(
        viewer=member, organization=organization, page=request.GET.get("page", 1)
    )
    form = None
    if board.can_publish:
        form = AnnouncementForm(
            request.POST or None,
            classes=board.classes,
            for_school=board.can_publish_for_school,
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                publish_announcement(actor=member, organization=organization, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The announcement is published."))
                return redirect("school:announcements")
    context = {"active_section": "announcements", "board": board, "form": form}
    status = 400 if form is not None and form.errors else 200
    return render(request, "school/announcements.html", context, status=status)
