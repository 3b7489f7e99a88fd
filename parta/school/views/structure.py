"""«Планирование» (the academic year, its terms, holidays, day transfers and bells) and
«Учебный план»: read by the school's staff and its authorities, edited by the deputy head."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from parta.orgs.models import Organization
from parta.school.forms.structure import (
    BellsForm,
    CurriculumForm,
    HolidayForm,
    TermsForm,
    TransferForm,
    YearForm,
    term_rows,
)
from parta.school.models import AcademicYear, DayTransfer, Holiday
from parta.school.policies import Action, can
from parta.school.selectors import structure as selectors
from parta.school.selectors.structure import CurriculumPage, PlanningPage
from parta.school.services import structure as services

PAGE = "school/planning.html"
BLOCKS = ("year-create", "terms", "holidays", "transfers", "bells")
Entry = TypeVar("Entry", Holiday, DayTransfer)


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _add_errors(form: Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _school(request: HttpRequest, org_id: int | None) -> Organization:
    if org_id is None:
        raise Http404
    organization = selectors.visible_school(viewer=request.membership, organization_id=org_id)
    if organization is None:
        raise Http404
    return organization


def _page_url(request: HttpRequest, organization_id: int) -> str:
    """The page of the viewer's own school, or of a subordinate one."""
    if request.membership.organization_id == organization_id:
        return reverse("school:planning")
    return reverse("school:planning-of", args=[organization_id])


def _planning_url(request: HttpRequest, year: AcademicYear) -> str:
    return f"{_page_url(request, year.organization_id)}?year={year.pk}"


def _planning_context(request: HttpRequest, page: PlanningPage, **overrides: Any) -> dict[str, Any]:
    """The page's forms (fresh unless a bound one is given) and notes for every block."""
    context: dict[str, Any] = {
        "active_section": "planning",
        "page": page,
        "notes": {},
        "planning_url": _page_url(request, page.organization.pk),
    }
    if page.can_create_year:
        context["year_form"] = YearForm(prefix="year")
    if page.year is not None and page.can_manage:
        editing_holiday = page.holiday(_number(request.GET.get("holiday")))
        editing_transfer = page.transfer(_number(request.GET.get("transfer")))
        context.update(
            terms_form=TermsForm(year=page.year, terms=page.terms),
            holiday_form=HolidayForm.for_holiday(editing_holiday),
            editing_holiday=editing_holiday,
            transfer_form=TransferForm.for_transfer(editing_transfer),
            editing_transfer=editing_transfer,
            bells_form=BellsForm(bells=page.bells),
        )
    context.update(overrides)
    context["term_rows"] = term_rows(page.terms, context.get("terms_form"))
    return context


def _render(
    request: HttpRequest, context: dict[str, Any], block: str | None = None
) -> HttpResponse:
    template = f"{PAGE}#{block}" if request.htmx and block in BLOCKS else PAGE
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def planning(request: HttpRequest) -> HttpResponse:
    """«Планирование» of the viewer's own school."""
    return _planning(request, request.membership.organization_id)


def planning_of(request: HttpRequest, org_id: int) -> HttpResponse:
    """«Планирование» of a school seen by its authority (read-only for them)."""
    return _planning(request, org_id)


def _planning(request: HttpRequest, org_id: int | None) -> HttpResponse:
    organization = _school(request, org_id)
    page = selectors.planning_page(
        viewer=request.membership,
        organization=organization,
        year_id=_number(request.GET.get("year")),
    )
    if page is None:
        raise Http404
    return _render(request, _planning_context(request, page))


def _written_year(request: HttpRequest, year: AcademicYear) -> AcademicYear:
    if not can(request.membership, Action.MANAGE_STRUCTURE, year.organization):
        raise PermissionDenied
    return year


def _year_or_404(request: HttpRequest, year_id: int) -> AcademicYear:
    year = get_object_or_404(selectors.visible_years(request.membership), pk=year_id)
    return _written_year(request, year)


def _after_write(
    request: HttpRequest,
    year: AcademicYear,
    block: str,
    *,
    saved: str | None = None,
    warning: str | None = None,
    **forms: Any,
) -> HttpResponse:
    """Back to the page after a write: a redirect for a plain POST that worked, else the block
    (htmx) or the page (plain POST with errors) with the bound forms and notes."""
    if saved and not request.htmx:
        messages.success(request, saved)
        if warning:
            messages.warning(request, warning)
        return redirect(f"{_planning_url(request, year)}#school-{block}")
    page = selectors.planning_page(
        viewer=request.membership, organization=year.organization, year_id=year.pk
    )
    notes = [("success", saved)] if saved else []
    if warning:
        notes.append(("warning", warning))
    context = _planning_context(request, page, **forms)
    context["notes"] = {block: notes}
    return _render(request, context, block)


def _run(
    request: HttpRequest, year: AcademicYear, block: str, action: Callable[[], object], saved: str
) -> HttpResponse:
    """Run a service that takes no form: a refusal comes back as a warning on the block."""
    try:
        action()
    except ValidationError as error:
        return _after_write(request, year, block, warning=" ".join(error.messages))
    return _after_write(request, year, block, saved=saved)


def _write(
    request: HttpRequest,
    year: AcademicYear,
    block: str,
    form_name: str,
    form: Form,
    action: Callable[[], str | None],
    saved: str,
    **context: Any,
) -> HttpResponse:
    """Run the service when the form is valid; its errors go back on the form (with `context`,
    e.g. the row being changed)."""
    if form.is_valid():
        try:
            warning = action()
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _after_write(request, year, block, saved=saved, warning=warning)
    return _after_write(request, year, block, **{form_name: form}, **context)


@require_POST
def year_create(request: HttpRequest) -> HttpResponse:
    """A new academic year of the viewer's school, with its default terms."""
    member = request.membership
    organization = _school(request, member.organization_id)
    if not can(member, Action.MANAGE_STRUCTURE, organization):
        raise PermissionDenied
    form = YearForm(request.POST, prefix="year")
    if form.is_valid():
        try:
            created = services.create_year(
                actor=member, organization=organization, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            url = _planning_url(request, created.year)
            messages.success(
                request, _("The academic year %(year)s has been created.") % {"year": created.year}
            )
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    page = selectors.planning_page(viewer=member, organization=organization)
    return _render(request, _planning_context(request, page, year_form=form), "year-create")


@require_POST
def terms_save(request: HttpRequest, year_id: int) -> HttpResponse:
    year = _year_or_404(request, year_id)
    terms = list(year.terms.order_by("number"))
    form = TermsForm(request.POST, year=year, terms=terms)

    def action() -> None:
        services.save_terms(actor=request.membership, year=year, boundaries=form.boundaries())

    return _write(
        request, year, "terms", "terms_form", form, action, _("The terms have been saved.")
    )


def _toggle_term(request: HttpRequest, term_id: int, service: Callable, saved: str) -> HttpResponse:
    term = get_object_or_404(selectors.visible_terms(request.membership), pk=term_id)
    if not can(request.membership, Action.CLOSE_TERMS, term.year.organization):
        raise PermissionDenied
    return _run(
        request,
        term.year,
        "terms",
        lambda: service(actor=request.membership, term=term),
        saved % {"term": term.name},
    )


@require_POST
def term_close(request: HttpRequest, term_id: int) -> HttpResponse:
    return _toggle_term(request, term_id, services.close_term, _("%(term)s is closed."))


@require_POST
def term_reopen(request: HttpRequest, term_id: int) -> HttpResponse:
    return _toggle_term(request, term_id, services.reopen_term, _("%(term)s is open again."))


def _calendar_entry(
    request: HttpRequest, entries: QuerySet[Entry], entry_id: int | None, year_id: int | None
) -> tuple[Entry | None, AcademicYear]:
    """The holiday or transfer being changed (None for a new one) and the year it is written to."""
    if entry_id is None:
        return None, _year_or_404(request, year_id)
    entry = get_object_or_404(entries, pk=entry_id)
    return entry, _written_year(request, entry.year)


@require_POST
def holiday_save(
    request: HttpRequest, year_id: int | None = None, holiday_id: int | None = None
) -> HttpResponse:
    """Add holidays to a year, or change one."""
    holiday, year = _calendar_entry(
        request, selectors.visible_holidays(request.membership), holiday_id, year_id
    )
    form = HolidayForm.for_holiday(holiday, request.POST)

    def action() -> str | None:
        result = services.save_holiday(
            actor=request.membership, year=year, holiday=holiday, **form.cleaned_data
        )
        return result.warning

    return _write(
        request,
        year,
        "holidays",
        "holiday_form",
        form,
        action,
        _("The holidays have been saved."),
        editing_holiday=holiday,
    )


@require_POST
def holiday_delete(request: HttpRequest, holiday_id: int) -> HttpResponse:
    holiday = get_object_or_404(selectors.visible_holidays(request.membership), pk=holiday_id)
    return _run(
        request,
        _written_year(request, holiday.year),
        "holidays",
        lambda: services.delete_holiday(actor=request.membership, holiday=holiday),
        _("The holidays have been deleted."),
    )


@require_POST
def transfer_save(
    request: HttpRequest, year_id: int | None = None, transfer_id: int | None = None
) -> HttpResponse:
    """Add a school day transfer to a year, or change one."""
    transfer, year = _calendar_entry(
        request, selectors.visible_transfers(request.membership), transfer_id, year_id
    )
    form = TransferForm.for_transfer(transfer, request.POST)

    def action() -> str | None:
        result = services.save_transfer(
            actor=request.membership, year=year, transfer=transfer, **form.cleaned_data
        )
        return result.warning

    return _write(
        request,
        year,
        "transfers",
        "transfer_form",
        form,
        action,
        _("The day transfer has been saved."),
        editing_transfer=transfer,
    )


@require_POST
def transfer_delete(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = get_object_or_404(selectors.visible_transfers(request.membership), pk=transfer_id)
    return _run(
        request,
        _written_year(request, transfer.year),
        "transfers",
        lambda: services.delete_transfer(actor=request.membership, transfer=transfer),
        _("The day transfer has been deleted."),
    )


@require_POST
def bells_save(request: HttpRequest, year_id: int) -> HttpResponse:
    year = _year_or_404(request, year_id)
    form = BellsForm(request.POST, bells=list(year.bells.order_by("number")))

    def action() -> None:
        services.save_bells(actor=request.membership, year=year, rows=form.bell_rows())

    return _write(
        request, year, "bells", "bells_form", form, action, _("The bell schedule has been saved.")
    )


# --- Curriculum -------------------------------------------------------------------------------

CURRICULUM = "school/curriculum.html"


def curriculum(request: HttpRequest) -> HttpResponse:
    """«Учебный план» of the viewer's own school."""
    return _curriculum(request, request.membership.organization_id)


def curriculum_of(request: HttpRequest, org_id: int) -> HttpResponse:
    """«Учебный план» of a school seen by its authority (read-only for them)."""
    return _curriculum(request, org_id)


def _curriculum_base(request: HttpRequest, organization_id: int) -> str:
    if request.membership.organization_id == organization_id:
        return reverse("school:curriculum")
    return reverse("school:curriculum-of", args=[organization_id])


def _curriculum(request: HttpRequest, org_id: int | None) -> HttpResponse:
    organization = _school(request, org_id)
    page = _curriculum_page(request, organization)
    if request.method == "POST":
        return _save_curriculum(request, page)
    form = None
    if page.grade is not None:
        form = CurriculumForm(subjects=page.subjects, lines=page.lines)
    return _render_curriculum(request, page, form)


def _curriculum_page(request: HttpRequest, organization: Organization) -> CurriculumPage:
    page = selectors.curriculum_page(
        viewer=request.membership,
        organization=organization,
        year_id=_number(request.GET.get("year")),
        grade=_number(request.GET.get("grade")),
    )
    if page is None:
        raise Http404
    return page


def _save_curriculum(request: HttpRequest, page: CurriculumPage) -> HttpResponse:
    """One parallel's lines; nothing is saved when any line is wrong."""
    if page.year is None or not can(request.membership, Action.MANAGE_STRUCTURE, page.organization):
        raise PermissionDenied
    if page.grade is None:
        raise Http404
    form = CurriculumForm(request.POST, subjects=page.subjects, lines=page.lines)
    if form.is_valid():
        try:
            services.save_curriculum(
                actor=request.membership, year=page.year, grade=page.grade, lines=form.lines()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            url = f"{_curriculum_base(request, page.organization.pk)}?year={page.year.pk}"
            if not request.htmx:
                messages.success(request, _("The curriculum has been saved."))
                return redirect(f"{url}&grade={page.grade}")
            page = _curriculum_page(request, page.organization)
            fresh = CurriculumForm(subjects=page.subjects, lines=page.lines)
            return _render_curriculum(request, page, fresh, saved=True)
    return _render_curriculum(request, page, form)


def _render_curriculum(
    request: HttpRequest, page: CurriculumPage, form: CurriculumForm | None, saved: bool = False
) -> HttpResponse:
    context = {
        "active_section": "planning",
        "page": page,
        "form": form,
        "saved": saved,
        "curriculum_url": _curriculum_base(request, page.organization.pk),
        "planning_url": _page_url(request, page.organization.pk),
    }
    partial = request.htmx and request.method == "POST"
    response = render(request, f"{CURRICULUM}#curriculum" if partial else CURRICULUM, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
