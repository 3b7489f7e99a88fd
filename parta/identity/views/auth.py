"""Login, logout, the forced first-login password change and «Сменить роль»."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from parta.identity import gosuslugi
from parta.identity.forms.auth import LoginForm, OwnPasswordForm
from parta.identity.middleware import SESSION_AUTH, AuthMethod, enter_cabinet, safe_next
from parta.identity.models import normalize_login
from parta.identity.selectors import cabinets as cabinets_selectors
from parta.identity.services import gosuslugi as gosuslugi_services
from parta.identity.services.accounts import change_own_password

LAST_UNIT_COOKIE = "parta_last_unit"
LOGIN_LIST_SIZE = 50


def _login_context(form: LoginForm, target: str) -> dict:
    selected = str(form["organization"].value() or "")
    organizations = list(cabinets_selectors.organizations_for_login()[:LOGIN_LIST_SIZE])
    if selected.isdigit() and all(str(o.pk) != selected for o in organizations):
        organizations = [
            *cabinets_selectors.organizations_for_login().filter(pk=selected),
            *organizations,
        ]
    return {
        "form": form,
        "target": target,
        "organizations": organizations,
        "selected": selected,
        "gosuslugi": gosuslugi.is_enabled(),
    }


@login_not_required
def login_page(request: HttpRequest) -> HttpResponse:
    """Вход: organisation or authority, login, password, «Остаться в системе»."""
    if request.method != "POST":
        last = request.COOKIES.get(LAST_UNIT_COOKIE, "org-")
        target, _sep, pk = last.partition("-")
        target = request.GET.get("target", target if target in ("org", "authority") else "org")
        initial = {"target": target, target if target == "authority" else "organization": pk}
        return render(
            request, "identity/login.html", _login_context(LoginForm(initial=initial), target)
        )
    if "gosuslugi" in request.POST and gosuslugi.is_enabled():
        organization = request.POST.get("organization", "")
        query = {"organization": organization} if organization.isdigit() else {}
        if safe_next(request):
            query["next"] = safe_next(request)
        return redirect(reverse("identity:gosuslugi-start") + "?" + urlencode(query))
    form = LoginForm(request.POST)
    target = request.POST.get("target", "org")
    if not form.is_valid():
        return render(request, "identity/login.html", _login_context(form, target))
    account = authenticate(
        request, username=form.cleaned_data["login"], password=form.cleaned_data["password"]
    )
    if account is None:
        form.add_error(
            None,
            ngettext(
                "Wrong login or password. After %(limit)s failed attempt the login is locked for a while.",
                "Wrong login or password. After %(limit)s failed attempts the login is locked for a while.",
                settings.AXES_FAILURE_LIMIT,
            )
            % {"limit": settings.AXES_FAILURE_LIMIT},
        )
        return render(request, "identity/login.html", _login_context(form, target))
    unit = form.unit
    cabinet = next(
        (
            m
            for m in cabinets_selectors.cabinets_of_account(account_id=account.pk)
            if m.unit == unit
        ),
        None,
    )
    roles = gosuslugi_services.password_roles([cabinet])[cabinet.pk] if cabinet else []
    if cabinet is not None and cabinet.available_roles and not roles:
        form.add_error(
            None,
            _(
                "In this region your role logs in only through Gosuslugi: press «Log in "
                "through Gosuslugi» below."
            ),
        )
        return render(request, "identity/login.html", _login_context(form, target))
    if cabinet is None or not cabinet.available_roles:
        form.add_error(
            None,
            _(
                "You have no cabinet with a role in «%(unit)s». Choose the organisation you work "
                "or study in, or ask its administrator to add you and tick your role."
            )
            % {"unit": unit},
        )
        return render(request, "identity/login.html", _login_context(form, target))
    login(request, account)
    if form.cleaned_data["remember"]:
        request.session.set_expiry(settings.SESSION_REMEMBER_SECONDS)
    else:
        request.session.set_expiry(0)
    request.session[SESSION_AUTH] = AuthMethod.PASSWORD
    enter_cabinet(request.session, cabinet.pk, roles[0])
    response = redirect(safe_next(request) or "web:home")
    response.set_cookie(
        LAST_UNIT_COOKIE,
        f"{target}-{unit.pk}",
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
    )
    return response


@login_not_required
def login_organizations(request: HttpRequest) -> HttpResponse:
    """The searchable organisation list of the login page (an htmx fragment)."""
    query = request.GET.get("q", "")
    organizations = cabinets_selectors.organizations_for_login(search=query)[:LOGIN_LIST_SIZE]
    return render(
        request, "identity/login.html#organization-options", {"organizations": organizations}
    )


@login_not_required
def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: dict
) -> HttpResponse:
    """What axes shows once a login has failed too often."""
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    form = LoginForm(request.POST or None)
    form.is_valid()
    form.add_error(
        None,
        ngettext(
            "Too many failed attempts: the login is locked for %(minutes)s minute. "
            "Wait, or ask your organisation's administrator to set a new password.",
            "Too many failed attempts: the login is locked for %(minutes)s minutes. "
            "Wait, or ask your organisation's administrator to set a new password.",
            minutes,
        )
        % {"minutes": minutes},
    )
    context = _login_context(form, request.POST.get("target", "org"))
    return render(request, "identity/login.html", context, status=429)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("identity:login")


def first_password(request: HttpRequest) -> HttpResponse:
    """The forced change at the first login («должен сменить пароль при первом входе»)."""
    account = request.user
    if not account.is_authenticated:
        return redirect("identity:login")
    form = OwnPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = (
            request.membership or cabinets_selectors.cabinets_of_account(account_id=account.pk)[0]
        )
        try:
            change_own_password(
                actor=member,
                account=account,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            update_session_auth_hash(request, account)
            messages.success(request, _("The password has been changed."))
            return redirect(safe_next(request) or "web:home")
    return render(request, "identity/first_password.html", {"form": form})


def choose_cabinet(request: HttpRequest) -> HttpResponse:
    """«Сменить роль»: every cabinet and role of the person, entered without a new login."""
    if not request.user.is_authenticated:
        return redirect("identity:login")
    cabinets = cabinets_selectors.cabinets_of_account(account_id=request.user.pk)
    enterable = {cabinet.pk: cabinet.available_roles for cabinet in cabinets}
    if request.session.get(SESSION_AUTH) != AuthMethod.GOSUSLUGI:
        enterable = gosuslugi_services.password_roles(cabinets)
    if request.method == "POST":
        chosen = next((m for m in cabinets if str(m.pk) == request.POST.get("membership")), None)
        role = request.POST.get("role", "")
        if chosen is None or role not in enterable[chosen.pk]:
            raise Http404
        enter_cabinet(request.session, chosen.pk, role)
        return redirect("web:home")
    for cabinet in cabinets:
        cabinet.enterable_roles = [
            (code, label) for code, label in cabinet.role_choices if code in enterable[cabinet.pk]
        ]
        cabinet.gosuslugi_only = len(cabinet.enterable_roles) < len(cabinet.available_roles)
    return render(request, "identity/choose_cabinet.html", {"cabinets": cabinets})


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """The login axes counts failures for, normalised so that case cannot dodge the lockout."""
    login_value = (credentials or {}).get("username") or request.POST.get("login", "")
    return normalize_login(login_value)
