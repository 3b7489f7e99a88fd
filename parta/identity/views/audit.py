"""«Журнал изменений»: who changed what in an organisation or an authority, and how."""

import re
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from parta.core.audit import action_label, field_label
from parta.core.models import AuditEntry
from parta.identity.audit_labels import PERSONAL_FIELDS, SPECIAL_CATEGORY_FIELDS
from parta.identity.converters import UnitKey
from parta.identity.forms.organizations import AuditFilterForm
from parta.identity.models import AuthorityRole, DerivedRole, Membership, OrgRole, Sex
from parta.identity.policies import Action, can
from parta.identity.selectors import audit as audit_selectors
from parta.identity.selectors import cabinets as cabinets_selectors
from parta.identity.validators import format_snils, mask_snils
from parta.orgs.models import Organization

ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MASK = "***"

#: Values stored as codes, shown by their names.
CODE_LABELS: dict[str, tuple[type, ...]] = {
    "roles": (DerivedRole, OrgRole, AuthorityRole),
    "kind": (Organization.Kind, Membership.Kind),
    "sex": (Sex,),
}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    action: str
    changes: list[Change]


def _code_label(name: str, code: str) -> str:
    for choices in CODE_LABELS.get(name, ()):
        if code in choices.values:
            return str(choices(code).label)
    return code


def _show(name: str, value: Any, *, masked: bool) -> str:
    """One value as the screen shows it: dates as ДД.ММ.ГГГГ, codes by name, personal data masked."""
    if value is None or value == "" or value == []:
        return "—"
    if name == "snils":
        return (mask_snils(str(value)) or MASK) if masked else format_snils(str(value))
    if name in SPECIAL_CATEGORY_FIELDS or (masked and name in PERSONAL_FIELDS):
        return MASK
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        separator = " / " if any(isinstance(item, dict) for item in value) else ", "
        return separator.join(_show(name, item, masked=masked) for item in value)
    if isinstance(value, dict):
        parts = [
            _("%(field)s: %(value)s")
            % {"field": field_label(key), "value": _show(key, item, masked=masked)}
            for key, item in value.items()
            if item not in (None, "", [], False)
        ]
        return "; ".join(parts) or "—"
    text = str(value)
    date = ISO_DATE.match(text)
    if date:
        return f"{date[3]}.{date[2]}.{date[1]}"
    return _code_label(name, text)


def _flatten(values: dict[str, Any] | None, prefix: str = "") -> dict[str, tuple[str, str, Any]]:
    """path → (field name, label, value); a nested card (the merged duplicate) gives one row per
    field, labelled «Merged card: SNILS»."""
    flat: dict[str, tuple[str, str, Any]] = {}
    for key, value in (values or {}).items():
        label = field_label(key)
        if prefix:
            label = _("%(group)s: %(field)s") % {"group": prefix, "field": label}
        if isinstance(value, dict):
            flat.update(_flatten(value, prefix=label))
        else:
            flat[f"{prefix}/{key}"] = (key, label, value)
    return flat


def changes_of(entry: AuditEntry, *, masked: bool) -> list[Change]:
    """Before → after for every field the entry mentions, in the order it mentions them."""
    before, after = _flatten(entry.before), _flatten(entry.after)
    rows = []
    for path in dict.fromkeys([*before, *after]):
        name, label, _value = before.get(path) or after[path]
        old = before[path][2] if path in before else None
        new = after[path][2] if path in after else None
        shown = Change(
            field=label,
            before=_show(name, old, masked=masked),
            after=_show(name, new, masked=masked),
        )
        if shown.before != shown.after or shown.before != "—":
            rows.append(shown)
    return rows


def audit_log(request: HttpRequest, unit: UnitKey) -> HttpResponse:
    """The audit log of an organisation or authority, newest first, filtered by action."""
    member = request.membership
    target = cabinets_selectors.unit_by_key(viewer=member, kind=unit.kind, pk=unit.pk)
    if target is None or not can(member, Action.VIEW_AUDIT, target):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    action = form.cleaned_data["action"] if form.is_valid() else ""
    page = audit_selectors.audit_entries(
        viewer=member, unit=target, page=request.GET.get("page", 1), action=action
    )
    masked = not can(member, Action.VIEW_PERSONAL_DATA, target)
    rows = [
        AuditRow(
            entry=entry, action=action_label(entry.action), changes=changes_of(entry, masked=masked)
        )
        for entry in page
    ]
    context = {
        "active_section": "manage",
        "unit": target,
        "form": form,
        "page": page,
        "rows": rows,
        "masked": masked,
    }
    return render(request, "identity/audit_log.html", context)
