"""The application's state machine: every allowed transition is one row of `TRANSITIONS`.

Seed 001: «Не обработана» → «Подтверждена руководителем ОО» (the director of the applicant's
school) → «Включен в группу» (staff of ОГБУ ЧЦОПМКП / ГБУ ДПО ЧИРО); «Отменена» by the
participant, the director or ДПО staff. Enrolment is done by the staff of any ДПО organisation of
the region, not only of the programme's provider: the seed names two organisations (the assessment
centre and the institute) that both include listeners in groups. Only ДПО staff undo an enrolment;
a cancelled application is final (the listener applies again with a new one).

This module knows nothing of the database: who the actor is comes from `dpo.policies`, deadlines
and capacity are checked by `dpo.services`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from parta.dpo.models import Application

Status = Application.Status


class ActorKind(models.TextChoices):
    """Who a member is for one application (`dpo.policies.actor_kind`)."""

    APPLICANT = "applicant", _("Applicant")
    DIRECTOR = "director", _("Head of the organisation")
    DPO_STAFF = "dpo_staff", _("Professional development staff")
    NOBODY = "nobody", _("Outsider")


class Action(models.TextChoices):
    APPLY = "apply", _("Sign up")
    APPROVE = "approve", _("Approve")
    ENROL = "enrol", _("Include in the group")
    CANCEL = "cancel", _("Cancel the application")


#: (status before, or None when there is no live application; actor; action) → status after.
TRANSITIONS: dict[tuple[Status | None, ActorKind, Action], Status] = {
    (None, ActorKind.APPLICANT, Action.APPLY): Status.NEW,
    (Status.NEW, ActorKind.DIRECTOR, Action.APPROVE): Status.APPROVED,
    (Status.APPROVED, ActorKind.DPO_STAFF, Action.ENROL): Status.ENROLLED,
    (Status.NEW, ActorKind.APPLICANT, Action.CANCEL): Status.CANCELLED,
    (Status.NEW, ActorKind.DIRECTOR, Action.CANCEL): Status.CANCELLED,
    (Status.NEW, ActorKind.DPO_STAFF, Action.CANCEL): Status.CANCELLED,
    (Status.APPROVED, ActorKind.APPLICANT, Action.CANCEL): Status.CANCELLED,
    (Status.APPROVED, ActorKind.DIRECTOR, Action.CANCEL): Status.CANCELLED,
    (Status.APPROVED, ActorKind.DPO_STAFF, Action.CANCEL): Status.CANCELLED,
    (Status.ENROLLED, ActorKind.DPO_STAFF, Action.CANCEL): Status.CANCELLED,
}


def transition(status: str | None, actor: str, action: str) -> Status | None:
    """The status the action leads to, or None when the table does not allow it."""
    key = (Status(status) if status else None, ActorKind(actor), Action(action))
    return TRANSITIONS.get(key)


def is_allowed(status: str | None, actor: str, action: str) -> bool:
    return transition(status, actor, action) is not None


def allowed_actions(status: str | None, actor: str) -> list[Action]:
    """The actions this actor may take on an application in this status (the page's buttons)."""
    return [action for action in Action if is_allowed(status, actor, action)]


def refusal_code(status: str | None, actor: str, action: str) -> str | None:
    """Why the table refuses the action (a ValidationError code), or None when it allows it."""
    if is_allowed(status, actor, action):
        return None
    if status == Status.CANCELLED:
        return "cancelled"
    if action == Action.APPLY and status:
        return "already_applied"
    if (
        action == Action.ENROL
        and status == Status.NEW
        and is_allowed(Status.APPROVED, actor, action)
    ):
        return "not_approved"
    return "not_allowed"
