"""Loading competency assessment results from a file (ДПО staff)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parta.dpo import policies
from parta.dpo.assessments import COLUMNS, import_assessments
from parta.dpo.views.access import listener


class AssessmentFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def _problems(error: ValidationError) -> list[dict]:
    """Every problem of the file with its row, column and value, for the table on the page."""
    return [
        {**(problem.params or {}), "message": problem.message % (problem.params or {})}
        for problem in error.error_list
    ]


def import_file(request: HttpRequest) -> HttpResponse:
    """«Загрузить результаты оценки»: the whole file is written, or nothing and every problem."""
    member = listener(request)
    if not policies.is_dpo_staff(member):
        raise Http404
    form = AssessmentFileForm(request.POST or None, request.FILES or None)
    problems: list[dict] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = import_assessments(actor=member, upload=form.cleaned_data["file"])
        except ValidationError as error:
            problems = _problems(error)
        else:
            messages.success(
                request,
                _("Results loaded: %(created)s new, %(updated)s changed, people: %(people)s.")
                % {"created": result.created, "updated": result.updated, "people": result.people},
            )
            return redirect("dpo:assessments-import")
    context = {
        "active_section": "dpo",
        "form": form,
        "problems": problems,
        "columns": COLUMNS,
    }
    status = 400 if problems or form.errors else 200
    return render(request, "dpo/assessments_import.html", context, status=status)
