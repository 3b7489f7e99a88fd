"""«КТП»: a teacher's lesson plans, editing one, filling lesson topics from it, .xlsx files."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parta.journal import plan_files, policies
from parta.journal.forms.plans import (
    ApplyPlanForm,
    CreatePlanForm,
    ImportPlanForm,
    PlanEditor,
    PlansFilterForm,
)
from parta.journal.models import LessonPlan
from parta.journal.selectors import plans as plan_selectors
from parta.journal.services.lessons import refresh_lessons
from parta.journal.services.plans import (
    apply_plan,
    create_plan,
    import_plan_items,
    save_plan_items,
)
from parta.school.models import AcademicYear
from parta.school.policies import is_teacher
from parta.school.selectors.calendar import current_year

SECTION = "teaching"


def _year(request: HttpRequest) -> AcademicYear:
    member = request.membership
    year = current_year(member.organization_id) if member.organization_id else None
    if year is None or not (
        is_teacher(member) or policies.can_view_school_plans(member, year.organization)
    ):
        raise Http404
    return year


def _plan(request: HttpRequest, plan_id: int) -> LessonPlan:
    return get_object_or_404(plan_selectors.visible_plans(request.membership), pk=plan_id)


@require_http_methods(["GET", "POST"])
def plans(request: HttpRequest) -> HttpResponse:
    """The year's plans: the teacher's own by subject and parallel; every teacher's for leaders."""
    year = _year(request)
    if request.method == "POST":
        form = CreatePlanForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a subject and a parallel you teach."))
            return redirect("journal:plans")
        try:
            plan = create_plan(actor=request.membership, year=year, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("journal:plans")
        return redirect("journal:plan", plan.pk)
    refresh_lessons(year=year)
    filter_form = PlansFilterForm(request.GET)
    teacher_id = filter_form.cleaned_data["teacher"] if filter_form.is_valid() else None
    index = plan_selectors.plans_index(viewer=request.membership, year=year, teacher_id=teacher_id)
    context = {"active_section": SECTION, "index": index, "year": year}
    return render(request, "journal/plans.html", context)


@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """One plan: its topics in a table to edit, the journals it fills, its files."""
    lesson_plan = _plan(request, plan_id)
    editor, errors, notice = None, [], ""
    if request.method == "POST":
        editor = PlanEditor.from_post(request.POST)
        action = request.POST.get("action", "save")
        if action == "save":
            try:
                save_plan_items(actor=request.membership, plan=lesson_plan, rows=editor.plan_rows())
            except ValidationError as error:
                errors = error.messages
            else:
                if not request.htmx:
                    messages.success(request, _("The plan is saved."))
                    return redirect("journal:plan", lesson_plan.pk)
                editor, notice = None, _("The plan is saved.")
        elif policies.can_manage_plan(request.membership, lesson_plan):
            editor.perform(action)
            notice = _("The changes are not saved yet.")
        else:
            raise PermissionDenied
    refresh_lessons(year=lesson_plan.year)
    page = plan_selectors.plan_page(viewer=request.membership, plan=lesson_plan)
    context = {
        "active_section": SECTION,
        "page": page,
        "plan": lesson_plan,
        "editor": editor or PlanEditor.from_items(page.items),
        "errors": errors,
        "notice": notice,
    }
    template = "journal/plan.html#editor" if request.htmx else "journal/plan.html"
    response = render(request, template, context, status=400 if errors else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
def plan_apply(request: HttpRequest, plan_id: int) -> HttpResponse:
    """«Заполнить темы уроков»: topics of one journal's lessons from the plan."""
    lesson_plan = _plan(request, plan_id)
    form = ApplyPlanForm(request.POST, assignments=plan_selectors.plan_assignments(lesson_plan))
    if not form.is_valid():
        raise Http404
    assignment = form.cleaned_data["assignment"]
    try:
        result = apply_plan(actor=request.membership, plan=lesson_plan, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("journal:plan", lesson_plan.pk)
    if result.filled:
        messages.success(
            request,
            ngettext(
                "Topics are filled in %(count)s lesson of %(journal)s.",
                "Topics are filled in %(count)s lessons of %(journal)s.",
                result.filled,
            )
            % {"count": result.filled, "journal": assignment.group},
        )
    else:
        messages.info(
            request,
            _("%(journal)s has no lessons without a topic in open terms.")
            % {"journal": assignment.group},
        )
    if result.hours_left and result.filled:
        messages.warning(
            request,
            ngettext(
                "%(count)s hour of the plan did not fit: there are no more lessons to fill.",
                "%(count)s hours of the plan did not fit: there are no more lessons to fill.",
                result.hours_left,
            )
            % {"count": result.hours_left},
        )
    return redirect("journal:plan", lesson_plan.pk)


@require_GET
def plan_export(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan as an .xlsx workbook."""
    lesson_plan = _plan(request, plan_id)
    title = _("%(subject)s, grade %(grade)s — %(teacher)s, %(year)s academic year") % {
        "subject": lesson_plan.subject,
        "grade": lesson_plan.grade,
        "teacher": lesson_plan.teacher.person.short_name,
        "year": lesson_plan.year,
    }
    content = plan_files.write_plan(title=title, items=plan_selectors.plan_items(lesson_plan))
    name = f"{lesson_plan.subject.name} {lesson_plan.grade} {lesson_plan.year.starts_on.year}.xlsx"
    return HttpResponse(
        content,
        content_type=plan_files.CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )


@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Replace the plan's topics with those of an .xlsx file; nothing changes on any error."""
    lesson_plan = _plan(request, plan_id)
    if not policies.can_manage_plan(request.membership, lesson_plan):
        raise PermissionDenied
    posted = request.method == "POST"
    form = ImportPlanForm(request.POST if posted else None, request.FILES if posted else None)
    errors: list[str] = []
    if posted and form.is_valid():
        try:
            items = import_plan_items(
                actor=request.membership, plan=lesson_plan, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s topic is imported.", "%(count)s topics are imported.", len(items)
                )
                % {"count": len(items)},
            )
            return redirect("journal:plan", lesson_plan.pk)
    context = {
        "active_section": SECTION,
        "plan": lesson_plan,
        "form": form,
        "errors": errors,
        "columns": plan_files.COLUMNS,
    }
    failed = bool(errors or form.errors)
    return render(request, "journal/plan_import.html", context, status=400 if failed else 200)
