"""«Пригласить сотрудника»: the organisation's invitations, and the invited person's page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from parta.identity import gosuslugi
from parta.identity.converters import UnitKey
from parta.identity.forms.invitations import AcceptNewForm, InvitationForm
from parta.identity.forms.staff import add_service_error
from parta.identity.middleware import AuthMethod, enter_cabinet, log_in
from parta.identity.models import Invitation, Membership
from parta.identity.policies import Action, can
from parta.identity.selectors import cabinets as cabinets_selectors
from parta.identity.selectors import staff as staff_selectors
from parta.identity.services import invitations as services
from parta.identity.services.gosuslugi import CONSENT_VERSION
from parta.identity.views.gosuslugi import SESSION_VERIFIED, restored
from parta.orgs.models import Organization


def _organization_or_404(request: HttpRequest, key: UnitKey) -> Organization:
    viewer = request.membership
    unit = cabinets_selectors.unit_by_key(viewer=viewer, kind=key.kind, pk=key.pk)
    if not isinstance(unit, Organization) or not can(viewer, Action.LIST_STAFF, unit):
        raise Http404
    if not can(viewer, Action.INVITE_STAFF, unit):
        raise PermissionDenied
    return unit


def _link_for(request: HttpRequest):  # noqa: ANN202 (token → absolute URL)
    return lambda token: request.build_absolute_uri(reverse("identity:invitation", args=[token]))


def invitations(request: HttpRequest, unit: UnitKey) -> HttpResponse:
    """The organisation's invitations with their state, and the form of a new one."""
    organization = _organization_or_404(request, unit)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite(
                actor=request.membership,
                organization=organization,
                fields=form.cleaned_data,
                link_for=_link_for(request),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The invitation has gone to %(email)s; the link is valid for %(days)s days.")
                % {"email": invitation.email, "days": settings.INVITATION_DAYS},
            )
            return redirect("identity:invitations", unit)
    context = {
        "active_section": "manage",
        "unit": organization,
        "unit_key": unit,
        "form": form,
        "invitations": staff_selectors.invitations(organization),
        "days": settings.INVITATION_DAYS,
    }
    return render(request, "identity/invitations.html", context)


def _back(invitation_id: int) -> HttpResponse:
    invitation = Invitation.objects.select_related("organization").filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return redirect("identity:invitations", UnitKey("org", invitation.organization_id))


@require_POST
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        invitation = services.resend(
            actor=request.membership, invitation_id=invitation_id, link_for=_link_for(request)
        )
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("A new link has gone to %(email)s; the old one no longer works.")
            % {"email": invitation.email},
        )
    return _back(invitation_id)


@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        services.revoke(actor=request.membership, invitation_id=invitation_id)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation has been revoked: its link no longer works."))
    return _back(invitation_id)


def _enter(request: HttpRequest, membership: Membership) -> HttpResponse:
    roles = membership.available_roles
    if roles:
        enter_cabinet(request.session, membership.pk, roles[0])
    messages.success(
        request,
        _("Welcome to «%(organization)s»! The administrator can now complete your card.")
        % {"organization": membership.organization.short_name},
    )
    return redirect("web:home")


def _rate(group: str, request: HttpRequest) -> str:
    return settings.INVITATION_RATE


@login_not_required
@ratelimit(key="ip", rate=_rate, block=False)
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invited person's page: accept as oneself (logged in) or as a new person."""
    if getattr(request, "limited", False):
        return render(request, "identity/invitation_limited.html", status=429)
    invitation = services.find(token)
    problem = services.refusal(invitation)
    if problem:
        return render(
            request,
            "identity/invitation.html",
            {"problem": problem},
            status=404 if invitation is None else 410,
        )
    user = request.user
    verified = request.session.get(SESSION_VERIFIED) if not user.is_authenticated else None
    form = AcceptNewForm(request.POST or None) if not user.is_authenticated else None
    error = ""
    if request.method == "POST":
        try:
            if verified and request.POST.get("action") == "gosuslugi":
                membership = services.accept_verified(token=token, data=restored(verified))
                request.session.pop(SESSION_VERIFIED, None)
                log_in(request, membership.person.account, AuthMethod.GOSUSLUGI)
                return _enter(request, membership)
            if user.is_authenticated:
                membership = services.accept_as(token=token, person=user.person)
                return _enter(request, membership)
            if form.is_valid():
                data = form.cleaned_data
                membership = services.accept_new(
                    token=token,
                    birth_date=data["birth_date"],
                    snils=data["snils"],
                    login=data["login"],
                    password=data["password"],
                )
                log_in(request, membership.person.account, AuthMethod.PASSWORD)
                return _enter(request, membership)
        except ValidationError as refusal:
            if form is not None and hasattr(refusal, "error_dict"):
                add_service_error(form, refusal)
            else:
                error = " ".join(refusal.messages)
    here = reverse("identity:invitation", args=[token])
    context = {
        "invitation": invitation,
        "verified": restored(verified) if verified else None,
        "consent_version": CONSENT_VERSION,
        "form": form,
        "error": error,
        "login_url": reverse("identity:login") + "?" + urlencode({"next": here}),
        "gosuslugi_url": reverse("identity:gosuslugi-start")
        + "?"
        + urlencode({"organization": invitation.organization_id, "next": here})
        if gosuslugi.is_enabled()
        else "",
    }
    return render(request, "identity/invitation.html", context)
