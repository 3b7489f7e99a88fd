"""The lesson page (topic, kind of work, distance lesson, homework with files) and file downloads."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parta.journal.forms.lessons import HomeworkFileForm, HomeworkForm, LessonForm
from parta.journal.models import WORK_WEIGHTS, WorkType
from parta.journal.selectors import lessons as lessons_selectors
from parta.journal.selectors.lessons import LessonPage
from parta.journal.services import lesson_content
from parta.journal.services.lesson_content import ALLOWED_EXTENSIONS
from parta.journal.services.lessons import refresh_lessons
from parta.school.selectors.calendar import current_year


def _page(request: HttpRequest, lesson_id: int) -> LessonPage:
    member = request.membership
    if member.is_staff and member.organization_id:
        year = current_year(member.organization_id)
        if year is not None:
            refresh_lessons(year=year)
    page = lessons_selectors.lesson_page(viewer=member, lesson_id=lesson_id)
    if page is None:
        raise Http404
    return page


def _messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _render(
    request: HttpRequest,
    page: LessonPage,
    *,
    lesson_form: LessonForm | None = None,
    homework_errors: list[str] | None = None,
    file_errors: list[str] | None = None,
    file_homework_id: int | None = None,
    done: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "active_section": "journal",
        "page": page,
        "lesson": page.lesson,
        "lesson_form": lesson_form or LessonForm.for_lesson(page.lesson),
        "homework_form": HomeworkForm(students=page.students),
        "file_accept": ",".join(f".{extension}" for extension in ALLOWED_EXTENSIONS),
        "homework_errors": homework_errors or [],
        "file_errors": file_errors or [],
        "file_homework_id": file_homework_id,
        "done": done,
        "weights": [(WorkType(code).label, weight) for code, weight in WORK_WEIGHTS.items()],
    }
    template = "journal/lesson.html#content" if request.htmx else "journal/lesson.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _saved(request: HttpRequest, lesson_id: int, message: str) -> HttpResponse:
    """After a write: the fresh section for htmx, a redirect to the page otherwise."""
    if request.htmx:
        return _render(request, _page(request, lesson_id), done=message)
    messages.success(request, message)
    return redirect("journal:lesson", lesson_id=lesson_id)


def lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Урок: editable for its teacher, read-only for others who see the journal."""
    page = _page(request, lesson_id)
    if request.method != "POST":
        return _render(request, page)
    form = LessonForm(request.POST)
    if form.is_valid():
        try:
            lesson_content.update_lesson(
                actor=request.membership, lesson=page.lesson, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _saved(request, lesson_id, _("The lesson is saved."))
    return _render(request, page, lesson_form=form, status=400)


def _add_errors(form: LessonForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_POST
def homework(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Common homework, or one student's individual homework; empty text removes it."""
    page = _page(request, lesson_id)
    form = HomeworkForm(request.POST, students=page.students)
    if not form.is_valid():
        errors = [str(message) for messages_ in form.errors.values() for message in messages_]
        return _render(request, page, homework_errors=errors, status=400)
    student_id = form.cleaned_data["student"]
    student = None
    if student_id is not None:
        student = lessons_selectors.group_student(page=page, student_id=student_id)
    try:
        lesson_content.save_homework(
            actor=request.membership,
            lesson=page.lesson,
            text=form.cleaned_data["text"],
            student=student,
        )
    except ValidationError as error:
        return _render(request, page, homework_errors=_messages(error), status=400)
    return _saved(request, lesson_id, _("The homework is saved."))


@require_POST
def file_add(request: HttpRequest, lesson_id: int, homework_id: int) -> HttpResponse:
    """Attach a file to the lesson's homework."""
    page = _page(request, lesson_id)
    homework_ = lessons_selectors.writable_homework(lesson=page.lesson, homework_id=homework_id)
    if homework_ is None:
        raise Http404
    form = HomeworkFileForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        try:
            lesson_content.attach_homework_file(
                actor=request.membership,
                homework=homework_,
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            errors = _messages(error)
        else:
            return _saved(request, lesson_id, _("The file is attached."))
    else:
        errors = [str(message) for message in form.errors.get("file", [])]
    return _render(request, page, file_errors=errors, file_homework_id=homework_.pk, status=400)


@require_POST
def file_remove(request: HttpRequest, lesson_id: int, file_id: int) -> HttpResponse:
    """Remove a file from the lesson's homework."""
    page = _page(request, lesson_id)
    homework_file = lessons_selectors.lesson_file(lesson=page.lesson, file_id=file_id)
    if homework_file is None:
        raise Http404
    try:
        lesson_content.remove_homework_file(actor=request.membership, file=homework_file)
    except ValidationError as error:
        return _render(
            request,
            page,
            file_errors=_messages(error),
            file_homework_id=homework_file.homework_id,
            status=400,
        )
    return _saved(request, lesson_id, _("The file is removed."))


@require_GET
def homework_file(request: HttpRequest, file_id: int) -> FileResponse:
    """A homework file, for the lesson's journal readers and, through the diary, the group."""
    found = lessons_selectors.homework_file_for_download(viewer=request.membership, file_id=file_id)
    if found is None:
        raise Http404
    try:
        stream = found.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(stream, as_attachment=True, filename=found.name)
