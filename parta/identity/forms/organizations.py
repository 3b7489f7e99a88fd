from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parta.core.audit import ACTION_LABELS
from parta.identity.models import Membership
from parta.orgs.models import Organization


class OrganizationCardForm(forms.Form):
    """«Основные сведения»: the checksums of ИНН and ОГРН are checked by the service."""

    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=Organization.Kind.choices)
    short_name = forms.CharField(label=_("Short name"), max_length=200)
    full_name = forms.CharField(label=pgettext_lazy("organisation", "Full name"), max_length=500)
    inn = forms.CharField(
        label=_("INN"),
        max_length=10,
        required=False,
        help_text=_("10 digits, the last one is a check digit."),
    )
    ogrn = forms.CharField(
        label=_("OGRN"),
        max_length=13,
        required=False,
        help_text=_("13 digits, the last one is a check digit."),
    )
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    @classmethod
    def for_organization(
        cls, organization: Organization, data: dict | None = None
    ) -> "OrganizationCardForm":
        initial = {name: getattr(organization, name) for name in cls.base_fields}
        return cls(data, initial=initial, prefix="card")


class StaffMemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        if obj.position:
            return _("%(name)s, %(position)s") % {
                "name": obj.person.full_name,
                "position": obj.position,
            }
        return obj.person.full_name


class DirectorForm(forms.Form):
    """«Администрация»: the head is chosen from the organisation's own current staff, never typed."""

    director = StaffMemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        label=_("Head of the organisation"),
        empty_label=_("— not chosen —"),
        error_messages={
            "invalid_choice": _("Choose the head from this organisation's current staff list.")
        },
    )

    def __init__(self, *args, candidates: QuerySet[Membership], **kwargs) -> None:
        kwargs.setdefault("prefix", "admin")
        super().__init__(*args, **kwargs)
        self.fields["director"].queryset = candidates


class SubordinateFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        required=False,
        choices=[("", _("All kinds")), *Organization.Kind.choices],
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = sorted(ACTION_LABELS.items(), key=lambda item: str(item[1]))
        self.fields["action"].choices = [("", _("All actions")), *labels]
