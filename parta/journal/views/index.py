"""«Журнал»: the journals a member may open; the deputy head's correction permits."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from parta.journal.forms.permits import PermitForm
from parta.journal.selectors import index as index_selectors
from parta.journal.services.lessons import refresh_lessons
from parta.journal.services.permits import permit_correction
from parta.school.models import AcademicYear
from parta.school.policies import Action, can
from parta.school.selectors.calendar import current_year


def _year(request: HttpRequest) -> AcademicYear:
    member = request.membership
    year = current_year(member.organization_id) if member.organization_id else None
    if year is None or not member.is_staff:
        raise Http404
    return year


def index(request: HttpRequest) -> HttpResponse:
    """Own journals first for a teacher; every journal of the school for its leaders."""
    year = _year(request)
    refresh_lessons(year=year)
    classes = index_selectors.journal_index(viewer=request.membership, year=year)
    context = {
        "active_section": "journal",
        "year": year,
        "classes": classes,
        "can_permit": can(request.membership, Action.PERMIT_CORRECTIONS, year.organization),
        "can_substitute": can(request.membership, Action.MANAGE_STRUCTURE, year.organization),
    }
    return render(request, "journal/index.html", context)


def permits(request: HttpRequest) -> HttpResponse:
    """Разрешения на исправление закрытого периода: the list and the form to grant one."""
    year = _year(request)
    if not can(request.membership, Action.PERMIT_CORRECTIONS, year.organization):
        raise Http404
    form = PermitForm(request.POST or None, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            permit_correction(actor=request.membership, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The correction is permitted."))
            return redirect("journal:permits")
    context = {
        "active_section": "journal",
        "year": year,
        "form": form,
        "permits": index_selectors.permits(year=year),
    }
    return render(request, "journal/permits.html", context, status=400 if form.errors else 200)
