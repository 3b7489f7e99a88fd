"""Управление → Пользователи → Сотрудники (and an authority's «Пользователи»): the staff list,
«Добавить», Сведения о сотруднике, «Сменить пароль», archive, delete and «Импорт из другой ОО»."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from parta.identity.converters import UnitKey
from parta.identity.forms.staff import (
    IMPORT_FROM_AUTHORITY,
    ImportSourceForm,
    StaffAddForm,
    StaffCardForm,
    StaffFilterForm,
    StaffLoginForm,
    StaffPasswordForm,
    add_service_error,
    import_query,
    source_key,
    source_kind,
)
from parta.identity.models import Membership
from parta.identity.policies import Action, Unit, can, can_edit_staff_member
from parta.identity.selectors import cabinets as cabinets_selectors
from parta.identity.selectors import staff as staff_selectors
from parta.identity.services.accounts import set_password
from parta.identity.services.reads import record_personal_data_view
from parta.identity.services.staff import (
    add_staff_member,
    delete_staff_member,
    deletion_blockers,
    import_staff_member,
    set_archived,
    set_login,
    update_staff_member,
)
from parta.orgs.models import Organization


def _unit_or_404(request: HttpRequest, key: UnitKey, action: Action) -> Unit:
    """The unit whose staff list the viewer may open (else 404), if the action is allowed (else 403)."""
    viewer = request.membership
    unit = cabinets_selectors.unit_by_key(viewer=viewer, kind=key.kind, pk=key.pk)
    if unit is None or not can(viewer, Action.LIST_STAFF, unit):
        raise Http404
    if not can(viewer, action, unit):
        raise PermissionDenied
    return unit


def _card_or_404(request: HttpRequest, membership_id: int, action: Action) -> Membership:
    """A staff card the viewer may open (else 404), if the action on it is allowed (else 403)."""
    membership = staff_selectors.staff_card(viewer=request.membership, membership_id=membership_id)
    if membership is None:
        raise Http404
    if not can_edit_staff_member(request.membership, membership, action):
        raise PermissionDenied
    return membership


def _card_rights(viewer: Membership, membership: Membership) -> dict[str, bool]:
    """What the card's buttons and blocks show: booleans from the policies."""
    is_self = membership.person_id == viewer.person_id

    def allowed(action: Action) -> bool:
        return can_edit_staff_member(viewer, membership, action)

    return {
        "can_edit": allowed(Action.EDIT_STAFF),
        "can_edit_roles": allowed(Action.EDIT_ROLES),
        "can_set_password": allowed(Action.SET_PASSWORD),
        "password_set_elsewhere": can(viewer, Action.SET_PASSWORD, membership.unit)
        and not allowed(Action.SET_PASSWORD),
        "can_archive": allowed(Action.ARCHIVE_STAFF) and not is_self,
        "can_delete": allowed(Action.DELETE_STAFF) and not is_self,
        "show_personal_data": can(viewer, Action.VIEW_PERSONAL_DATA, membership.unit),
    }


def staff_list(request: HttpRequest, unit: UnitKey) -> HttpResponse:
    """Список сотрудников: filters, «Загрузить», one page of staff with roles and subjects."""
    viewer = request.membership
    scope = _unit_or_404(request, unit, Action.LIST_STAFF)
    form = StaffFilterForm(request.GET or None, unit=scope)
    page = staff_selectors.staff_list(
        viewer=viewer, unit=scope, filters=form.filters(), page=request.GET.get("page") or 1
    )
    context = {
        "active_section": "manage",
        "unit": scope,
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "is_organization": isinstance(scope, Organization),
        "can_add": can(viewer, Action.ADD_STAFF, scope),
        "can_import": can(viewer, Action.IMPORT_STAFF, scope),
        "can_invite": can(viewer, Action.INVITE_STAFF, scope),
    }
    return render(request, "identity/staff_list.html", context)


def staff_add(request: HttpRequest, unit: UnitKey) -> HttpResponse:
    """«Добавить»: a new person, account and membership; a known person is imported instead."""
    viewer = request.membership
    scope = _unit_or_404(request, unit, Action.ADD_STAFF)
    form = StaffAddForm(
        request.POST or None, unit=scope, can_edit_roles=can(viewer, Action.EDIT_ROLES, scope)
    )
    duplicate = taken_id = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = add_staff_member(
                actor=viewer,
                unit=scope,
                person_fields=form.person_fields(),
                login=data["login"],
                password=data["password"],
                must_change_password=data["must_change_password"],
                roles=form.roles_value() or [],
                subjects=form.subjects_value(),
                position=data["position"],
                starts_on=data["starts_on"],
                confirm_namesake=data["confirm_namesake"],
            )
        except ValidationError as error:
            duplicate_id, taken_id = _known_person(error)
            if duplicate_id is None:
                add_service_error(form, error)
            else:
                duplicate = _duplicate(viewer, scope, duplicate_id, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The employee %(name)s has been added.") % {"name": membership.person.full_name},
            )
            return redirect("identity:staff-card", membership.pk)
    context = {
        "active_section": "manage",
        "unit": scope,
        "form": form,
        "taken_import_url": f"{reverse('identity:staff-import', args=[scope])}?person={taken_id}"
        if taken_id
        else "",
        "duplicate": duplicate,
    }
    return render(request, "identity/staff_add.html", context)


def _duplicate(viewer: Membership, unit: Unit, person_id: int, message: str) -> dict[str, Any]:
    """The warning «Добавить» shows for a namesake: where they work and how to import them."""
    cabinet = staff_selectors.import_cabinet_of_person(
        viewer=viewer, unit=unit, person_id=person_id
    )
    return {
        "message": message,
        "cabinets": cabinets_selectors.cabinets_of_person(person_id=person_id),
        "import_cabinet": cabinet,
        "source_key": source_key(cabinet.unit) if cabinet is not None else "",
    }


def _known_person(error: ValidationError) -> tuple[int | None, int | None]:
    """(namesake, СНИЛС owner): the person «Добавить» refused to create a second card for."""
    if getattr(error, "code", None) == "possible_duplicate":
        return error.params["person_id"], None
    for item in getattr(error, "error_dict", {}).get("snils", []):
        if item.code == "snils_taken":
            return None, item.params["person_id"]
    return None, None


def staff_card(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Сведения о сотруднике: the card, its login, roles and other cabinets of the person."""
    viewer = request.membership
    membership = _card_or_404(request, membership_id, Action.VIEW_STAFF)
    rights = _card_rights(viewer, membership)
    posted = request.POST.get("form") if request.method == "POST" else None
    form = login_form = None
    if rights["can_edit"]:
        form = StaffCardForm(
            request.POST if posted == "card" else None,
            membership=membership,
            can_edit_roles=rights["can_edit_roles"],
            show_personal_data=rights["show_personal_data"],
        )
    if rights["can_set_password"]:
        login_form = StaffLoginForm(
            request.POST if posted == "login" else None,
            initial={"login": membership.person.account.login},
        )
    if posted == "card" and form is not None:
        if _save_card(request, form, membership):
            return redirect("identity:staff-card", membership.pk)
    elif posted == "login" and login_form is not None:
        if _save_login(request, login_form, membership):
            return redirect("identity:staff-card", membership.pk)
    elif posted is not None:
        raise PermissionDenied
    person = membership.person
    if rights["show_personal_data"] and (person.snils or person.has_passport):
        record_personal_data_view(actor=viewer, membership=membership)
    context = {
        "active_section": "manage",
        "staff": membership,
        "person": person,
        "unit": membership.unit,
        "form": form,
        "login_form": login_form,
        "other_memberships": staff_selectors.other_memberships(person=person, exclude=membership),
        **rights,
    }
    return render(request, "identity/staff_card.html", context)


def _save_card(request: HttpRequest, form: StaffCardForm, membership: Membership) -> bool:
    if not form.is_valid():
        return False
    try:
        update_staff_member(
            actor=request.membership,
            membership=membership,
            person_fields=form.person_fields(),
            membership_fields=form.membership_fields(),
            roles=form.roles_value(),
            subjects=form.subjects_value(),
        )
    except ValidationError as error:
        add_service_error(form, error)
        return False
    messages.success(request, _("The card has been saved."))
    return True


def _save_login(request: HttpRequest, form: StaffLoginForm, membership: Membership) -> bool:
    if not form.is_valid():
        return False
    try:
        account = set_login(
            actor=request.membership, membership=membership, login=form.cleaned_data["login"]
        )
    except ValidationError as error:
        add_service_error(form, error)
        return False
    messages.success(request, _("The login is now %(login)s.") % {"login": account.login})
    return True


def staff_password(request: HttpRequest, membership_id: int) -> HttpResponse:
    """«Сменить пароль»: a new password to hand over, changed at the first login by default."""
    membership = _card_or_404(request, membership_id, Action.SET_PASSWORD)
    form = StaffPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            set_password(
                actor=request.membership,
                membership=membership,
                password=form.cleaned_data["password"],
                must_change_password=form.cleaned_data["must_change_password"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The password of %(login)s has been changed. Hand it over to the user.")
                % {"login": membership.person.account.login},
            )
            return redirect("identity:staff-card", membership.pk)
    context = {"active_section": "manage", "staff": membership, "form": form}
    return render(request, "identity/staff_password.html", context)


@require_POST
def staff_archive(request: HttpRequest, membership_id: int) -> HttpResponse:
    """«В архив» / «Восстановить» (POST archived=1|0)."""
    membership = _card_or_404(request, membership_id, Action.ARCHIVE_STAFF)
    archived = request.POST.get("archived") == "1"
    try:
        set_archived(actor=request.membership, membership=membership, archived=archived)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = membership.person.full_name
        if archived:
            messages.success(request, _("%(name)s has been moved to the archive.") % {"name": name})
        else:
            messages.success(request, _("%(name)s has been restored.") % {"name": name})
    return redirect("identity:staff-card", membership.pk)


def staff_delete(request: HttpRequest, membership_id: int) -> HttpResponse:
    """«Удалить»: only a card nothing refers to; otherwise what blocks it, and «В архив»."""
    membership = _card_or_404(request, membership_id, Action.DELETE_STAFF)
    if membership.person_id == request.membership.person_id:
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST":
        unit = membership.unit
        name = membership.person.full_name
        try:
            delete_staff_member(actor=request.membership, membership=membership)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The card of %(name)s has been deleted.") % {"name": name})
            return redirect("identity:staff-list", unit)
    context = {
        "active_section": "manage",
        "staff": membership,
        "blockers": deletion_blockers(membership),
        "errors": errors,
        "can_archive": can_edit_staff_member(request.membership, membership, Action.ARCHIVE_STAFF),
    }
    return render(request, "identity/staff_delete.html", context)


def staff_import(request: HttpRequest, unit: UnitKey) -> HttpResponse:
    """«Импорт из другой ОО»: kind, organisation, its staff with checkboxes, «Импорт»."""
    viewer = request.membership
    scope = _unit_or_404(request, unit, Action.IMPORT_STAFF)
    if request.method == "POST":
        return _import_chosen(request, scope)
    default_kind = (
        Organization.Kind.SCHOOL if isinstance(scope, Organization) else IMPORT_FROM_AUTHORITY
    )
    query = import_query(request.GET, default_kind=default_kind)
    ticked: set[int] = set()
    person_id = request.GET.get("person", "")
    if person_id.isdigit():
        cabinet = staff_selectors.import_cabinet_of_person(
            viewer=viewer, unit=scope, person_id=int(person_id)
        )
        if cabinet is not None:
            query = query.for_cabinet(cabinet)
            ticked = {cabinet.pk}
    source = query.resolve(viewer=viewer, unit=scope)
    page = (
        staff_selectors.importable_staff_page(
            viewer=viewer,
            unit=scope,
            source=source,
            search=query.search,
            page=request.GET.get("page") or 1,
        )
        if source is not None
        else None
    )
    sources = staff_selectors.import_sources(viewer=viewer, unit=scope, kind=query.kind)
    context = {
        "active_section": "manage",
        "unit": scope,
        "form": ImportSourceForm(initial=query.initial(source), unit=scope, sources=sources),
        "source": source,
        "source_key": source_key(source) if source is not None else "",
        "page": page,
        "ticked": ticked,
    }
    template = "identity/staff_import.html"
    response = render(request, f"{template}#picker" if request.htmx else template, context)
    response["Vary"] = "HX-Request"
    return response


def _import_chosen(request: HttpRequest, unit: Unit) -> HttpResponse:
    """«Импорт» pressed: attach each ticked person (login and password kept), then PRG."""
    viewer = request.membership
    query = import_query(request.POST, default_kind="")
    source = query.resolve(viewer=viewer, unit=unit, any_kind=True)
    if source is None:
        raise Http404
    chosen = staff_selectors.importable_staff_chosen(
        viewer=viewer,
        unit=unit,
        source=source,
        membership_ids=[int(pk) for pk in request.POST.getlist("members") if pk.isdigit()],
    )
    imported = 0
    for cabinet in chosen:
        try:
            import_staff_member(actor=viewer, unit=unit, person=cabinet.person, source=cabinet)
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            imported += 1
    if not chosen:
        messages.warning(request, _("Tick the employees to import."))
        params = {"kind": source_kind(source), "source": source_key(source)}
        url = reverse("identity:staff-import", args=[unit])
        return redirect(f"{url}?{urlencode(params)}")
    messages.success(
        request,
        ngettext(
            "%(count)d employee has been imported.",
            "%(count)d employees have been imported.",
            imported,
        )
        % {"count": imported},
    )
    return redirect("identity:staff-list", unit)
