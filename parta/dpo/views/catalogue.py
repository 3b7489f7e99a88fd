"""«Дашборд», «Оценка компетенций» (the recommended programmes), «Все программы», a programme
with its groups, and the listener's profile."""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from parta.dpo import policies
from parta.dpo.models import Programme
from parta.dpo.selectors import catalogue as selectors
from parta.dpo.selectors import notifications, roles
from parta.dpo.views.access import listener

SECTION = "dpo"


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    form = forms.ChoiceField(label=_("Form of study"), required=False)
    subject = forms.TypedChoiceField(
        label=_("Subject"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, subjects, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["kind"].choices = anything + list(Programme.Kind.choices)
        self.fields["form"].choices = anything + list(Programme.Form.choices)
        self.fields["subject"].choices = anything + [(s.pk, s.name) for s in subjects]


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() else 1


def dashboard(request: HttpRequest) -> HttpResponse:
    """«Дашборд»: the «Оценка компетенций» card with the number of deficits."""
    member = listener(request)
    context = {
        "active_section": SECTION,
        "deficits": selectors.deficits(member.person_id),
        "profile": selectors.listener_profile(member),
        "can_import": policies.is_dpo_staff(member),
        "role": roles.role_notice(member),
        "unread_notifications": notifications.unread_count(member.person_id),
    }
    return render(request, "dpo/dashboard.html", context)


def recommendations(request: HttpRequest) -> HttpResponse:
    """«Подробная информация»: programmes filling the listener's deficits, best first."""
    member = listener(request)
    context = {
        "active_section": SECTION,
        "tab": "recommended",
        "result": selectors.recommended_programmes(member, page=_page_number(request)),
    }
    return render(request, "dpo/recommendations.html", context)


def programmes(request: HttpRequest) -> HttpResponse:
    """«Все программы»: the catalogue with search and filters."""
    listener(request)
    form = CatalogueFilterForm(request.GET, subjects=list(selectors.catalogue_subjects()))
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.catalogue(
        search=filters.get("q", ""),
        kind=filters.get("kind", ""),
        form=filters.get("form", ""),
        subject=filters.get("subject"),
        page=_page_number(request),
    )
    context = {"active_section": SECTION, "tab": "all", "form": form, "page": page}
    return render(request, "dpo/catalogue.html", context)


def programme(request: HttpRequest, programme_id: int) -> HttpResponse:
    """A programme: what it is, what it develops, and its groups to apply to."""
    listener(request)
    try:
        found = selectors.programme_page(programme_id)
    except Programme.DoesNotExist as error:
        raise Http404 from error
    context = {"active_section": SECTION, "programme": found}
    return render(request, "dpo/programme.html", context)


def profile(request: HttpRequest) -> HttpResponse:
    """ФИО, position and subjects taught, as on the staff card."""
    member = listener(request)
    context = {"active_section": SECTION, "profile": selectors.listener_profile(member)}
    return render(request, "dpo/profile.html", context)
