"""«Карточка ОО», «Подведомственные организации» and the report on organisations without a head."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from parta.identity.forms.organizations import (
    DirectorForm,
    OrganizationCardForm,
    SubordinateFilterForm,
)
from parta.identity.policies import Action, can
from parta.identity.selectors import organizations as organizations_selectors
from parta.identity.selectors.organizations import OrganizationCard
from parta.identity.services.directors import set_director
from parta.identity.services.organizations import update_organization_card

TABS = ("main", "admin")


def _add_errors(form: Form, error: ValidationError) -> None:
    """A service's errors on the form's fields where it has them, above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _card_context(
    request: HttpRequest,
    card: OrganizationCard,
    tab: str,
    *,
    card_form: OrganizationCardForm | None = None,
    director_form: DirectorForm | None = None,
    saved: bool = False,
) -> dict:
    member, organization = request.membership, card.organization
    can_edit = can(member, Action.EDIT_CARD, organization)
    can_set_director = can(member, Action.SET_DIRECTOR, organization)
    if can_edit and card_form is None:
        card_form = OrganizationCardForm.for_organization(organization)
    if can_set_director and director_form is None:
        director_form = DirectorForm(
            candidates=organizations_selectors.director_candidates(organization=organization),
            initial={"director": card.director.pk if card.director else None},
        )
    return {
        "active_section": "manage" if member.organization_id else "organizations",
        "card": card,
        "organization": organization,
        "tab": tab,
        "card_form": card_form if can_edit else None,
        "director_form": director_form if can_set_director else None,
        "branches": [(branch, can(member, Action.VIEW_CARD, branch)) for branch in card.branches],
        "can_view_parent": organization.parent is not None
        and can(member, Action.VIEW_CARD, organization.parent),
        "can_view_audit": can(member, Action.VIEW_AUDIT, organization),
        "saved": saved,
    }


def _render_card(request: HttpRequest, context: dict) -> HttpResponse:
    template = "identity/org_card.html#tab-panel" if request.htmx else "identity/org_card.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def org_card(request: HttpRequest, org_id: int) -> HttpResponse:
    """«Управление» → «Карточка ОО»: «Основные сведения» and «Администрация»."""
    card = organizations_selectors.organization_card(
        viewer=request.membership, organization_id=org_id
    )
    if card is None:
        raise Http404
    if request.method == "POST":
        return _save_card(request, card)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "main"
    return _render_card(request, _card_context(request, card, tab))


def _save_card(request: HttpRequest, card: OrganizationCard) -> HttpResponse:
    """Either tab's form; nothing is saved when anything in it is wrong."""
    if request.POST.get("tab") == "admin":
        return _save_director(request, card)
    member, organization = request.membership, card.organization
    if not can(member, Action.EDIT_CARD, organization):
        raise PermissionDenied
    form = OrganizationCardForm(request.POST, prefix="card")
    if form.is_valid():
        try:
            update_organization_card(
                actor=member, organization=organization, fields=form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _saved(request, card, "main")
    return _render_card(request, _card_context(request, card, "main", card_form=form))


def _save_director(request: HttpRequest, card: OrganizationCard) -> HttpResponse:
    """«Администрация»: the head chosen from the select of the organisation's own staff."""
    member, organization = request.membership, card.organization
    if not can(member, Action.SET_DIRECTOR, organization):
        raise PermissionDenied
    candidates = organizations_selectors.director_candidates(organization=organization)
    form = DirectorForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            set_director(
                actor=member, organization=organization, membership=form.cleaned_data["director"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _saved(request, card, "admin")
    return _render_card(request, _card_context(request, card, "admin", director_form=form))


def _saved(request: HttpRequest, card: OrganizationCard, tab: str) -> HttpResponse:
    if not request.htmx:
        messages.success(request, _("The organisation card has been saved."))
        url = reverse("identity:org-card", args=[card.organization.pk])
        return redirect(f"{url}?tab={tab}")
    fresh = organizations_selectors.organization_card(
        viewer=request.membership, organization_id=card.organization.pk
    )
    return _render_card(request, _card_context(request, fresh, tab, saved=True))


def subordinates(request: HttpRequest) -> HttpResponse:
    """«Подведомственные организации» of the authority, searchable, with heads and staff counts."""
    member = request.membership
    if not member.authority_id or not can(member, Action.VIEW_CARD, member.unit):
        raise Http404
    form = SubordinateFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {"q": "", "kind": ""}
    page = organizations_selectors.subordinates_page(
        viewer=member,
        search=filters["q"],
        kind=filters["kind"],
        page=request.GET.get("page", 1),
    )
    context = {"active_section": "organizations", "form": form, "page": page}
    return render(request, "identity/subordinates.html", context)


def report_no_director(request: HttpRequest) -> HttpResponse:
    """Report: organisations in the viewer's view with no head chosen on the card."""
    member = request.membership
    if not can(member, Action.VIEW_REPORTS, member.unit):
        raise Http404
    page = organizations_selectors.no_director_report(
        viewer=member, page=request.GET.get("page", 1)
    )
    context = {"active_section": "reports", "page": page}
    return render(request, "identity/report_no_director.html", context)
