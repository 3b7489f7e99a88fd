"""«Классы»: the classes of a year, a class's card with its groups and teaching assignments."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parta.school.forms.classes import AssignmentForm, AssignmentTeacherForm, ClassForm, GroupForm
from parta.school.models import StudyGroup
from parta.school.policies import Action, can
from parta.school.selectors import classes as selectors
from parta.school.selectors.classes import ClassCard
from parta.school.services import classes as services


def _add_errors(form: Form, error: ValidationError) -> None:
    """A service's errors on the form's fields where it has them, above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _year_id(request: HttpRequest) -> int | None:
    value = request.GET.get("year") or request.POST.get("year")
    if not value:
        return None
    try:
        return int(value)
    except ValueError as error:
        raise Http404 from error


def _classes_url(year_id: int | None) -> str:
    url = reverse("school:classes")
    return f"{url}?year={year_id}" if year_id else url


# --- The list ---------------------------------------------------------------------------------


def classes(request: HttpRequest) -> HttpResponse:
    """The classes of the own school's year by parallel; managers add classes here."""
    member = request.membership
    organization = member.organization
    if organization is None or not can(member, Action.VIEW_STRUCTURE, organization):
        raise Http404
    page = selectors.class_list(viewer=member, organization=organization, year_id=_year_id(request))
    if page is None:
        raise Http404
    form = None
    if page.can_manage:
        form = ClassForm(request.POST or None, teachers=page.teachers, grades=page.grades)
    if request.method == "POST":
        if form is None or page.year is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                saved = services.save_class(actor=member, year=page.year, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The class %(class)s is added.") % {"class": saved.row})
                return redirect(reverse("school:class", args=[saved.row.pk]))
    return _render_list(request, page, form)


def classes_of(request: HttpRequest, org_id: int) -> HttpResponse:
    """The classes of a subordinate school, read-only (seed 004, 3.3.9)."""
    member = request.membership
    organization = selectors.visible_school(viewer=member, organization_id=org_id)
    if organization is None:
        raise Http404
    if organization.pk == member.organization_id:
        return redirect(_classes_url(_year_id(request)))
    page = selectors.class_list(viewer=member, organization=organization, year_id=_year_id(request))
    if page is None:
        raise Http404
    return _render_list(request, page, None)


def _render_list(
    request: HttpRequest, page: selectors.ClassList, form: Form | None
) -> HttpResponse:
    context = {
        "active_section": "classes" if request.membership.organization_id else "organizations",
        "page": page,
        "form": form,
        "own": page.organization.pk == request.membership.organization_id,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "school/classes.html", context, status=status)


# --- A class ----------------------------------------------------------------------------------


def _card(request: HttpRequest, class_id: int) -> ClassCard:
    card = selectors.class_card(viewer=request.membership, class_id=class_id)
    if card is None:
        raise Http404
    return card


def _managed_card(request: HttpRequest, class_id: int) -> ClassCard:
    card = _card(request, class_id)
    if not card.can_manage:
        raise PermissionDenied
    return card


def _class_url(class_id: int) -> str:
    return reverse("school:class", args=[class_id])


def class_page(request: HttpRequest, class_id: int) -> HttpResponse:
    """The class card: class teacher, subgroups, teaching assignments; the students are loaded
    from the students app's roster."""
    card = _card(request, class_id)
    return _render_card(request, card)


def _render_card(
    request: HttpRequest,
    card: ClassCard,
    *,
    assignment_form: AssignmentForm | None = None,
    row_errors: dict[int, str] | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    if card.can_manage and assignment_form is None:
        assignment_form = AssignmentForm(
            groups=card.groups, teachers=card.teachers, subjects=card.subjects
        )
    context = {
        "active_section": "classes",
        "card": card,
        "school_class": card.school_class,
        "assignment_form": assignment_form if card.can_manage else None,
        "group_form": GroupForm() if card.can_manage else None,
        "row_errors": row_errors or {},
        "notice": notice,
    }
    template = "school/class_page.html#assignments" if request.htmx else "school/class_page.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def class_edit(request: HttpRequest, class_id: int) -> HttpResponse:
    """Change the parallel, the letter or the class teacher of a class."""
    card = _managed_card(request, class_id)
    school_class = card.school_class
    form = ClassForm(
        request.POST or None,
        teachers=card.teachers,
        grades=services.grade_range(school_class.organization),
        initial={
            "grade": school_class.grade,
            "letter": school_class.letter,
            "class_teacher": school_class.class_teacher_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_class(
                actor=request.membership,
                year=card.year,
                school_class=school_class,
                **form.cleaned_data,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The class is saved."))
            return redirect(_class_url(school_class.pk))
    context = {"active_section": "classes", "card": card, "form": form}
    status = 400 if form.errors else 200
    return render(request, "school/class_edit.html", context, status=status)


@require_POST
def class_delete(request: HttpRequest, class_id: int) -> HttpResponse:
    card = _managed_card(request, class_id)
    try:
        services.delete_class(actor=request.membership, school_class=card.school_class)
    except ValidationError as error:
        messages.error(request, _messages(error))
        return redirect(_class_url(class_id))
    messages.success(request, _("The class %(class)s is deleted.") % {"class": card.school_class})
    return redirect(_classes_url(card.year.pk))


# --- Groups -----------------------------------------------------------------------------------


def _save_group(
    request: HttpRequest, card: ClassCard, group: StudyGroup | None, saved: str
) -> None:
    """Add a group or rename one from the posted name; the outcome goes to the messages."""
    form = GroupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Name the group."))
        return
    try:
        services.save_group(
            actor=request.membership,
            school_class=card.school_class,
            group=group,
            name=form.cleaned_data["name"],
        )
    except ValidationError as error:
        messages.error(request, _messages(error))
    else:
        messages.success(request, saved)


@require_POST
def group_add(request: HttpRequest, class_id: int) -> HttpResponse:
    card = _managed_card(request, class_id)
    _save_group(request, card, None, _("The group is added."))
    return redirect(_class_url(class_id))


def _managed_group(request: HttpRequest, group_id: int):
    group = get_object_or_404(selectors.visible_groups(request.membership), pk=group_id)
    card = _managed_card(request, group.school_class_id)
    return card, group


@require_POST
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    card, group = _managed_group(request, group_id)
    _save_group(request, card, group, _("The group is renamed."))
    return redirect(_class_url(card.school_class.pk))


@require_POST
def group_delete(request: HttpRequest, group_id: int) -> HttpResponse:
    card, group = _managed_group(request, group_id)
    try:
        services.delete_group(actor=request.membership, group=group)
    except ValidationError as error:
        messages.error(request, _messages(error))
    else:
        messages.success(request, _("The group is deleted."))
    return redirect(_class_url(card.school_class.pk))


# --- Teaching assignments (htmx editor on the class card) -------------------------------------


def _after_assignment_write(
    request: HttpRequest,
    class_id: int,
    *,
    notice: str = "",
    assignment_form: AssignmentForm | None = None,
    row_errors: dict[int, str] | None = None,
) -> HttpResponse:
    """htmx gets the refreshed editor; a plain form post goes back to the class card."""
    failed = assignment_form is not None or bool(row_errors)
    if not request.htmx and not failed:
        messages.success(request, notice)
        return redirect(_class_url(class_id))
    return _render_card(
        request,
        _card(request, class_id),
        assignment_form=assignment_form,
        row_errors=row_errors,
        notice=notice,
        status=400 if failed and not request.htmx else 200,
    )


def class_assignments(request: HttpRequest, class_id: int) -> HttpResponse:
    """The assignments editor: GET gives the fragment, POST adds an assignment."""
    card = _card(request, class_id)
    if request.method != "POST":
        return _render_card(request, card)
    if not card.can_manage:
        raise PermissionDenied
    form = AssignmentForm(
        request.POST, groups=card.groups, teachers=card.teachers, subjects=card.subjects
    )
    if form.is_valid():
        try:
            services.save_assignment(actor=request.membership, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _after_assignment_write(
                request, class_id, notice=_("The teaching assignment is added.")
            )
    return _after_assignment_write(request, class_id, assignment_form=form)


def _managed_assignment(request: HttpRequest, assignment_id: int):
    assignment = get_object_or_404(
        selectors.visible_assignments(request.membership), pk=assignment_id
    )
    card = _managed_card(request, assignment.group.school_class_id)
    return card, assignment


@require_POST
def assignment_edit(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """Change the teacher (from today on) or the pass/fail assessment of an assignment."""
    card, assignment = _managed_assignment(request, assignment_id)
    class_id = card.school_class.pk
    form = AssignmentTeacherForm(request.POST, teachers=card.teachers)
    if not form.is_valid():
        return _after_assignment_write(
            request, class_id, row_errors={assignment.pk: _("Choose the teacher.")}
        )
    try:
        services.save_assignment(
            actor=request.membership,
            group=assignment.group,
            subject=assignment.subject,
            assignment=assignment,
            **form.cleaned_data,
        )
    except ValidationError as error:
        return _after_assignment_write(
            request, class_id, row_errors={assignment.pk: _messages(error)}
        )
    return _after_assignment_write(request, class_id, notice=_("The teaching assignment is saved."))


@require_POST
def assignment_delete(request: HttpRequest, assignment_id: int) -> HttpResponse:
    card, assignment = _managed_assignment(request, assignment_id)
    class_id = card.school_class.pk
    try:
        services.delete_assignment(actor=request.membership, assignment=assignment)
    except ValidationError as error:
        return _after_assignment_write(
            request, class_id, row_errors={assignment.pk: _messages(error)}
        )
    return _after_assignment_write(
        request, class_id, notice=_("The teaching assignment is deleted.")
    )
