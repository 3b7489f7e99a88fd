"""Управление → Ученики: the student list, «Добавить», the student's card by sections, parents,
and the class's logins with their printed sheet."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parta.core import calendar
from parta.identity.models import Membership
from parta.orgs.models import Organization
from parta.school.selectors import classes as school_selectors
from parta.students import policies
from parta.students.forms import (
    SECTION_FORMS,
    GuardianAddForm,
    PasswordResetForm,
    PersonForm,
    RelationForm,
    StudentAddForm,
    StudentFilterForm,
    add_service_error,
)
from parta.students.policies import Action, CardSection
from parta.students.selectors import cards as selectors
from parta.students.selectors.orders import student_history
from parta.students.services import accounts as account_services
from parta.students.services import cards as services

SECTION_TITLES = {
    CardSection.MAIN: gettext_lazy("Main information"),
    CardSection.GUARDIANS: gettext_lazy("Parents"),
    CardSection.DOCUMENTS: gettext_lazy("Documents"),
    CardSection.ADDRESS: gettext_lazy("Address"),
    CardSection.HEALTH: gettext_lazy("Health"),
    CardSection.SOCIAL: gettext_lazy("Social categories"),
    CardSection.PSYCHOLOGY: gettext_lazy("Psychological notes"),
}


def _school(request: HttpRequest) -> Organization:
    member = request.membership
    organization = member.organization
    if organization is None or not policies.can_list_students(member, organization):
        raise Http404
    return organization


def student_list(request: HttpRequest) -> HttpResponse:
    """«Ученики»: filters by parallel, class, status and surname; one page of 50."""
    member = request.membership
    organization = _school(request)
    form = StudentFilterForm(request.GET or None, classes=selectors.school_classes(organization))
    filters = form.filters()
    page = selectors.student_list(viewer=member, filters=filters, page=request.GET.get("page") or 1)
    rows = [(student, selectors.class_today(student)) for student in page]
    chosen = filters.school_class
    context = {
        "active_section": "manage",
        "organization": organization,
        "form": form,
        "page": page,
        "rows": rows,
        "today": calendar.today(),
        "page_range": page.paginator.get_elided_page_range(page.number),
        "can_add": CardSection.MAIN in policies.writable_sections(member, organization.pk),
        "accounts_class": chosen
        if chosen is not None and policies.can_manage_class_accounts(member, chosen)
        else None,
        "batch_query": urlencode(
            {
                key: value
                for key, value in (
                    ("grade", filters.grade or ""),
                    ("school_class", chosen.pk if chosen else ""),
                )
                if value
            }
        )
        if policies.can(member, Action.BATCH_UPDATE, organization)
        else None,
    }
    return render(request, "students/student_list.html", context)


def _duplicate(error: ValidationError) -> dict[str, Any] | None:
    """The known person «Добавить» found, for «Возможно, это тот же человек»."""
    if getattr(error, "code", None) not in ("snils_taken", "possible_duplicate"):
        return None
    return {
        "message": " ".join(error.messages),
        "person_id": error.params["person_id"],
        "by_snils": error.code == "snils_taken",
    }


def _person_choice(form: PersonForm):
    """The known person the user chose to use (validated again by the service)."""
    person_id = form.cleaned_data.get("use_person")
    if not person_id:
        return None
    found = selectors.person_by_id(person_id)
    if found is None:
        raise Http404
    return found


def student_add(request: HttpRequest) -> HttpResponse:
    """«Добавить»: a student's card, or the known person when they come from another school."""
    member = request.membership
    organization = _school(request)
    if CardSection.MAIN not in policies.writable_sections(member, organization.pk):
        raise PermissionDenied
    form = StudentAddForm(request.POST or None)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            student = services.add_student(
                actor=member,
                organization=organization,
                person_fields=form.person_fields(),
                person=_person_choice(form),
                confirm_new=data["confirm_new"],
                login=data["login"],
                password=data["password"],
            )
        except ValidationError as error:
            duplicate = _duplicate(error)
            if duplicate is None:
                add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The card of %(name)s has been added.") % {"name": student.person.full_name},
            )
            return redirect("students:card", student.pk)
    context = {
        "active_section": "manage",
        "form": form,
        "duplicate": _with_card(member, duplicate),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "students/student_add.html", context, status=status)


def _with_card(member: Membership, duplicate: dict | None) -> dict | None:
    if duplicate is not None:
        duplicate["student"] = selectors.student_of_person(
            viewer=member, person_id=duplicate["person_id"]
        )
    return duplicate


def _card_or_404(request: HttpRequest, student_id: int) -> selectors.StudentCard:
    card = selectors.student_card(viewer=request.membership, student_id=student_id)
    if card is None:
        raise Http404
    return card


def _render_card(
    request: HttpRequest,
    card: selectors.StudentCard,
    bound: dict[CardSection, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    card_sections = [
        {
            "key": section,
            "title": SECTION_TITLES[section],
            "template": "students/_card_guardians.html"
            if section == CardSection.GUARDIANS
            else "students/_card_section.html",
            "values": selectors.section_values(card.student, section),
            "form": bound.get(section)
            or (
                SECTION_FORMS[section](student=card.student)
                if section in card.writable and section in SECTION_FORMS
                else None
            ),
            "open": section in bound,
        }
        for section in CardSection
        if section in card.readable
    ]
    services.record_card_read(
        actor=request.membership, student=card.student, sections=card.readable
    )
    context = {
        "active_section": "manage",
        "card": card,
        "student": card.student,
        "person": card.person,
        "card_sections": card_sections,
        "history": student_history(student=card.student),
        "relation_form": RelationForm(),
    }
    return render(request, "students/student_card.html", context, status=status)


def student_card(request: HttpRequest, student_id: int) -> HttpResponse:
    """The student's card: the sections the viewer's role reads, an edit form for each section it
    changes, the classes with dates and the movement history."""
    return _render_card(request, _card_or_404(request, student_id))


@require_POST
def card_section(request: HttpRequest, student_id: int, section: str) -> HttpResponse:
    """Save one section of the card; errors show the section's form again, nothing saved."""
    card = _card_or_404(request, student_id)
    try:
        key = CardSection(section)
    except ValueError as error:
        raise Http404 from error
    if key not in card.writable or key not in SECTION_FORMS:
        raise PermissionDenied
    form = SECTION_FORMS[key](request.POST, student=card.student)
    if form.is_valid():
        try:
            services.update_card_section(
                actor=request.membership,
                student=card.student,
                section=key,
                fields=form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The card has been saved."))
            return redirect(f"{reverse('students:card', args=[student_id])}#section-{key}")
    return _render_card(request, card, {key: form}, status=400)


# --- Parents ------------------------------------------------------------------------------------


def guardian_add(request: HttpRequest, student_id: int) -> HttpResponse:
    """Add a parent: a new person, or a known one found by СНИЛС or by ФИО and date of birth."""
    card = _card_or_404(request, student_id)
    if CardSection.GUARDIANS not in card.writable:
        raise PermissionDenied
    form = GuardianAddForm(request.POST or None)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.link_guardian(
                actor=request.membership,
                student=card.student,
                relation=data["relation"],
                person_fields=form.person_fields(),
                person=_person_choice(form),
                confirm_new=data["confirm_new"],
            )
        except ValidationError as error:
            duplicate = _duplicate(error)
            if duplicate is None:
                add_service_error(form, error)
        else:
            messages.success(request, _("The parent has been added."))
            return redirect(f"{reverse('students:card', args=[student_id])}#section-guardians")
    context = {"active_section": "manage", "card": card, "form": form, "duplicate": duplicate}
    status = 400 if request.method == "POST" else 200
    return render(request, "students/guardian_add.html", context, status=status)


def _guardianship_or_404(request: HttpRequest, guardianship_id: int):
    guardianship = get_object_or_404(
        selectors.visible_guardianships(request.membership), pk=guardianship_id
    )
    if CardSection.GUARDIANS not in policies.writable_sections(
        request.membership, guardianship.student.organization_id
    ):
        raise PermissionDenied
    return guardianship


@require_POST
def guardian_relation(request: HttpRequest, guardianship_id: int) -> HttpResponse:
    """Change the relation of a parent to the student."""
    guardianship = _guardianship_or_404(request, guardianship_id)
    form = RelationForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose the relation from the list."))
        services.set_guardian_relation(
            actor=request.membership,
            guardianship=guardianship,
            relation=form.cleaned_data["relation"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The relation has been changed."))
    return redirect(f"{reverse('students:card', args=[guardianship.student_id])}#section-guardians")


@require_POST
def guardian_remove(request: HttpRequest, guardianship_id: int) -> HttpResponse:
    """Remove the parent from the student's card (the parent's person and login stay)."""
    guardianship = _guardianship_or_404(request, guardianship_id)
    services.unlink_guardian(actor=request.membership, guardianship=guardianship)
    messages.success(request, _("The parent has been removed from the card."))
    return redirect(f"{reverse('students:card', args=[guardianship.student_id])}#section-guardians")


def guardian_card(request: HttpRequest, person_id: int) -> HttpResponse:
    """A parent's card in this school: the person, contacts, documents, children here."""
    card = selectors.guardian_card(viewer=request.membership, person_id=person_id)
    if card is None:
        raise Http404
    if card.show_documents:
        services.record_guardian_documents_read(
            actor=request.membership, person=card.person, organization=card.organization
        )
    context = {"active_section": "manage", "card": card, "person": card.person}
    return render(request, "students/guardian_card.html", context)


# --- Logins of a class --------------------------------------------------------------------------


def class_accounts(request: HttpRequest, class_id: int) -> HttpResponse:
    """The class's students and parents with their logins; creating accounts or new passwords
    prints the sheet once, and the passwords are never shown again."""
    member = request.membership
    school_class = get_object_or_404(school_selectors.visible_classes(member), pk=class_id)
    if not policies.can_manage_class_accounts(member, school_class):
        raise PermissionDenied
    rows = selectors.class_accounts(
        school_class=school_class, on=school_selectors.roster_day(school_class.year)
    )
    form = PasswordResetForm(
        request.POST or None, person_ids=[row.person.pk for row in rows if row.may_reset]
    )
    context: dict[str, Any] = {
        "active_section": "manage",
        "school_class": school_class,
        "rows": rows,
        "form": form,
    }
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                sheet = account_services.create_class_accounts(
                    actor=member, school_class=school_class
                )
            elif action == "reset" and form.is_valid():
                sheet = account_services.reset_class_passwords(
                    actor=member,
                    school_class=school_class,
                    person_ids=form.cleaned_data["people"] or None,
                )
            else:
                raise ValidationError(_("Choose the students and parents from the list."))
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, "students/accounts_class.html", context, status=400)
        response = render(
            request,
            "students/accounts_sheet.html",
            {
                **context,
                "sheet": sheet,
                "login_url": request.build_absolute_uri(reverse("identity:login")),
            },
        )
        add_never_cache_headers(response)
        return response
    return render(request, "students/accounts_class.html", context)
