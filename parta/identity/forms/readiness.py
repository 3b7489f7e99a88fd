"""Filters of «Готовность к входу через Госуслуги»."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parta.identity.selectors.readiness import GROUP_LABELS, GROUPS, Order, Show


class ReadinessSummaryForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    order = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(Order.WORST_FIRST, _("Least ready first")), (Order.NAME, _("By name"))],
    )

    def filters(self) -> dict[str, str]:
        """The search and the order, the defaults where the query string is wrong."""
        data = self.cleaned_data if self.is_valid() else {}
        return {"search": data.get("q", ""), "order": data.get("order") or Order.WORST_FIRST}


class ReadinessPeopleForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Group"),
        required=False,
        choices=[("", _("All")), *((kind, GROUP_LABELS[kind]) for kind in GROUPS)],
    )
    show = forms.ChoiceField(
        label=_("Whom to show"),
        required=False,
        choices=[(Show.NOT_READY, _("Only those not ready")), (Show.ALL, _("Everyone"))],
    )

    def filters(self) -> dict[str, str]:
        """The group and whom to show, the defaults where the query string is wrong."""
        data = self.cleaned_data if self.is_valid() else {}
        return {"kind": data.get("kind", ""), "show": data.get("show") or Show.NOT_READY}
