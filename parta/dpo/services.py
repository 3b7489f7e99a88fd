"""Applications: apply, approve, enrol, cancel, comment, one at a time or in bulk.

Every status change goes through `dpo.states`; a service validates everything first and then
writes the new status, an `ApplicationEvent`, an audit entry and a notice to the person concerned
(in-app, and by e-mail after the commit when the person has an address). Bulk services are all or
nothing: they list every refusal and change nothing when there is one.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from parta.core import audit, calendar
from parta.dpo import policies
from parta.dpo.models import (
    Application,
    ApplicationEvent,
    Cohort,
    Comment,
    Notification,
    Reminder,
)
from parta.dpo.selectors import control
from parta.dpo.states import Action, ActorKind, Status, refusal_code, transition
from parta.identity.models import Membership, Person

COMMENT_MAX_LENGTH = 2000

#: What the transition table's refusal codes (`states.refusal_code`) say to the user.
REFUSALS = {
    "cancelled": gettext_lazy("The application is cancelled: nothing can be done with it."),
    "already_applied": gettext_lazy("You have already applied to this group."),
    "not_approved": gettext_lazy(
        "The head of the organisation has not approved the application yet."
    ),
    "not_allowed": gettext_lazy(
        "This action is not allowed for the application in its current status."
    ),
}


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _refusal(code: str) -> ValidationError:
    return ValidationError(REFUSALS[code], code=code)


def _locked(applications: Iterable[Application]) -> list[Application]:
    """The applications' current rows, locked until the commit, in the order given."""
    ids = list(dict.fromkeys(application.pk for application in applications))
    rows = (
        Application.objects.select_for_update()
        .select_related("cohort__programme", "organization", "applicant__person")
        .in_bulk(ids)
    )
    return [rows[pk] for pk in ids if pk in rows]


def _check(
    actor: Membership, application: Application, action: Action, *, taken: Counter
) -> ValidationError | None:
    """Why the actor may not take the action on the application, or None.

    `taken` counts the places of each group, those enrolled by this call included.
    """
    kind = policies.actor_kind(actor, application)
    if kind == ActorKind.NOBODY:
        if policies.is_acting_director(actor):
            return ValidationError(
                _("The application is from another organisation: only its own head acts on it."),
                code="not_your_school",
            )
        raise PermissionDenied
    code = refusal_code(application.status, kind, action)
    if code:
        return _refusal(code)
    cohort = application.cohort
    if action == Action.APPROVE and calendar.today() > cohort.approvals_close_on:
        return ValidationError(
            _("Applications to this group could be approved until %(date)s.")
            % {"date": _day(cohort.approvals_close_on)},
            code="approvals_closed",
        )
    if action == Action.ENROL:
        taken[cohort.pk] += 1
        if taken[cohort.pk] > cohort.capacity:
            return ValidationError(
                _("The group is full: %(capacity)s places are taken.")
                % {"capacity": cohort.capacity},
                code="group_full",
            )
    return None


def _notify_all(notices: list[tuple[Person, str, str]]) -> None:
    """In-app notices (person, text, link), and their e-mails once the change is committed."""
    Notification.objects.bulk_create(
        [Notification(person=person, text=text, url=url) for person, text, url in notices]
    )
    subject = _("Professional development")
    mails = [
        (subject, text, None, [person.email]) for person, text, _url in notices if person.email
    ]
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))


def _notify(person: Person, text: str, application: Application) -> None:
    """A notice linking to the application."""
    _notify_all([(person, text, reverse("dpo:application", args=[application.pk]))])


def _status_text(application: Application) -> str:
    return _("Application № %(number)s to «%(programme)s»: %(status)s.") % {
        "number": application.pk,
        "programme": application.cohort.programme.title,
        "status": application.get_status_display(),
    }


def _change(
    actor: Membership, application: Application, action: Action, *, audit_action: str
) -> Application:
    """Write one allowed transition: the status, its event, the audit entry and the notice."""
    kind = policies.actor_kind(actor, application)
    before = audit.snapshot(application, ["status", "cancelled_by", "cancelled_at"])
    old_status = application.status
    application.status = transition(old_status, kind, action)
    if action == Action.CANCEL:
        application.cancelled_by = actor
        application.cancelled_at = timezone.now()
    application.save(update_fields=["status", "cancelled_by", "cancelled_at", "updated_at"])
    ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        actor_role=kind,
        from_status=old_status,
        to_status=application.status,
    )
    after = audit.snapshot(application, ["status", "cancelled_by", "cancelled_at"])
    audit.record(
        actor=actor,
        action=audit_action,
        target=application,
        before=before,
        after=after,
        organization_id=application.organization_id,
    )
    if kind != ActorKind.APPLICANT:
        _notify(application.applicant.person, _status_text(application), application)
    return application


def _change_many(
    actor: Membership,
    applications: Iterable[Application],
    action: Action,
    *,
    audit_action: str,
    comment: str = "",
    numbered: bool = True,
) -> list[Application]:
    """Check every application, then change them all; `numbered` names each in the refusals."""
    rows = _locked(applications)
    taken: Counter = Counter()
    if action == Action.ENROL:
        # Places are counted under the groups' locks, so two enrolments cannot overfill one.
        cohort_ids = {row.cohort_id for row in rows}
        list(Cohort.objects.select_for_update().filter(pk__in=cohort_ids))
        taken.update(
            dict(
                Application.objects.filter(cohort_id__in=cohort_ids, status=Status.ENROLLED)
                .values_list("cohort_id")
                .annotate(Count("pk"))
            )
        )
    comment_text = _clean_comment(comment, required=False)
    errors = []
    for row in rows:
        error = _check(actor, row, action, taken=taken)
        if error is not None and numbered:
            error = ValidationError(
                _("Application № %(number)s: %(reason)s")
                % {"number": row.pk, "reason": error.message},
                code=error.code,
            )
        if error is not None:
            errors.append(error)
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationError(errors)
    for row in rows:
        _change(actor, row, action, audit_action=audit_action)
        if comment_text:
            _write_comment(actor, row, comment_text)
    return rows


def _clean_comment(text: str, *, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise ValidationError(_("Write the comment."), code="comment_empty")
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("The comment is too long: at most %(limit)s characters.")
            % {"limit": COMMENT_MAX_LENGTH},
            code="comment_too_long",
        )
    return text


def _write_comment(actor: Membership, application: Application, text: str) -> Comment:
    comment = Comment.objects.create(application=application, author=actor, text=text)
    audit.record(
        actor=actor,
        action="dpo.comment_added",
        target=application,
        after={"comment": text},
        organization_id=application.organization_id,
    )
    return comment


@transaction.atomic
def apply(*, actor: Membership, cohort: Cohort) -> Application:
    """«Записаться»: the listener's application to a group, within the group's window."""
    if not policies.can_apply(actor):
        raise PermissionDenied
    cohort = Cohort.objects.select_related("programme").get(pk=cohort.pk)
    live = (
        Application.objects.filter(cohort=cohort, applicant=actor)
        .exclude(status=Status.CANCELLED)
        .first()
    )
    code = refusal_code(live.status if live else None, ActorKind.APPLICANT, Action.APPLY)
    if code:
        raise _refusal(code)
    today = calendar.today()
    if not cohort.programme.is_published:
        raise ValidationError(
            _("The programme is not published: applications are not accepted."),
            code="not_published",
        )
    if today < cohort.applications_open_on:
        raise ValidationError(
            _("Applications to this group open on %(date)s.")
            % {"date": _day(cohort.applications_open_on)},
            code="applications_not_open",
        )
    if today > cohort.applications_close_on:
        raise ValidationError(
            _("Applications to this group closed on %(date)s.")
            % {"date": _day(cohort.applications_close_on)},
            code="applications_closed",
        )
    application = Application.objects.create(
        cohort=cohort, applicant=actor, organization_id=actor.organization_id
    )
    ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        actor_role=ActorKind.APPLICANT,
        to_status=application.status,
    )
    audit.record(
        actor=actor,
        action="dpo.application_created",
        target=application,
        after=audit.snapshot(application, ["cohort", "applicant", "status"]),
        organization_id=application.organization_id,
    )
    director = (
        Membership.objects.filter(organization_id=actor.organization_id, is_director=True)
        .exclude(person_id=actor.person_id)
        .select_related("person")
        .first()
    )
    if director is not None:
        _notify(
            director.person,
            _("New application № %(number)s of %(name)s to «%(programme)s».")
            % {
                "number": application.pk,
                "name": actor.person.full_name,
                "programme": cohort.programme.title,
            },
            application,
        )
    return application


@transaction.atomic
def approve(*, actor: Membership, application: Application) -> Application:
    """The director of the applicant's school confirms the application («Одобрить»)."""
    return _change_many(
        actor,
        [application],
        Action.APPROVE,
        audit_action="dpo.application_approved",
        numbered=False,
    )[0]


@transaction.atomic
def enrol(*, actor: Membership, application: Application) -> Application:
    """ДПО staff include an approved applicant in the group, within its capacity."""
    return _change_many(
        actor,
        [application],
        Action.ENROL,
        audit_action="dpo.application_enrolled",
        numbered=False,
    )[0]


@transaction.atomic
def cancel(*, actor: Membership, application: Application, comment: str = "") -> Application:
    """«Отменить»: by the applicant, their director or ДПО staff; keeps who cancelled and when."""
    return _change_many(
        actor,
        [application],
        Action.CANCEL,
        audit_action="dpo.application_cancelled",
        comment=comment,
        numbered=False,
    )[0]


@transaction.atomic
def approve_many(*, actor: Membership, applications: Iterable[Application]) -> list[Application]:
    """The director's bulk approval: all of them, or none with every refusal listed."""
    return _change_many(
        actor, applications, Action.APPROVE, audit_action="dpo.application_approved"
    )


@transaction.atomic
def enrol_many(*, actor: Membership, applications: Iterable[Application]) -> list[Application]:
    """ДПО staff's bulk enrolment: all of them within the groups' capacity, or none."""
    return _change_many(actor, applications, Action.ENROL, audit_action="dpo.application_enrolled")


@transaction.atomic
def cancel_many(
    *, actor: Membership, applications: Iterable[Application], comment: str = ""
) -> list[Application]:
    """Bulk cancellation with one comment on each application: all of them, or none."""
    return _change_many(
        actor,
        applications,
        Action.CANCEL,
        audit_action="dpo.application_cancelled",
        comment=comment,
    )


@transaction.atomic
def add_comment(*, actor: Membership, application: Application, text: str) -> Comment:
    """«Комментарии»: a note seen by the applicant, their director and ДПО staff."""
    application = _locked([application])[0]
    if not policies.can_comment(actor, application):
        raise PermissionDenied
    comment = _write_comment(actor, application, _clean_comment(text, required=True))
    if actor.pk != application.applicant_id:
        _notify(
            application.applicant.person,
            _("New comment on application № %(number)s: %(text)s")
            % {"number": application.pk, "text": comment.text[:300]},
            application,
        )
    return comment


@transaction.atomic
def send_reminders(*, actor: Membership, campaign: control.Campaign) -> Reminder:
    """«Напомнить»: a notice to every director with unconfirmed applications while directors may
    still confirm, and to every assessed teacher with deficits who has not applied while teachers
    may still apply."""
    if not policies.is_dpo_staff(actor):
        raise PermissionDenied
    if not campaign.approvals_open:
        raise ValidationError(
            _("The campaign is over: applications could be confirmed until %(date)s.")
            % {"date": _day(campaign.approvals_close_on)},
            code="campaign_over",
        )
    notices: list[tuple[Person, str, str]] = []
    schools = [
        school
        for school in control.all_pending_schools(actor, campaign)
        if school.director is not None
    ]
    pending_url = reverse("dpo:applications") + f"?status={Status.NEW}"
    for school in schools:
        text = ngettext(
            "Reminder: %(count)s application for professional development awaits your "
            "confirmation until %(date)s.",
            "Reminder: %(count)s applications for professional development await your "
            "confirmation until %(date)s.",
            school.pending,
        ) % {"count": school.pending, "date": _day(campaign.approvals_close_on)}
        notices.append((school.director.person, text, pending_url))
    teachers: dict[int, Person] = {}
    if campaign.applications_open:
        for membership in control.all_pending_teachers(actor, campaign):
            teachers.setdefault(membership.person_id, membership.person)
    apply_text = _(
        "Reminder: choose a professional development programme recommended to you and apply "
        "until %(date)s."
    ) % {"date": _day(campaign.applications_close_on)}
    recommendations_url = reverse("dpo:recommendations")
    notices += [(person, apply_text, recommendations_url) for person in teachers.values()]
    if not notices:
        raise ValidationError(
            _("Nobody to remind: every director and teacher of the campaign has acted."),
            code="nobody_to_remind",
        )
    _notify_all(notices)
    reminder = Reminder.objects.create(
        region_id=actor.organization.region_id,
        applications_close_on=campaign.applications_close_on,
        approvals_close_on=campaign.approvals_close_on,
        sent_by=actor,
        directors=len(schools),
        teachers=len(teachers),
    )
    audit.record(
        actor=actor,
        action="dpo.reminders_sent",
        target=reminder,
        after={"directors": reminder.directors, "teachers": reminder.teachers},
    )
    return reminder
