"""«OneRoster»: export the school's roster, upload one, see its check and apply it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from parta.exchange import policies
from parta.exchange.oneroster import export, importing


def _school(request: HttpRequest):
    member = request.membership
    organization = member.organization if member else None
    if organization is None or not policies.can_exchange(member, organization):
        raise Http404
    return organization


def oneroster(request: HttpRequest) -> HttpResponse:
    """The page: «Выгрузить OneRoster», «Загрузить OneRoster» and the recent uploads."""
    organization = _school(request)
    context = {
        "organization": organization,
        "year": importing.year_of(organization),
        "runs": importing.import_runs(organization),
    }
    return render(request, "exchange/oneroster.html", context)


def oneroster_export(request: HttpRequest) -> HttpResponse:
    organization = _school(request)
    try:
        content = export.export_roster(actor=request.membership, organization=organization)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("exchange:oneroster")
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="oneroster-{organization.pk}.zip"'
    return response


@require_POST
def oneroster_upload(request: HttpRequest) -> HttpResponse:
    organization = _school(request)
    upload = request.FILES.get("file")
    if upload is None:
        return redirect("exchange:oneroster")
    run = importing.check_upload(actor=request.membership, organization=organization, upload=upload)
    return redirect(reverse("exchange:oneroster-run", args=[run.pk]))


def oneroster_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """An upload: its diagnostics, or what it changes with «Применить»."""
    run = importing.import_run(viewer=request.membership, run_id=run_id)
    if run is None:
        raise Http404
    return render(request, "exchange/oneroster_run.html", {"run": run})


@require_POST
def oneroster_apply(request: HttpRequest, run_id: int) -> HttpResponse:
    run = importing.import_run(viewer=request.membership, run_id=run_id)
    if run is None:
        raise Http404
    try:
        importing.apply_run(actor=request.membership, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("exchange:oneroster-run", args=[run.pk]))
