from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from parta.identity.policies import Action, can, can_manage_region_login
from parta.identity.selectors import organizations as organizations_selectors
from parta.oidc import policies as oidc_policies
from parta.school import policies as school_policies
from parta.web.navigation import (
    DIARY_ROLES,
    UPCOMING_SECTIONS,
    can_view_any_reports,
    sections,
    student_links,
)


def home(request: HttpRequest) -> HttpResponse:
    """The cabinet's start page; students and parents come for the diary and start there."""
    member = request.membership
    if member.active_role in DIARY_ROLES:
        return redirect("journal:diary")
    context = {
        "active_section": "",
        "can_view_reports": can(member, Action.VIEW_REPORTS, member.unit),
        "without_director": organizations_selectors.organizations_without_director(
            viewer=member
        ).count()
        if member.authority_id
        else None,
    }
    return render(request, "web/home.html", context)


def manage(request: HttpRequest) -> HttpResponse:
    """Управление: the cabinet's users, card and audit log."""
    member = request.membership
    unit = member.unit
    if not any(s.key == "manage" for s in sections(member)):
        raise Http404
    context = {
        "active_section": "manage",
        "unit": unit,
        "can_list_staff": can(member, Action.LIST_STAFF, unit),
        "can_view_card": can(member, Action.VIEW_CARD, unit) and member.organization_id,
        "can_view_audit": can(member, Action.VIEW_AUDIT, unit),
        "can_merge": can(member, Action.MERGE_PEOPLE, unit),
        "can_manage_oidc_clients": oidc_policies.can_manage_clients(member),
        "can_manage_region_login": can_manage_region_login(member),
        **student_links(member),
    }
    return render(request, "web/manage.html", context)


def section(request: HttpRequest, key: str) -> HttpResponse:
    """A section whose module comes in a later release: says so instead of a broken link."""
    if key not in UPCOMING_SECTIONS or not any(s.key == key for s in sections(request.membership)):
        raise Http404
    context = {"active_section": key, "title": UPCOMING_SECTIONS[key][0]}
    return render(request, "web/section.html", context)


def reports(request: HttpRequest) -> HttpResponse:
    """Отчеты: the reports the current role may open."""
    member = request.membership
    if not can_view_any_reports(member):
        raise Http404
    context = {
        "active_section": "reports",
        "can_view_unit_reports": can(member, Action.VIEW_REPORTS, member.unit),
        "can_view_login_readiness": can(member, Action.VIEW_LOGIN_READINESS, member.unit),
        "can_view_journal_reports": bool(member.authority_id)
        or school_policies.can(member, school_policies.Action.VIEW_REPORTS, member.unit),
    }
    return render(request, "web/reports.html", context)


def error_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def error_403(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "web/403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "web/500.html", {"membership": None, "sections": []}, status=500)
