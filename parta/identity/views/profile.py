"""Personal settings: one's own data and password (the name in the header)."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from parta.identity.forms.auth import OwnPasswordForm
from parta.identity.selectors import cabinets as cabinets_selectors
from parta.identity.services.accounts import change_own_password


def profile(request: HttpRequest) -> HttpResponse:
    """Персональные настройки: own card, cabinets and roles."""
    member = request.membership
    context = {
        "person": member.person,
        "account": member.person.account,
        "cabinets": cabinets_selectors.cabinets_of_account(account_id=request.user.pk),
    }
    return render(request, "identity/profile.html", context)


def own_password(request: HttpRequest) -> HttpResponse:
    """«Сменить пароль» in the personal settings."""
    form = OwnPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_own_password(
                actor=request.membership,
                account=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("The password has been changed."))
            return redirect("identity:profile")
    return render(request, "identity/own_password.html", {"form": form})
