"""«Контроль кампании» of ДПО staff: who has not acted yet, «Напомнить», and the lists as
.xlsx."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parta.core import calendar
from parta.core.spreadsheets import Cell, Column, Sheet, xlsx_response
from parta.dpo import policies, services
from parta.dpo.selectors import control as selectors
from parta.dpo.views.access import listener
from parta.identity.models import Membership

SECTION = "dpo"


def _staff_campaign(request: HttpRequest, key: str) -> tuple[Membership, list, object]:
    member = listener(request)
    if not policies.is_dpo_staff(member):
        raise Http404
    found = selectors.campaigns(member)
    return member, found, selectors.current_campaign(found, key)


def campaign(request: HttpRequest) -> HttpResponse:
    """The chosen campaign's totals and a page of the schools or the teachers not acted yet."""
    member, found, chosen = _staff_campaign(request, request.GET.get("campaign", ""))
    view = request.GET.get("view", selectors.DIRECTORS)
    if view not in (selectors.DIRECTORS, selectors.TEACHERS):
        view = selectors.DIRECTORS
    value = request.GET.get("page", "1")
    context = {
        "active_section": SECTION,
        "campaigns": found,
        "control": chosen
        and selectors.campaign_control(
            member, chosen, view=view, page=int(value) if value.isdigit() else 1
        ),
    }
    return render(request, "dpo/control.html", context)


@require_POST
def remind(request: HttpRequest) -> HttpResponse:
    member, _found, chosen = _staff_campaign(request, request.POST.get("campaign", ""))
    if chosen is None:
        raise Http404
    try:
        sent = services.send_reminders(actor=member, campaign=chosen)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Reminders sent: %(directors)s to directors, %(teachers)s to teachers.")
            % {"directors": sent.directors, "teachers": sent.teachers},
        )
    return redirect(f"{reverse('dpo:control')}?campaign={chosen.key}")


def _deadlines(chosen: selectors.Campaign) -> str:
    return _("Applications until %(applications)s, confirmation until %(approvals)s") % {
        "applications": chosen.applications_close_on.strftime("%d.%m.%Y"),
        "approvals": chosen.approvals_close_on.strftime("%d.%m.%Y"),
    }


def export(request: HttpRequest) -> HttpResponse:
    """Who has not acted yet as an .xlsx file: the schools with their directors, or the
    teachers."""
    member, _found, chosen = _staff_campaign(request, request.GET.get("campaign", ""))
    if chosen is None:
        raise Http404
    heading = [
        _deadlines(chosen),
        _("As of %(date)s") % {"date": calendar.today().strftime("%d.%m.%Y")},
    ]
    if request.GET.get("view") == selectors.TEACHERS:
        sheet = Sheet(
            title=_("Teachers"),
            heading=[_("Assessed teachers who have not applied"), *heading],
            columns=[
                Column(_("Full name"), 36),
                Column(_("Organisation"), 36),
                Column(_("Position"), 28),
                Column(_("Deficits"), 12),
            ],
            rows=[
                [
                    Cell(row.person.full_name),
                    Cell(row.organization.short_name),
                    Cell(row.position),
                    Cell(row.deficits),
                ]
                for row in selectors.all_pending_teachers(member, chosen)
            ],
        )
        name, fallback = _("Teachers who have not applied.xlsx"), "not-applied.xlsx"
    else:
        sheet = Sheet(
            title=_("Directors"),
            heading=[_("Applications not confirmed by the heads of organisations"), *heading],
            columns=[
                Column(_("Organisation"), 36),
                Column(_("Municipality"), 28),
                Column(_("Head of the organisation"), 36),
                Column(_("Not processed"), 14),
                Column(_("Phone"), 20),
                Column(_("E-mail"), 28),
            ],
            rows=[
                [
                    Cell(row.organization.short_name),
                    Cell(row.organization.municipality.name),
                    Cell(row.director.person.full_name if row.director else _("Not chosen")),
                    Cell(row.pending),
                    Cell(row.organization.phone),
                    Cell(row.organization.email),
                ]
                for row in selectors.all_pending_schools(member, chosen)
            ],
        )
        name, fallback = _("Unconfirmed applications.xlsx"), "not-confirmed.xlsx"
    return xlsx_response(sheet, filename=name, fallback=fallback)
