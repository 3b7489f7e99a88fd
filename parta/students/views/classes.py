"""The students of a class (its card's roster), a subgroup's list, and the transition to the next
academic year."""

from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parta.core import calendar
from parta.school.policies import Action, can
from parta.school.selectors import classes as school_selectors
from parta.school.services.transition import check_new_year, next_year_dates
from parta.students import policies as student_policies
from parta.students.forms import GroupMembersForm, RosterDateForm
from parta.students.selectors import rosters as selectors
from parta.students.services import enrolment as services
from parta.students.services import orders as order_services
from parta.students.views.orders import YearEndForm


def _may_manage(request: HttpRequest, year) -> bool:
    return not year.is_archived and can(
        request.membership, Action.MANAGE_STRUCTURE, year.organization
    )


def class_roster(request: HttpRequest, class_id: int) -> HttpResponse:
    """The students of a class on a date (today by default), with their dates, parents and
    subgroups; the class card loads it as a fragment."""
    school_class = get_object_or_404(
        school_selectors.visible_classes(request.membership), pk=class_id
    )
    year = school_class.year
    form = RosterDateForm(request.GET or None)
    on = form.cleaned_data["on"] if form.is_valid() and form.cleaned_data["on"] else None
    on = on or school_selectors.roster_day(year)
    context = {
        "active_section": "classes",
        "school_class": school_class,
        "roster": selectors.class_roster(school_class=school_class, on=on),
        "form": form if form.is_bound else RosterDateForm(initial={"on": on}),
        "can_manage": _may_manage(request, year),
    }
    template = "students/class_roster.html#roster" if request.htmx else "students/class_roster.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def group_members(request: HttpRequest, group_id: int) -> HttpResponse:
    """Tick the students of a subgroup among the class's current students."""
    group = get_object_or_404(school_selectors.visible_groups(request.membership), pk=group_id)
    if group.is_whole_class:
        raise Http404
    year = group.school_class.year
    if not _may_manage(request, year):
        raise PermissionDenied
    checklist = selectors.group_checklist(group=group, on=school_selectors.roster_day(year))
    form = GroupMembersForm(
        request.POST or None,
        students=checklist.students,
        initial={"students": sorted(checklist.member_ids)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.choose_group_members(
                actor=request.membership,
                group=group,
                students=list(form.cleaned_data["students"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The list of the group «%(name)s» is saved.") % {"name": group.name}
            )
            return redirect(reverse("school:class", args=[group.school_class_id]))
    context = {"active_section": "classes", "checklist": checklist, "group": group, "form": form}
    status = 400 if form.errors else 200
    return render(request, "students/group_members.html", context, status=status)


def _chosen_year(request: HttpRequest, years: list):
    value = request.POST.get("year") or request.GET.get("year")
    if not value:
        return years[0] if years else None
    year = next((year for year in years if str(year.pk) == value), None)
    if year is None:
        raise Http404
    return year


def transition(request: HttpRequest) -> HttpResponse:
    """«Переход на следующий учебный год»: every class and what happens to each student (the
    deputy head ticks repeaters), the numbers of the year-end orders, then the confirmation."""
    member = request.membership
    organization = member.organization
    if (
        organization is None
        or not can(member, Action.MANAGE_STRUCTURE, organization)
        or not student_policies.can(member, student_policies.Action.MANAGE_ORDERS, organization)
    ):
        raise Http404
    years = selectors.years_to_move_from(organization.pk)
    year = _chosen_year(request, years)
    context: dict = {"active_section": "classes", "years": years, "year": year}
    if year is None:
        return render(request, "students/transition.html", context)
    starts_on, ends_on = next_year_dates(year)
    preview = selectors.transition_preview(year=year)
    form = YearEndForm(
        request.POST or None,
        students=preview.students,
        initial={"starts_on": starts_on, "ends_on": ends_on, "signed_on": calendar.today()},
    )
    confirming = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        preview = replace(preview, repeaters=frozenset(data["repeaters"]))
        try:
            check_new_year(year, data["starts_on"], data["ends_on"])
            if request.POST.get("step") == "confirm":
                result = order_services.move_to_next_year(
                    actor=member,
                    year=year,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    numbers=form.numbers(),
                    repeaters=data["repeaters"],
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.POST.get("step") != "confirm":
                confirming = True
            else:
                new_year = result.copy.year
                messages.success(
                    request,
                    ngettext(
                        "The academic year %(year)s is open; %(count)s student moved up a class.",
                        "The academic year %(year)s is open; %(count)s students moved up a class.",
                        result.promoted,
                    )
                    % {"year": new_year, "count": result.promoted},
                )
                return redirect(f"{reverse('school:classes')}?year={new_year.pk}")
    context.update({"form": form, "confirming": confirming, "preview": preview})
    status = 400 if form.errors else 200
    return render(request, "students/transition.html", context, status=status)
