"""The audit log: every service that changes people, accounts, memberships, marks, attendance or
orders calls `record` inside its transaction."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models
from django.utils.functional import Promise

from parta.core.models import AuditEntry

#: Action code (what a service passes to `record`) → what the audit screen shows; each app adds
#: its own in its `AppConfig.ready` through `register_labels`.
ACTION_LABELS: dict[str, Promise] = {}
#: Field name in `before`/`after` → its name on the screen.
FIELD_LABELS: dict[str, Promise] = {}


def register_labels(*, actions: dict[str, Promise], fields: dict[str, Promise]) -> None:
    """Name an app's audited actions and fields for the audit screen."""
    ACTION_LABELS.update(actions)
    for name, label in fields.items():
        FIELD_LABELS.setdefault(name, label)


def action_label(code: str) -> str:
    """The screen name of an action; an unknown code is shown as it is."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def field_label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name


class Actor(Protocol):
    """What the audit log needs to know of whoever acts (a membership, or a system process)."""

    @property
    def audit_account_id(self) -> int | None: ...

    @property
    def audit_label(self) -> str: ...

    @property
    def audit_organization_id(self) -> int | None: ...

    @property
    def audit_authority_id(self) -> int | None: ...


@dataclass(frozen=True)
class SystemActor:
    """A change made by the system itself: a seed, a migration, a scheduled task."""

    label: str
    audit_account_id: None = None
    audit_organization_id: None = None
    audit_authority_id: None = None

    @property
    def audit_label(self) -> str:
        return self.label


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-safe values of the named fields of a row, for `before` and `after`."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        values[name] = value
    return values


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def record(
    *,
    actor: Actor,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organization_id: int | None = None,
    authority_id: int | None = None,
) -> AuditEntry:
    """Write one audit entry; the scope defaults to the actor's organisation or authority."""
    return AuditEntry.objects.create(
        actor_account_id=actor.audit_account_id,
        actor_label=actor.audit_label[:300],
        action=action,
        target_type=target._meta.label,
        target_id=target.pk,
        target_label=str(target)[:300],
        organization_id=organization_id
        if organization_id is not None
        else actor.audit_organization_id,
        authority_id=authority_id if authority_id is not None else actor.audit_authority_id,
        before=before,
        after=after,
    )
