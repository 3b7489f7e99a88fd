"""«Расписание»: the weekly timetable by class, teacher or room, and its editing by the deputy head."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parta.core import calendar
from parta.orgs.models import Organization
from parta.school.forms.timetable import TimetableEntryForm, TimetableRemoveForm
from parta.school.models import SchoolClass, TimetableEntry
from parta.school.policies import Action, can
from parta.school.selectors import timetable as selectors
from parta.school.services.timetable import remove_entry, save_entry


@dataclass(frozen=True)
class Choice:
    """What the page shows: a class, a teacher or a room, in the week of a date."""

    class_id: int | None = None
    teacher_id: int | None = None
    room: str = ""
    on: date | None = None


def _number(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _choice(query: QueryDict) -> Choice:
    return Choice(
        class_id=_number(query.get("class")),
        teacher_id=_number(query.get("teacher")),
        room=query.get("room", "")[:30],
        on=_day(query.get("date")),
    )


def _page_url(organization: Organization, org_id: int | None, **params) -> str:
    url = (
        reverse("school:timetable")
        if org_id is None
        else reverse("school:timetable-of", args=[organization.pk])
    )
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


def _default_start(page: selectors.TimetablePage) -> date:
    year = page.year
    return min(max(calendar.today(), year.starts_on), year.ends_on)


def _render_page(
    request: HttpRequest,
    organization: Organization,
    *,
    org_id: int | None,
    choice: Choice,
    form: TimetableEntryForm | None = None,
    remove_form: TimetableRemoveForm | None = None,
    editing: TimetableEntry | None = None,
    saved: str = "",
) -> HttpResponse:
    member = request.membership
    page = selectors.timetable_page(
        viewer=member,
        organization=organization,
        class_id=choice.class_id,
        teacher_id=choice.teacher_id,
        room=choice.room,
        on=choice.on,
    )
    if page is None:
        raise Http404
    can_manage = (
        page.year is not None
        and not page.year.is_archived
        and can(member, Action.MANAGE_STRUCTURE, organization)
    )
    can_edit = can_manage and page.mode == selectors.Mode.CLASS and page.school_class is not None
    if can_edit:
        if editing is None and request.method == "GET" and request.GET.get("edit"):
            editing = selectors.entry_of_school(
                organization=organization, entry_id=_number(request.GET["edit"]) or 0
            )
            if editing is None or editing.assignment.group.school_class_id != page.school_class.pk:
                raise Http404
        if form is None:
            form = _entry_form(page, editing, request.GET)
        if editing is not None and remove_form is None:
            remove_form = TimetableRemoveForm(initial={"starts_on": _default_start(page)})
    week = page.week_start.isoformat() if page.week_start else ""
    context = {
        "active_section": "timetable",
        "page": page,
        "organization": organization,
        "own_school": org_id is None,
        "page_url": _page_url(organization, org_id),
        "week_param": week,
        "previous_week_url": _week_url(organization, org_id, page, page.previous_week),
        "next_week_url": _week_url(organization, org_id, page, page.next_week),
        "this_week_url": _week_url(organization, org_id, page, None),
        "can_manage": can_manage,
        "can_edit": can_edit,
        "form": form if can_edit else None,
        "remove_form": remove_form if can_edit else None,
        "editing": editing if can_edit else None,
        "saved": saved,
    }
    template = "school/timetable.html#timetable-body" if request.htmx else "school/timetable.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _week_url(
    organization: Organization,
    org_id: int | None,
    page: selectors.TimetablePage,
    on: date | None,
) -> str:
    return _page_url(
        organization,
        org_id,
        **{
            "class": page.school_class.pk
            if page.mode == selectors.Mode.CLASS and page.school_class
            else None,
            "teacher": page.teacher.pk if page.mode == selectors.Mode.TEACHER else None,
            "room": page.room if page.mode == selectors.Mode.ROOM else None,
            "date": on.isoformat() if on else None,
        },
    )


def _entry_form(
    page: selectors.TimetablePage, editing: TimetableEntry | None, query: QueryDict
) -> TimetableEntryForm:
    initial: dict = {"starts_on": _default_start(page)}
    if editing is not None:
        initial.update(
            entry=editing.pk,
            weekday=editing.weekday,
            period=editing.period,
            assignment=editing.assignment_id,
            room=editing.room,
        )
    else:
        for key in ("weekday", "period"):
            if query.get(key, "").isdigit():
                initial[key] = int(query[key])
    return TimetableEntryForm(
        initial=initial,
        assignments=selectors.class_assignments(school_class=page.school_class),
        bells=page.bells,
    )


def _school(request: HttpRequest, org_id: int | None) -> Organization:
    organization = selectors.timetable_school(viewer=request.membership, org_id=org_id)
    if organization is None:
        raise Http404
    return organization


def timetable(request: HttpRequest) -> HttpResponse:
    """«Расписание» of the viewer's school; a teacher first sees their own week."""
    return _render_page(request, _school(request, None), org_id=None, choice=_choice(request.GET))


def timetable_of(request: HttpRequest, org_id: int) -> HttpResponse:
    """A subordinate school's timetable for the municipal authority, read-only."""
    organization = _school(request, org_id)
    return _render_page(request, organization, org_id=org_id, choice=_choice(request.GET))


def _class_to_edit(request: HttpRequest) -> tuple[Organization, SchoolClass]:
    organization = _school(request, None)
    school_class = selectors.class_of_school(
        organization=organization, class_id=_number(request.POST.get("class")) or 0
    )
    if school_class is None:
        raise Http404
    if not can(request.membership, Action.MANAGE_STRUCTURE, organization):
        raise PermissionDenied
    return organization, school_class


def _after_write(
    request: HttpRequest, organization: Organization, choice: Choice, message: str
) -> HttpResponse:
    if request.htmx:
        return _render_page(request, organization, org_id=None, choice=choice, saved=message)
    messages.success(request, message)
    return redirect(
        _page_url(
            organization,
            None,
            **{"class": choice.class_id, "date": choice.on.isoformat() if choice.on else None},
        )
    )


@require_POST
def timetable_entry_save(request: HttpRequest) -> HttpResponse:
    """Add a lesson to a class's timetable, or change one, from a date."""
    organization, school_class = _class_to_edit(request)
    choice = Choice(class_id=school_class.pk, on=_day(request.POST.get("date")))
    form = TimetableEntryForm(
        request.POST,
        assignments=selectors.class_assignments(school_class=school_class),
        bells=list(school_class.year.bells.all()),
    )
    editing = None
    if request.POST.get("entry"):
        editing = selectors.entry_of_school(
            organization=organization, entry_id=_number(request.POST["entry"]) or 0
        )
        if editing is None:
            raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            save_entry(
                actor=request.membership,
                assignment=data["assignment"],
                weekday=data["weekday"],
                period=data["period"],
                room=data["room"],
                starts_on=data["starts_on"],
                replaces=editing,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _after_write(request, organization, choice, _("The timetable has been saved."))
    return _render_page(
        request, organization, org_id=None, choice=choice, form=form, editing=editing
    )


@require_POST
def timetable_entry_remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Take a lesson out of a class's timetable from a date."""
    organization = _school(request, None)
    entry = selectors.entry_of_school(organization=organization, entry_id=entry_id)
    if entry is None:
        raise Http404
    if not can(request.membership, Action.MANAGE_STRUCTURE, organization):
        raise PermissionDenied
    school_class = entry.assignment.group.school_class
    choice = Choice(class_id=school_class.pk, on=_day(request.POST.get("date")))
    remove_form = TimetableRemoveForm(request.POST)
    if remove_form.is_valid():
        try:
            remove_entry(
                actor=request.membership,
                entry=entry,
                starts_on=remove_form.cleaned_data["starts_on"],
            )
        except ValidationError as error:
            remove_form.add_error(None, error)
        else:
            return _after_write(
                request, organization, choice, _("The lesson has been removed from the timetable.")
            )
    return _render_page(
        request,
        organization,
        org_id=None,
        choice=choice,
        remove_form=remove_form,
        editing=entry,
    )
