"""«Отчёты» of the journal: «Итоги», students at risk, journal filling; each as a page to print
and as an .xlsx file (`?format=xlsx`) built from the same selector."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from parta.core import calendar
from parta.core.spreadsheets import xlsx_response
from parta.journal import exports
from parta.journal.forms.reports import FillingForm, ResultsForm, RiskForm
from parta.journal.selectors import reports as selectors
from parta.journal.selectors.reports import ReportScope
from parta.journal.services.lessons import refresh_lessons


def _scope(request: HttpRequest, org_id: int | None) -> ReportScope:
    """The school reported on (the viewer's own when the URL names none); 404 for outsiders."""
    member = request.membership
    scope = selectors.report_scope(
        viewer=member,
        organization_id=org_id if org_id is not None else member.organization_id,
        today=calendar.today(),
    )
    if scope is None:
        raise Http404
    if scope.year is not None:
        refresh_lessons(year=scope.year)
    return scope


def _class_or_404(request: HttpRequest, scope: ReportScope) -> None:
    """A class id the viewer may not report on is a missing page, not a form error."""
    class_id = request.GET.get("class", "")
    if class_id.isdigit() and scope.school_class(int(class_id)) is None:
        raise Http404


def _xlsx_url(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["format"] = "xlsx"
    return f"?{query.urlencode()}"


def _wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def _context(request: HttpRequest, scope: ReportScope, **extra: object) -> dict:
    return {
        "active_section": "reports",
        "scope": scope,
        "organization": scope.organization,
        "today": calendar.today(),
        "xlsx_url": _xlsx_url(request),
        **extra,
    }


def index(request: HttpRequest, org_id: int | None = None) -> HttpResponse:
    """The reports of a school; authority staff first choose one of their schools."""
    member = request.membership
    if org_id is None and member.organization_id is None:
        schools = selectors.report_schools(viewer=member)
        if not schools:
            raise Http404
        context = {"active_section": "reports", "schools": schools}
        return render(request, "journal/report_schools.html", context)
    scope = _scope(request, org_id)
    term = scope.current_term(calendar.today())
    context = {
        "active_section": "reports",
        "scope": scope,
        "organization": scope.organization,
        "term": term,
    }
    return render(request, "journal/report_index.html", context)


def results(request: HttpRequest, org_id: int | None = None) -> HttpResponse:
    """«Итоги» of one class for one term."""
    scope = _scope(request, org_id)
    _class_or_404(request, scope)
    if not scope.classes:
        raise Http404
    today = calendar.today()
    form = ResultsForm(request.GET, scope=scope, today=today)
    report = None
    if form.is_valid():
        school_class = scope.school_class(form.cleaned_data["class"])
        term = scope.term(form.cleaned_data["term"])
        report = selectors.class_results(school_class=school_class, term=term)
        if _wants_xlsx(request):
            sheet = exports.results_sheet(report, school=scope.organization.short_name, today=today)
            filename = _("Results %(class)s %(term)s.xlsx") % {
                "class": school_class,
                "term": term.name,
            }
            fallback = f"results-{school_class.pk}-{term.number}.xlsx"
            return xlsx_response(sheet, filename=filename, fallback=fallback)
    context = _context(request, scope, form=form, report=report)
    return render(request, "journal/report_results.html", context)


def risk(request: HttpRequest, org_id: int | None = None) -> HttpResponse:
    """Students at risk: a low average in a subject, or many lessons missed."""
    scope = _scope(request, org_id)
    _class_or_404(request, scope)
    if not scope.classes and not scope.whole_school:
        raise Http404
    today = calendar.today()
    form = RiskForm(request.GET, scope=scope, today=today)
    report = None
    if form.is_valid():
        data = form.cleaned_data
        chosen = scope.school_class(data["class"]) if data["class"] else None
        classes = [chosen] if chosen else scope.classes
        report = selectors.students_at_risk(
            classes=classes,
            term=scope.term(data["term"]),
            threshold=data["threshold"],
            absence_percent=data["absence_percent"],
            today=today,
        )
        scope_name = str(chosen) if chosen else scope.organization.short_name
        if _wants_xlsx(request):
            sheet = exports.risk_sheet(
                report, school=scope.organization.short_name, scope_name=scope_name, today=today
            )
            filename = _("Students at risk %(scope)s %(term)s.xlsx") % {
                "scope": scope_name,
                "term": report.term.name,
            }
            fallback = f"risk-{chosen.pk if chosen else 'school'}-{report.term.number}.xlsx"
            return xlsx_response(sheet, filename=filename, fallback=fallback)
    context = _context(request, scope, form=form, report=report)
    return render(request, "journal/report_risk.html", context)


def _journal_url(assignment_id: int) -> str:
    """The journal grid of an assignment (`/journal/<assignment_id>/`)."""
    try:
        return reverse("journal:grid", args=[assignment_id])
    except NoReverseMatch:
        return f"{reverse('journal:index')}{assignment_id}/"


def filling(request: HttpRequest, org_id: int | None = None) -> HttpResponse:
    """Journal filling per teacher against the regulation's deadlines, the worst first."""
    scope = _scope(request, org_id)
    if not scope.whole_school:
        raise Http404
    today = calendar.today()
    form = FillingForm(request.GET, scope=scope, today=today)
    report = None
    if form.is_valid():
        report = selectors.journal_filling(
            organization=scope.organization,
            year=scope.year,
            terms=scope.terms,
            starts_on=form.cleaned_data["from"],
            ends_on=form.cleaned_data["to"],
            today=today,
        )
        if _wants_xlsx(request):
            sheet = exports.filling_sheet(report, school=scope.organization.short_name, today=today)
            filename = _("Journal filling %(from)s-%(to)s.xlsx") % {
                "from": report.starts_on.strftime("%d.%m.%Y"),
                "to": report.ends_on.strftime("%d.%m.%Y"),
            }
            fallback = f"filling-{report.starts_on:%Y%m%d}-{report.ends_on:%Y%m%d}.xlsx"
            return xlsx_response(sheet, filename=filename, fallback=fallback)
        for row in report.rows:
            row.journal_links = [(journal, _journal_url(journal.pk)) for journal in row.journals]
    context = _context(request, scope, form=form, report=report)
    return render(request, "journal/report_filling.html", context)
