"""«Пакетное обновление» pages: the two commands, the diagnostics or dry run of an upload, and
«Применить»."""

import tempfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from parta.exchange.batch import services
from parta.exchange.batch.forms import ExportForm
from parta.exchange.batch.scope import Scope, batch_scope, visible_runs
from parta.exchange.batch.writers import CONTENT_TYPES, FileFormat
from parta.exchange.models import ImportRun

RECENT_RUNS = 10
#: Room for the form's other fields around the file in a multipart body.
FORM_OVERHEAD = 64 * 1024


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops taking an upload past the size limit: the rest of the body is read and dropped,
    never stored, so a 50 MB file costs neither memory nor disk."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803 (Django's signature)
        self.exceeded = content_length > self.limit + FORM_OVERHEAD

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        if self.exceeded:
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _scope(request: HttpRequest, data) -> Scope:
    scope = batch_scope(
        viewer=request.membership, grade=data.get("grade"), school_class=data.get("school_class")
    )
    if scope is None:
        raise Http404
    return scope


def _page_url(scope: Scope, anchor: str = "") -> str:
    query = urlencode(scope.query())
    return reverse("exchange:batch") + (f"?{query}" if query else "") + anchor


@require_GET
def batch(request: HttpRequest) -> HttpResponse:
    """The page with «1. Выгрузка данных» and «2. Обновление данных» for the filtered students."""
    scope = _scope(request, request.GET)
    context = {
        "active_section": "manage",
        "scope": scope,
        "classes": list(scope.year_classes()),
        "export_form": ExportForm(),
        "runs": list(visible_runs(request.membership)[:RECENT_RUNS]),
        "max_size_mb": services.MAX_FILE_SIZE // (1024 * 1024),
    }
    return render(request, "exchange/batch.html", context)


@require_GET
def batch_export(request: HttpRequest) -> HttpResponse:
    """The workbook of the filtered students, as a download."""
    scope = _scope(request, request.GET)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return redirect(_page_url(scope, "#export"))
    options = services.ExportOptions(**form.cleaned_data)
    out = tempfile.TemporaryFile()
    services.export_workbook(viewer=request.membership, scope=scope, options=options, out=out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=services.file_name(scope, options.file_format),
        content_type=CONTENT_TYPES[FileFormat(options.file_format)],
    )


@csrf_exempt
@require_POST
def batch_import(request: HttpRequest) -> HttpResponse:
    """Upload an edited workbook: its size is watched before the body is read (the upload
    handlers must be set before the CSRF check reads the form)."""
    handler = SizeLimitUploadHandler(request, services.MAX_FILE_SIZE)
    request.upload_handlers.insert(0, handler)
    return _batch_import(request, handler)


@csrf_protect
def _batch_import(request: HttpRequest, handler: SizeLimitUploadHandler) -> HttpResponse:
    scope = _scope(request, request.POST)
    upload = request.FILES.get("file")
    content = None if handler.exceeded else (upload.read() if upload else b"")
    run = services.check_upload(
        actor=request.membership,
        scope=scope,
        filename=upload.name if upload else "",
        content=content,
    )
    return redirect("exchange:batch-run", run.pk)


def _run(request: HttpRequest, run_id: int) -> ImportRun:
    return get_object_or_404(visible_runs(request.membership), pk=run_id)


@require_GET
def batch_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """The diagnostics of a refused file, or the dry run of a checked one, or what was applied."""
    run = _run(request, run_id)
    scope = services.run_scope(request.membership, run)
    if scope is None:
        raise Http404
    changes = run.report.get("changes", [])
    additions = run.report.get("additions", [])
    context = {
        "active_section": "manage",
        "run": run,
        "scope": scope,
        "back_url": _page_url(scope, "#import"),
        "problems": run.report.get("problems", []),
        "changes": changes,
        "change_count": run.report.get("change_count", len(changes)),
        "additions": additions,
        "addition_count": run.report.get("addition_count", len(additions)),
        "applied": run.report.get("applied"),
    }
    return render(request, "exchange/batch_run.html", context)


@require_POST
def batch_apply(request: HttpRequest, run_id: int) -> HttpResponse:
    """«Применить»: every change of the dry run, in one transaction."""
    run = _run(request, run_id)
    try:
        services.apply_run(actor=request.membership, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("exchange:batch-run", run.pk)
