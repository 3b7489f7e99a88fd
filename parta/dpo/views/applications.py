"""«Записаться», «Заявки» (own, the school's or the region's, with bulk actions), an
application's «Подробнее» page with its actions and comments, and a group's .xlsx export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parta.core import calendar
from parta.core.spreadsheets import Cell, Column, Sheet, xlsx_response
from parta.dpo import policies, services
from parta.dpo.models import Application, Cohort
from parta.dpo.selectors import applications as selectors
from parta.dpo.states import Action, allowed_actions
from parta.dpo.views.access import listener
from parta.identity.models import Membership

SECTION = "dpo"

#: The bulk actions of each list and the services doing them.
BULK_ACTIONS = {
    selectors.SCHOOL: {Action.APPROVE: services.approve_many, Action.CANCEL: services.cancel_many},
    selectors.REGION: {Action.ENROL: services.enrol_many, Action.CANCEL: services.cancel_many},
}
SINGLE_ACTIONS = {
    Action.APPROVE: services.approve,
    Action.ENROL: services.enrol,
    Action.CANCEL: services.cancel,
}


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_POST
def apply(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """«Записаться»: the application is created, or the programme page says why not."""
    member = listener(request)
    cohort = get_object_or_404(Cohort, pk=cohort_id)
    try:
        created = services.apply(actor=member, cohort=cohort)
    except ValidationError as error:
        _refused(request, error)
        return redirect("dpo:programme", cohort.programme_id)
    messages.success(request, _("Application № %(number)s created.") % {"number": created.pk})
    return redirect("dpo:application", created.pk)


def applications(request: HttpRequest) -> HttpResponse:
    """«Заявки»: the list of the member's mode; a POST runs a bulk action on the ticked rows."""
    member = listener(request)
    if request.method == "POST":
        return _bulk(request, member)
    status = request.GET.get("status", "")
    if status not in Application.Status.values:
        status = ""
    cohort_id = _number(request.GET.get("cohort"))
    listing = selectors.applications(
        member, cohort_id=cohort_id, status=status, page=_number(request.GET.get("page")) or 1
    )
    context = {
        "active_section": SECTION,
        "listing": listing,
        "page": listing.page,
        "bulk_actions": list(BULK_ACTIONS.get(listing.mode, {})),
        "statuses": Application.Status.choices,
        "status": status,
        "cohort_id": cohort_id,
    }
    return render(request, "dpo/applications.html", context)


def _bulk(request: HttpRequest, member: Membership) -> HttpResponse:
    actions = BULK_ACTIONS.get(selectors.list_mode(member), {})
    action = request.POST.get("action", "")
    if action not in actions:
        raise Http404
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    chosen = selectors.managed(member, ids)
    query = request.GET.urlencode()
    back = redirect(f"{request.path}?{query}" if query else request.path)
    if not chosen:
        messages.error(request, _("Tick the applications first."))
        return back
    extra = {"comment": request.POST.get("comment", "")} if action == Action.CANCEL else {}
    try:
        done = actions[action](actor=member, applications=chosen, **extra)
    except ValidationError as error:
        _refused(request, error)
        return back
    messages.success(request, _("Applications changed: %(count)s.") % {"count": len(done)})
    return back


def application(request: HttpRequest, application_id: int) -> HttpResponse:
    """«Подробнее»: status, programme, history, comments and the actor's buttons."""
    member = listener(request)
    try:
        found = selectors.application(application_id)
    except Application.DoesNotExist as error:
        raise Http404 from error
    if not policies.can_view(member, found):
        raise Http404
    if request.method == "POST":
        return _act(request, member, found)
    context = {
        "active_section": SECTION,
        "application": found,
        "actions": allowed_actions(found.status, policies.actor_kind(member, found)),
        "comment_max_length": services.COMMENT_MAX_LENGTH,
    }
    return render(request, "dpo/application.html", context)


def _act(request: HttpRequest, member: Membership, found: Application) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action == "comment":
            services.add_comment(actor=member, application=found, text=request.POST.get("text", ""))
        elif action in SINGLE_ACTIONS:
            extra = {"comment": request.POST.get("comment", "")} if action == Action.CANCEL else {}
            SINGLE_ACTIONS[action](actor=member, application=found, **extra)
        else:
            raise Http404
    except ValidationError as error:
        _refused(request, error)
    return redirect("dpo:application", found.pk)


def cohort_export(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The group's applicants from the staff member's region as an .xlsx file."""
    member = listener(request)
    if not policies.is_dpo_staff(member):
        raise Http404
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=cohort_id)
    today = calendar.today()
    sheet = Sheet(
        title=_("Group"),
        heading=[str(cohort), _("As of %(date)s") % {"date": today.strftime("%d.%m.%Y")}],
        columns=[
            Column(_("Full name"), 36),
            Column(_("Organisation"), 36),
            Column(_("Position"), 24),
            Column(_("Status"), 30),
            Column(_("Application date"), 16),
        ],
        rows=[
            [
                Cell(row.applicant.person.full_name),
                Cell(row.organization.short_name),
                Cell(row.applicant.position),
                Cell(row.get_status_display()),
                Cell(timezone.localdate(row.created_at), number_format="DD.MM.YYYY"),
            ]
            for row in selectors.group_list(member, cohort)
        ],
    )
    return xlsx_response(
        sheet,
        filename=_("Group %(number)s.xlsx") % {"number": cohort.pk},
        fallback=f"group-{cohort.pk}.xlsx",
    )
