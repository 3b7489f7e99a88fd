"""«Клиенты OpenID Connect»: the modules that log users in through parta, for the regional admin."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oauth2_provider.settings import oauth2_settings

from parta.oidc import policies, selectors, services
from parta.oidc.forms import ClientForm, NewClientForm
from parta.oidc.models import Client
from parta.oidc.policies import Action


def _add_errors(form: Form, error: ValidationError) -> None:
    """A service's errors on the form's fields where it has them, above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _client_or_404(request: HttpRequest, client_id: int, action: Action) -> Client:
    member = request.membership
    client = selectors.client_for(viewer=member, client_id=client_id)
    if client is None or not policies.can(member, action):
        raise Http404
    return client


def _endpoints(request: HttpRequest) -> dict[str, str]:
    """What a module's developer needs: the issuer and its discovery document."""
    issuer = oauth2_settings.oidc_issuer(request)
    return {
        "issuer": issuer,
        "discovery": f"{issuer}/.well-known/openid-configuration",
    }


def _secret_page(request: HttpRequest, client: Client, secret: str, *, new: bool) -> HttpResponse:
    """The secret in plain text, this once: the page is never cached and never shown again."""
    context = {"active_section": "manage", "client": client, "secret": secret, "new": new}
    context |= _endpoints(request)
    response = render(request, "oidc/client_secret.html", context)
    add_never_cache_headers(response)
    return response


def client_list(request: HttpRequest) -> HttpResponse:
    """The list of registered clients with their redirect URIs and state."""
    member = request.membership
    if not policies.can(member, Action.LIST_CLIENTS):
        raise Http404
    context = {
        "active_section": "manage",
        "clients": selectors.clients_list(viewer=member),
        "can_add": policies.can(member, Action.ADD_CLIENT),
        **_endpoints(request),
    }
    return render(request, "oidc/clients.html", context)


def client_add(request: HttpRequest) -> HttpResponse:
    """«Добавить клиента»: a confidential client's secret is shown on the next page, once."""
    member = request.membership
    if not policies.can(member, Action.ADD_CLIENT):
        raise Http404
    form = NewClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registered = services.register_client(actor=member, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if registered.secret:
                return _secret_page(request, registered.client, registered.secret, new=True)
            messages.success(request, _("The client has been registered."))
            return redirect("oidc:clients")
    context = {"active_section": "manage", "form": form, "client": None}
    return render(request, "oidc/client_form.html", context)


def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    """A client's name, redirect URIs and consent screen; its type and ID stay."""
    member = request.membership
    client = _client_or_404(request, client_id, Action.EDIT_CLIENT)
    form = ClientForm(request.POST) if request.method == "POST" else ClientForm.for_client(client)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_client(actor=member, client=client, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The client has been saved."))
            return redirect("oidc:clients")
    context = {
        "active_section": "manage",
        "form": form,
        "client": client,
        "can_replace_secret": client.is_confidential
        and policies.can(member, Action.REPLACE_SECRET),
        "can_switch": policies.can(member, Action.SWITCH_CLIENT),
        "can_delete": policies.can(member, Action.DELETE_CLIENT),
    }
    return render(request, "oidc/client_form.html", context)


@require_POST
def client_switch(request: HttpRequest, client_id: int) -> HttpResponse:
    """«Отключить» / «Включить»: a switched-off client is refused and loses its tokens."""
    client = _client_or_404(request, client_id, Action.SWITCH_CLIENT)
    active = request.POST.get("active") == "1"
    services.set_client_active(actor=request.membership, client=client, active=active)
    if active:
        messages.success(request, _("The client has been switched on."))
    else:
        messages.success(request, _("The client has been switched off: its users are signed out."))
    return redirect("oidc:clients")


def client_delete(request: HttpRequest, client_id: int) -> HttpResponse:
    """Deletion, confirmed on its own page."""
    client = _client_or_404(request, client_id, Action.DELETE_CLIENT)
    if request.method == "POST":
        services.delete_client(actor=request.membership, client=client)
        messages.success(request, _("The client has been deleted."))
        return redirect("oidc:clients")
    return render(
        request, "oidc/client_delete.html", {"active_section": "manage", "client": client}
    )


@require_POST
def client_secret(request: HttpRequest, client_id: int) -> HttpResponse:
    """«Заменить секрет»: the new secret is shown once, the old one stops working."""
    client = _client_or_404(request, client_id, Action.REPLACE_SECRET)
    try:
        secret = services.replace_secret(actor=request.membership, client=client)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("oidc:client-edit", client.pk)
    return _secret_page(request, client, secret, new=False)
