"""The cabinet a session works in: `request.membership`, with its active role."""

from collections.abc import Callable
from enum import StrEnum

from django.contrib.auth import login
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from parta.identity.models import Account
from parta.identity.selectors import cabinets as cabinets_selectors

SESSION_MEMBERSHIP = "parta_membership_id"
SESSION_ROLE = "parta_role"
SESSION_AUTH = "parta_auth"


class AuthMethod(StrEnum):
    """How the session logged in: a password, or Gosuslugi (which needs no password at all)."""

    PASSWORD = "password"
    GOSUSLUGI = "gosuslugi"


#: Pages a signed-in user may open before choosing a cabinet or changing a forced password.
OPEN_PATHS = (
    "/login/",
    "/logout/",
    "/password/first/",
    "/role/",
    "/static/",
    "/api/",
    "/invitation/",
)


class CabinetMiddleware:
    """Attach the session's cabinet to the request and hold users who must change the password."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            membership_id = request.session.get(SESSION_MEMBERSHIP)
            if membership_id:
                membership = cabinets_selectors.membership_for_session(
                    membership_id=membership_id, account_id=user.pk
                )
                role = request.session.get(SESSION_ROLE, "")
                if membership is not None and role in membership.available_roles:
                    request.membership = membership.acting_as(role)  # type: ignore[attr-defined]
            if not request.path.startswith(OPEN_PATHS):
                gosuslugi = request.session.get(SESSION_AUTH) == AuthMethod.GOSUSLUGI
                if user.must_change_password and not gosuslugi:
                    back = urlencode({"next": request.get_full_path()})
                    return redirect(reverse("identity:first-password") + "?" + back)
                if request.membership is None:  # type: ignore[attr-defined]
                    return redirect(reverse("identity:choose-cabinet"))
        return self.get_response(request)


def safe_next(request: HttpRequest) -> str:
    """The `next` page asked for, if it is one of parta's own (never another site)."""
    target = request.GET.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""


def log_in(request: HttpRequest, account: Account, method: AuthMethod) -> None:
    """Sign the session in without a password check (Gosuslugi, or a login just created), and
    remember how it logged in."""
    login(request, account, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_AUTH] = method


def enter_cabinet(session: SessionBase, membership_id: int, role: str) -> None:
    """Remember the cabinet and role the session works in."""
    session[SESSION_MEMBERSHIP] = membership_id
    session[SESSION_ROLE] = role


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    """Every page needs a login, except the login pages themselves and the API (own auth)."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple,
        view_kwargs: dict,
    ) -> HttpResponse | None:
        if request.path.startswith(("/api/", "/static/")):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
