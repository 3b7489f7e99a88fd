"""«Войти через Госуслуги»: the redirect, the provider's answer, the consent and the failures."""

import logging
from dataclasses import asdict
from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from parta.identity import gosuslugi
from parta.identity.middleware import AuthMethod, enter_cabinet, log_in, safe_next
from parta.identity.models import Person, role_label
from parta.identity.policies import can_manage_region_login
from parta.identity.selectors import cabinets as cabinets_selectors
from parta.identity.services import gosuslugi as gosuslugi_services
from parta.identity.services.gosuslugi import RESTRICTABLE_ROLES
from parta.orgs.models import Organization

log = logging.getLogger(__name__)

#: The organisation chosen on the login page: the cabinet to enter, the school to contact.
SESSION_ORGANIZATION = "parta_gosuslugi_organization"
SESSION_PENDING = "parta_gosuslugi_pending"
SESSION_NEXT = "parta_gosuslugi_next"
#: A person Gosuslugi verified and parta does not know, on the way to accepting an invitation.
SESSION_VERIFIED = "parta_gosuslugi_verified"
INVITATION_PREFIX = "/invitation/"


def _redirect_uri(request: HttpRequest) -> str:
    return settings.GOSUSLUGI.get("REDIRECT_URI") or request.build_absolute_uri(
        reverse("identity:gosuslugi-callback")
    )


def _failure(request: HttpRequest, kind: str, problems: list[str], status: int) -> HttpResponse:
    """A page that says what went wrong and whom to ask; the session keeps no half-login."""
    request.session.pop(SESSION_PENDING, None)
    chosen = request.session.get(SESSION_ORGANIZATION)
    organization = Organization.objects.filter(pk=chosen).first() if chosen else None
    context = {
        "kind": kind,
        "problems": problems,
        "organization": organization,
        "show_contact": kind in set(gosuslugi_services.Outcome),
    }
    return render(request, "identity/gosuslugi_failure.html", context, status=status)


def _unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    log.warning("Gosuslugi is unavailable: %s", type(error).__name__)
    return _failure(request, "unavailable", [], status=503)


@login_not_required
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """The login page's «Войти через Госуслуги», for the organisation chosen there (if any)."""
    if not gosuslugi.is_enabled():
        raise Http404
    organization = request.GET.get("organization", "")
    request.session[SESSION_ORGANIZATION] = int(organization) if organization.isdigit() else None
    request.session.pop(SESSION_PENDING, None)
    request.session[SESSION_NEXT] = safe_next(request)
    try:
        return gosuslugi.authorize_redirect(request, _redirect_uri(request))
    except gosuslugi.ProviderUnavailable as error:
        return _unavailable(request, error)


@login_not_required
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: check it, find the person, then ask the consent or log in."""
    if not gosuslugi.is_enabled():
        raise Http404
    try:
        data = gosuslugi.complete_login(request)
    except gosuslugi.ProviderUnavailable as error:
        return _unavailable(request, error)
    except gosuslugi.ProtocolError as error:
        # The error's class and code only: its description may quote the provider's answer.
        log.warning(
            "Gosuslugi answer refused: %s %s",
            type(error).__name__,
            getattr(error, "error", ""),
        )
        cancelled = getattr(error, "error", "") == "access_denied"
        return _failure(request, "cancelled" if cancelled else "refused", [], status=400)
    match = gosuslugi_services.find_person(data)
    next_url = request.session.get(SESSION_NEXT, "")
    if match.outcome == gosuslugi_services.Outcome.NOT_FOUND and next_url.startswith(
        INVITATION_PREFIX
    ):
        request.session[SESSION_VERIFIED] = _stored(data)
        return redirect(request.session.pop(SESSION_NEXT))
    if not match.ok:
        return _failure(request, match.outcome, match.problems, status=403)
    request.session[SESSION_PENDING] = {"person": match.person.pk, "data": _stored(data)}
    if gosuslugi_services.needs_consent(match.person):
        return redirect("identity:gosuslugi-consent")
    return _sign_in(request, consent=False)


def _stored(data: gosuslugi.PersonData) -> dict:
    fields = asdict(data)
    fields["birth_date"] = data.birth_date.isoformat() if data.birth_date else None
    return fields


def restored(fields: dict) -> gosuslugi.PersonData:
    """The provider's data kept in the session between the callback and the next page."""
    fields = dict(fields)
    if fields["birth_date"]:
        fields["birth_date"] = date.fromisoformat(fields["birth_date"])
    return gosuslugi.PersonData(**fields)


def _pending(request: HttpRequest) -> tuple[Person, gosuslugi.PersonData] | None:
    pending = request.session.get(SESSION_PENDING)
    if not pending:
        return None
    person = Person.objects.filter(pk=pending["person"]).first()
    if person is None:
        return None
    return person, restored(pending["data"])


def _sign_in(request: HttpRequest, *, consent: bool) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return redirect("identity:login")
    person, data = pending
    try:
        account = gosuslugi_services.sign_in(person=person, data=data, consent=consent)
    except PermissionDenied:
        return _failure(request, "refused", [], status=403)
    chosen = request.session.get(SESSION_ORGANIZATION)
    request.session.pop(SESSION_PENDING, None)
    log_in(request, account, AuthMethod.GOSUSLUGI)
    cabinets = [
        cabinet
        for cabinet in cabinets_selectors.cabinets_of_account(account_id=account.pk)
        if cabinet.available_roles
    ]
    candidates = [c for c in cabinets if chosen and c.organization_id == chosen] or cabinets
    next_url = request.session.pop(SESSION_NEXT, "")
    if len(candidates) == 1:
        enter_cabinet(request.session, candidates[0].pk, candidates[0].available_roles[0])
    elif not next_url:
        return redirect("identity:choose-cabinet")
    return redirect(next_url or "web:home")


@login_not_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    """The one-time consent to the transfer of personal data, with its text and version."""
    pending = _pending(request)
    if pending is None:
        return redirect("identity:login")
    person = pending[0]
    if request.method == "POST":
        if request.POST.get("answer") != "agree":
            request.session.pop(SESSION_PENDING, None)
            return _failure(request, "declined", [], status=200)
        try:
            return _sign_in(request, consent=True)
        except ValidationError as error:
            return _failure(request, "declined", error.messages, status=400)
    context = {"person": person, "version": gosuslugi_services.CONSENT_VERSION}
    return render(request, "identity/gosuslugi_consent.html", context)


class LoginSettingsForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles that log in only through Gosuslugi"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(role, role_label(role, authority=False)) for role in RESTRICTABLE_ROLES],
        help_text=_(
            "The federal rule (Government decree No. 1516 of 07.09.2021) lets the e-journal and "
            "e-diary be entered only through Gosuslugi. Administrators always keep the password, "
            "so that the region is never locked out."
        ),
    )


@require_http_methods(["GET", "POST"])
def login_settings(request: HttpRequest) -> HttpResponse:
    """«Вход через Госуслуги» for the region: the roles that may not use a password."""
    member = request.membership
    if not can_manage_region_login(member):
        raise Http404
    region = member.authority.region
    current = sorted(region.gosuslugi_only_roles.values_list("role", flat=True))
    form = LoginSettingsForm(request.POST or None, initial={"roles": current})
    if request.method == "POST" and form.is_valid():
        try:
            gosuslugi_services.set_gosuslugi_only_roles(
                actor=member, roles=form.cleaned_data["roles"]
            )
        except ValidationError as error:
            form.add_error("roles", error)
        else:
            messages.success(request, _("The login settings have been saved."))
            return redirect("identity:login-settings")
    context = {
        "active_section": "manage",
        "form": form,
        "enabled": gosuslugi.is_enabled(),
        "issuer": settings.GOSUSLUGI["ISSUER"],
    }
    return render(request, "identity/login_settings.html", context)
