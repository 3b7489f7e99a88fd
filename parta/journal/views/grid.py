"""«Электронный журнал»: the grid of a term, the period marks page, and saving one cell."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parta.core import calendar
from parta.journal.forms.grid import CellForm, PeriodMarkForm
from parta.journal.selectors import grid as grid_selectors
from parta.journal.services.cells import CellConflict, save_cell
from parta.journal.services.lessons import refresh_lessons
from parta.journal.services.period_marks import set_period_mark
from parta.school.models import TeachingAssignment, Term


def _journal(request: HttpRequest, assignment_id: int) -> TeachingAssignment:
    assignment = grid_selectors.journal_assignment(
        viewer=request.membership, assignment_id=assignment_id
    )
    if assignment is None:
        raise Http404
    refresh_lessons(year=assignment.group.school_class.year)
    return assignment


def _chosen_term(request: HttpRequest, terms: list[Term]) -> Term:
    number = request.GET.get("term", "")
    if not number:
        term = grid_selectors.default_term(terms, calendar.today())
    else:
        term = next((term for term in terms if str(term.number) == number), None)
    if term is None:
        raise Http404
    return term


def grid(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """Students × lessons of a term, typed into from the keyboard."""
    assignment = _journal(request, assignment_id)
    terms = grid_selectors.grid_terms(assignment)
    term = _chosen_term(request, terms)
    context = {
        "active_section": "journal",
        "grid": grid_selectors.journal_grid(
            viewer=request.membership, assignment=assignment, terms=terms, term=term
        ),
    }
    return render(request, "journal/grid.html", context)


def finals(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """«Итоговые»: term averages and the term, half-year, year, exam and final marks."""
    assignment = _journal(request, assignment_id)
    terms = grid_selectors.grid_terms(assignment)
    context = {
        "active_section": "journal",
        "finals": grid_selectors.journal_finals(
            viewer=request.membership, assignment=assignment, terms=terms
        ),
    }
    return render(request, "journal/finals.html", context)


def _error(message: str, status: int, **extra: str) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _form_error(form: Form) -> JsonResponse:
    return _error(" ".join(message for errors in form.errors.values() for message in errors), 400)


#: What a cell write may refuse with; `_refused` answers each of them.
_REFUSALS = (PermissionDenied, ValidationError, CellConflict)


def _refused(refusal: PermissionDenied | ValidationError | CellConflict) -> JsonResponse:
    if isinstance(refusal, PermissionDenied):
        return _error(_("You cannot change this journal."), 403)
    if isinstance(refusal, ValidationError):
        return _error(" ".join(refusal.messages), 400)
    return _error(refusal.message, 409, text=refusal.current.text)


def _average(value: Decimal | None) -> str:
    return formats.number_format(value, 2) if value is not None else ""


@require_POST
def cell(request: HttpRequest, lesson_id: int, student_id: int) -> JsonResponse:
    """Save one lesson cell; answers the cell's new text and the row's term average."""
    lesson = grid_selectors.lesson_for_cell(viewer=request.membership, lesson_id=lesson_id)
    if lesson is None:
        raise Http404
    student = get_object_or_404(
        grid_selectors.students_of_school(lesson.organization_id), pk=student_id
    )
    form = CellForm(request.POST)
    if not form.is_valid():
        return _form_error(form)
    try:
        value = save_cell(
            actor=request.membership,
            lesson=lesson,
            student=student,
            text=form.cleaned_data["value"],
            seen=form.cleaned_data["seen"],
        )
    except _REFUSALS as refusal:
        return _refused(refusal)
    average = grid_selectors.lesson_term_average(lesson=lesson, student=student)
    return JsonResponse({"text": value.text, "average": _average(average)})


@require_POST
def period_mark(request: HttpRequest, assignment_id: int, student_id: int) -> JsonResponse:
    """Save one term, half-year, year, exam or final mark; answers the mark's new text."""
    assignment = grid_selectors.journal_assignment(
        viewer=request.membership, assignment_id=assignment_id
    )
    if assignment is None:
        raise Http404
    student = get_object_or_404(
        grid_selectors.students_of_school(assignment.group.school_class.organization_id),
        pk=student_id,
    )
    form = PeriodMarkForm(request.POST)
    if not form.is_valid():
        return _form_error(form)
    try:
        text = set_period_mark(
            actor=request.membership,
            assignment=assignment,
            student=student,
            kind=form.cleaned_data["kind"],
            number=form.cleaned_data["number"],
            text=form.cleaned_data["value"],
            seen=form.cleaned_data["seen"],
        )
    except _REFUSALS as refusal:
        return _refused(refusal)
    return JsonResponse({"text": text})
