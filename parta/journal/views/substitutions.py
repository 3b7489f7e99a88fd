"""«Замены»: the school's lessons of a date, each with a substitute teacher and a room."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parta.core import calendar
from parta.identity.models import Membership
from parta.journal.models import Lesson
from parta.journal.selectors import substitutions as selectors
from parta.journal.services.lessons import refresh_lessons
from parta.journal.services.substitutions import set_substitute
from parta.orgs.models import Organization
from parta.school.policies import Action, can
from parta.school.selectors.calendar import current_year


class TeacherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.person.short_name


class SubstitutionForm(forms.Form):
    """The substitute of one lesson: empty clears the substitution (the service checks the rest)."""

    substitute = TeacherChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        label=gettext_lazy("Substitute teacher"),
        empty_label=gettext_lazy("— no substitution —"),
        error_messages={"invalid_choice": gettext_lazy("Choose a working teacher of the school.")},
    )
    room = forms.CharField(label=gettext_lazy("Room"), max_length=30, required=False)


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else calendar.today()
    except ValueError:
        return calendar.today()


def _school(request: HttpRequest) -> Organization:
    organization = request.membership.organization
    if organization is None or not can(request.membership, Action.VIEW_STRUCTURE, organization):
        raise Http404
    return organization


def _page_url(on: date) -> str:
    return f"{reverse('journal:substitutions')}?{urlencode({'date': on.isoformat()})}"


def _day_data(request: HttpRequest, organization: Organization, on: date):
    year = current_year(organization.pk, on)
    if year is not None:
        refresh_lessons(year=year)
    can_manage = can(request.membership, Action.MANAGE_STRUCTURE, organization)
    day = selectors.substitution_day(
        organization=organization, year=year, on=on, with_candidates=can_manage
    )
    return day, can_manage


def _row_form(row: selectors.SubstitutionRow, data=None) -> SubstitutionForm:
    lesson = row.lesson
    form = SubstitutionForm(
        data,
        prefix=f"lesson-{lesson.pk}",
        initial={"substitute": lesson.substitute_id, "room": lesson.room},
    )
    form.fields["substitute"].queryset = Membership.objects.filter(
        pk__in=[teacher.pk for teacher in row.candidates]
    ).select_related("person")
    # The choices are the row's free teachers, already loaded: no query per row.
    form.fields["substitute"].choices = [("", form.fields["substitute"].empty_label)] + [
        (teacher.pk, teacher.person.short_name) for teacher in row.candidates
    ]
    return form


def substitutions(request: HttpRequest) -> HttpResponse:
    """«Замены» of a date (today by default): the lessons by class and period."""
    organization = _school(request)
    on = _day(request.GET.get("date"))
    day, can_manage = _day_data(request, organization, on)
    rows = [
        (group, [(row, _row_form(row) if can_manage else None) for row in group.rows])
        for group in day.classes
    ]
    context = {
        "active_section": "timetable",
        "day": day,
        "rows": rows,
        "can_manage": can_manage,
        "previous_day": on - timedelta(days=1),
        "next_day": on + timedelta(days=1),
        "timetable_url": reverse("school:timetable"),
    }
    response = render(request, "journal/substitutions.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
def substitution_set(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Set or clear the substitute of one lesson; htmx gets the row back."""
    organization = _school(request)
    lesson: Lesson | None = selectors.lesson_of_school(
        organization=organization, lesson_id=lesson_id
    )
    if lesson is None:
        raise Http404
    if not can(request.membership, Action.MANAGE_STRUCTURE, organization):
        raise PermissionDenied
    form = SubstitutionForm(request.POST, prefix=f"lesson-{lesson.pk}")
    form.fields["substitute"].queryset = selectors.active_teachers(
        organization_id=organization.pk, on=lesson.date
    )
    error = ""
    if form.is_valid():
        substitute = None if request.POST.get("clear") else form.cleaned_data["substitute"]
        try:
            set_substitute(
                actor=request.membership,
                lesson=lesson,
                substitute=substitute,
                room=form.cleaned_data["room"],
            )
        except ValidationError as failure:
            error = " ".join(failure.messages)
    else:
        error = " ".join(message for errors in form.errors.values() for message in errors)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("The substitution has been saved."))
        return redirect(_page_url(lesson.date))
    day, can_manage = _day_data(request, organization, lesson.date)
    row = day.row_of(lesson.pk)
    if row is None:
        raise Http404
    context = {
        "day": day,
        "row": row,
        "form": _row_form(row, request.POST if error else None),
        "can_manage": can_manage,
        "error": error,
        "saved": not error,
    }
    response = render(request, "journal/substitutions.html#row", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
