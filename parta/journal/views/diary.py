"""«Дневник» of a student and of their parents: the week, marks by subject, announcements."""

from datetime import date, timedelta

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from parta.core import calendar
from parta.identity.models import DerivedRole
from parta.journal.policies import can_open_diary
from parta.journal.selectors import diary as diary_selectors
from parta.journal.services.lessons import refresh_lessons
from parta.students.selectors.rosters import DiaryChild, diary_children

DIARY_ROLES = (DerivedRole.STUDENT, DerivedRole.GUARDIAN)
ANNOUNCEMENTS_PER_PAGE = 20


def _children(request: HttpRequest) -> tuple[list[DiaryChild], DiaryChild | None]:
    """The viewer's children (or themself) and the one chosen by `?student=`; 404 for others."""
    member = request.membership
    if member.active_role not in DIARY_ROLES:
        raise Http404
    children = diary_children(member)
    chosen = request.GET.get("student", "")
    if chosen:
        child = next((row for row in children if str(row.student.pk) == chosen), None)
        if child is None:
            raise Http404
    else:
        child = children[0] if children else None
    if child is not None and not can_open_diary(member, child.student):
        raise Http404
    return children, child


def _url(name: str, child: DiaryChild, **params: object) -> str:
    query = {"student": child.student.pk, **params}
    return f"{reverse(name)}?{urlencode(query)}"


def _context(
    name: str, children: list[DiaryChild], child: DiaryChild, tab: str, **params: object
) -> dict:
    """What every diary page shows: the child switcher and the tabs."""
    return {
        "active_section": "diary",
        "child": child,
        "tab": tab,
        "switcher": [
            (row, _url(name, row, **params), row.student.pk == child.student.pk) for row in children
        ]
        if len(children) > 1
        else [],
        "tabs": [
            ("week", _url("journal:diary", child)),
            ("marks", _url("journal:diary-marks", child)),
            ("announcements", _url("journal:diary-announcements", child)),
        ],
    }


def _empty(request: HttpRequest) -> HttpResponse:
    return render(request, "journal/diary_empty.html", {"active_section": "diary"})


def _week_of(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return calendar.today()


def diary(request: HttpRequest) -> HttpResponse:
    """The week: lessons with times, topics, homework, marks and attendance; announcements."""
    children, child = _children(request)
    if child is None:
        return _empty(request)
    starts_on = diary_selectors.week_start(_week_of(request))
    years = diary_selectors.diary_years(
        child=child, starts_on=starts_on, ends_on=starts_on + timedelta(days=6)
    )
    for year in years:
        refresh_lessons(year=year)
    week = diary_selectors.diary_week(child=child, years=years, starts_on=starts_on)
    context = _context("journal:diary", children, child, "week", week=starts_on.isoformat())
    context.update(
        {
            "week": week,
            "previous_url": _url("journal:diary", child, week=week.previous_week.isoformat()),
            "next_url": _url("journal:diary", child, week=week.next_week.isoformat()),
            "today_url": _url("journal:diary", child),
        }
    )
    return render(request, "journal/diary.html", context)


def diary_marks(request: HttpRequest) -> HttpResponse:
    """Marks by subject for the year, with weighted averages and period marks."""
    children, child = _children(request)
    if child is None:
        return _empty(request)
    year = diary_selectors.diary_year(child=child)
    refresh_lessons(year=year)
    marks = diary_selectors.diary_marks(child=child, year=year)
    context = _context("journal:diary-marks", children, child, "marks")
    context["marks"] = marks
    return render(request, "journal/diary_marks.html", context)


def diary_announcements(request: HttpRequest) -> HttpResponse:
    """Every announcement of the school and of the student's class, newest first."""
    children, child = _children(request)
    if child is None:
        return _empty(request)
    announcements = diary_selectors.diary_announcement_list(child=child)
    page = Paginator(announcements, ANNOUNCEMENTS_PER_PAGE).get_page(request.GET.get("page", 1))
    context = _context("journal:diary-announcements", children, child, "announcements")
    context["page"] = page
    return render(request, "journal/diary_announcements.html", context)
