"""«Готовность к входу через Госуслуги»: the organisations' summary and who lacks what, each as a
page and as an .xlsx file of everything."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from parta.core import calendar
from parta.core.spreadsheets import Cell, Column, Sheet, xlsx_response
from parta.identity.forms.readiness import ReadinessPeopleForm, ReadinessSummaryForm
from parta.identity.policies import Action, can
from parta.identity.selectors import readiness as selectors
from parta.orgs.models import Organization


def _wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def summary(request: HttpRequest) -> HttpResponse:
    """Every organisation in the viewer's view: how many cards of each group are ready."""
    member = request.membership
    if not can(member, Action.VIEW_LOGIN_READINESS, member.unit):
        raise Http404
    form = ReadinessSummaryForm(request.GET)
    filters = form.filters()
    if _wants_xlsx(request):
        return _summary_xlsx(*selectors.readiness_summary_rows(viewer=member, **filters))
    report = selectors.readiness_summary(viewer=member, page=request.GET.get("page", 1), **filters)
    context = {
        "active_section": "reports",
        "form": form,
        "report": report,
        "page": report.page,
        "can_search": bool(member.authority_id),
    }
    return render(request, "identity/readiness_summary.html", context)


def organization(request: HttpRequest, org_id: int) -> HttpResponse:
    """One organisation's people who lack something the matching needs, and what."""
    member = request.membership
    found = selectors.readiness_organization(viewer=member, organization_id=org_id)
    if found is None:
        raise Http404
    form = ReadinessPeopleForm(request.GET)
    filters = form.filters()
    if _wants_xlsx(request):
        return _people_xlsx(
            found, selectors.organization_people_rows(organization=found, **filters)
        )
    report = selectors.organization_people(
        viewer=member, organization=found, page=request.GET.get("page", 1), **filters
    )
    context = {
        "active_section": "reports",
        "form": form,
        "filters": filters,
        "report": report,
        "page": report.page,
        "can_view_summary": can(member, Action.VIEW_LOGIN_READINESS, member.unit),
    }
    return render(request, "identity/readiness_organization.html", context)


def _heading(*lines: str) -> list[str]:
    today = calendar.today().strftime("%d.%m.%Y")
    return [_("Readiness for the Gosuslugi login"), *lines, _("As of %(date)s") % {"date": today}]


def _group_titles(group: str) -> list[Column]:
    columns = [_("total"), _("ready"), _("percent ready")]
    titles = [_("%(group)s: %(column)s") % {"group": group, "column": c} for c in columns]
    titles += [
        _("%(group)s, missing: %(item)s") % {"group": group, "item": label}
        for label in selectors.ITEM_LABELS.values()
    ]
    return [Column(title, 14) for title in titles]


def _group_cells(group: selectors.GroupReadiness) -> list[Cell]:
    values = [group.total, group.ready, group.percent]
    values += [getattr(group, item) for item in selectors.ITEM_LABELS]
    return [Cell(value) for value in values]


def _summary_xlsx(
    rows: list[selectors.OrganizationReadiness], totals: list[selectors.GroupReadiness]
) -> HttpResponse:
    columns = [Column(_("Organisation"), 40), Column(_("Municipality"), 28)]
    for group in totals:
        columns += _group_titles(group.label)
    sheet = Sheet(
        title=_("Readiness"),
        heading=_heading(),
        columns=columns,
        rows=[
            [
                Cell(row.organization.short_name),
                Cell(row.organization.municipality.name),
                *(cell for group in row.groups for cell in _group_cells(group)),
            ]
            for row in rows
        ],
        footer=[[Cell(_("Total")), Cell(""), *(cell for g in totals for cell in _group_cells(g))]],
    )
    return xlsx_response(
        sheet, filename=_("Readiness for the Gosuslugi login.xlsx"), fallback="readiness.xlsx"
    )


def _people_xlsx(organization: Organization, rows: list[selectors.PersonReadiness]) -> HttpResponse:
    sheet = Sheet(
        title=_("Who lacks what"),
        heading=_heading(organization.short_name),
        columns=[
            Column(_("Full name"), 36),
            Column(_("Group"), 24),
            Column(_("Position"), 24),
            Column(_("What is missing"), 60),
        ],
        rows=[
            [
                Cell(row.membership.person.full_name),
                Cell(row.group_label),
                Cell(row.membership.position),
                Cell("; ".join(row.problems)),
            ]
            for row in rows
        ],
    )
    filename = _("Readiness for the Gosuslugi login %(organization)s.xlsx") % {
        "organization": organization.short_name
    }
    return xlsx_response(sheet, filename=filename, fallback=f"readiness-{organization.pk}.xlsx")
