"""«Пригласить сотрудника» (seed 003): a link by e-mail, valid for 60 days, usable once.

Only the hash of the link's token is stored, so a database copy opens nothing. With a СНИЛС on
the invitation only the person with that СНИЛС can accept it: a namesake cannot join. The role
is edited on the staff card after acceptance, as for anyone else.
"""

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.gosuslugi import PersonData
from parta.identity.models import Account, Invitation, Membership, MembershipRole, Person
from parta.identity.policies import Action, can
from parta.identity.selectors import staff as staff_selectors
from parta.identity.services import gosuslugi
from parta.identity.services.staff import (
    _clean_login,
    _valid_roles,
    _validate_password,
)
from parta.identity.validators import format_snils, normalize_snils, validate_snils
from parta.orgs.models import Organization

TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    invitation.token_hash = token_hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_DAYS)
    invitation.revoked_at = None
    return token


def _mail(invitation: Invitation, link: str) -> None:
    subject = _("Invitation to «%(organization)s» in parta") % {
        "organization": invitation.organization.short_name
    }
    body = _(
        "Hello, %(name)s!\n\n«%(organization)s» invites you to work in parta, the region's "
        "school information system. Follow the link to join the organisation:\n\n%(link)s\n\n"
        "The link works once and is valid until %(date)s. If it has expired, ask the one who "
        "invited you to send it again. If you did not expect this letter, ignore it."
    ) % {
        "name": invitation.full_name,
        "organization": invitation.organization.short_name,
        "link": link,
        "date": timezone.localtime(invitation.expires_at).strftime("%d.%m.%Y"),
    }
    recipients = [invitation.email]
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))


def _snils_format(snils: str, errors: dict[str, Any]) -> None:
    """A typed СНИЛС (if any) is a valid number; else its problem goes into `errors`."""
    if snils:
        try:
            validate_snils(snils)
        except ValidationError as error:
            errors["snils"] = error.messages[0]


def _snapshot(invitation: Invitation) -> dict[str, Any]:
    return {
        "last_name": invitation.last_name,
        "first_name": invitation.first_name,
        "middle_name": invitation.middle_name,
        "email": invitation.email,
        "snils": invitation.snils,
        "position": invitation.position,
        "roles": invitation.roles,
        "expires_at": invitation.expires_at.isoformat(),
    }


@transaction.atomic
def invite(
    *, actor: Membership, organization: Organization, fields: dict[str, Any], link_for
) -> Invitation:
    """Create an invitation and e-mail its link; `link_for(token)` makes the absolute URL."""
    if not can(actor, Action.INVITE_STAFF, organization):
        raise PermissionDenied
    errors: dict[str, str] = {}
    last_name = (fields.get("last_name") or "").strip()
    first_name = (fields.get("first_name") or "").strip()
    email = (fields.get("email") or "").strip().lower()
    snils = normalize_snils(fields.get("snils") or "")
    if not last_name:
        errors["last_name"] = _("Enter the surname.")
    if not first_name:
        errors["first_name"] = _("Enter the first name.")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter the e-mail the invitation goes to, for example name@mail.ru.")
    _snils_format(snils, errors)
    if errors:
        raise ValidationError(errors)
    if (
        snils
        and Membership.objects.filter(
            person__snils=snils, organization=organization, kind=Membership.Kind.STAFF
        ).exists()
    ):
        raise ValidationError(
            {"snils": _("The person with this SNILS already works in the organisation.")}
        )
    pending = Invitation.objects.filter(
        organization=organization,
        email=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if pending.exists():
        raise ValidationError(
            {"email": _("An invitation to this e-mail is already waiting: send it again instead.")}
        )
    invitation = Invitation(
        organization=organization,
        last_name=last_name,
        first_name=first_name,
        middle_name=(fields.get("middle_name") or "").strip(),
        email=email,
        snils=snils,
        position=(fields.get("position") or "").strip(),
        roles=_valid_roles(organization, list(fields.get("roles") or [])),
        invited_by=actor,
    )
    token = _new_token(invitation)
    invitation.save()
    _mail(invitation, link_for(token))
    audit.record(
        actor=actor,
        action="identity.invitation_sent",
        target=invitation,
        after=_snapshot(invitation),
        organization_id=organization.pk,
    )
    return invitation


def _own(actor: Membership, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organization")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not can(actor, Action.INVITE_STAFF, invitation.organization):
        raise PermissionDenied
    return invitation


@transaction.atomic
def resend(*, actor: Membership, invitation_id: int, link_for) -> Invitation:
    """A new link for 60 days more; the old one stops working at once."""
    invitation = _own(actor, invitation_id)
    if invitation.accepted_at:
        raise ValidationError(_("The invitation has been accepted already."))
    token = _new_token(invitation)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at", "revoked_at"])
    _mail(invitation, link_for(token))
    audit.record(
        actor=actor,
        action="identity.invitation_resent",
        target=invitation,
        after={"expires_at": invitation.expires_at.isoformat()},
        organization_id=invitation.organization_id,
    )
    return invitation


@transaction.atomic
def revoke(*, actor: Membership, invitation_id: int) -> Invitation:
    invitation = _own(actor, invitation_id)
    if invitation.accepted_at:
        raise ValidationError(_("The invitation has been accepted already."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="identity.invitation_revoked",
            target=invitation,
            organization_id=invitation.organization_id,
        )
    return invitation


def find(token: str) -> Invitation | None:
    """The invitation a link opens, whatever its state (the page says why it no longer works)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organization")
        .filter(token_hash=token_hash(token))
        .first()
    )


def refusal(invitation: Invitation | None) -> str:
    """Why the link does not work, or '' when it does."""
    if invitation is None:
        return _("The link is wrong: copy it from the letter whole, or ask for a new invitation.")
    status = invitation.status
    if status == "accepted":
        return _("The invitation has been used already: a link works only once. Log in to parta.")
    if status == "revoked":
        return _("The organisation has revoked this invitation.")
    if status == "expired":
        return _(
            "The link was valid for %(days)s days and has expired: ask the one who invited you "
            "to send the invitation again."
        ) % {"days": settings.INVITATION_DAYS}
    return ""


def _check_snils(invitation: Invitation, snils: str) -> None:
    if invitation.snils and normalize_snils(snils) != invitation.snils:
        raise ValidationError(
            _(
                "The invitation is for the person with the SNILS %(snils)s, and yours differs. "
                "Only the invited person can accept it."
            )
            % {"snils": format_snils(invitation.snils)[:3] + "-***-*** **"},
            code="snils_differs",
        )


def _join(invitation: Invitation, person: Person) -> Membership:
    membership, _created = Membership.objects.get_or_create(
        person=person,
        organization=invitation.organization,
        kind=Membership.Kind.STAFF,
        defaults={"position": invitation.position, "starts_on": timezone.localdate()},
    )
    if not _created and not membership.is_archived:
        raise ValidationError(
            _("You already work in «%(organization)s»: log in and choose it.")
            % {"organization": invitation.organization.short_name},
            code="already_member",
        )
    if membership.is_archived:
        membership.is_archived = False
        membership.save(update_fields=["is_archived"])
    MembershipRole.objects.bulk_create(
        [MembershipRole(membership=membership, role=role) for role in invitation.roles],
        ignore_conflicts=True,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = person
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    actor = membership.acting_as(invitation.roles[0] if invitation.roles else "")
    audit.record(
        actor=actor,
        action="identity.invitation_accepted",
        target=invitation,
        after={"person": person.pk, "roles": invitation.roles},
        organization_id=invitation.organization_id,
    )
    return membership


def _locked(token: str) -> Invitation:
    invitation = Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    problem = refusal(invitation)
    if problem:
        raise ValidationError(problem, code="link_unusable")
    return invitation


@transaction.atomic
def accept_as(*, token: str, person: Person, verified_snils: str | None = None) -> Membership:
    """Accept for a person already in parta (logged in); the СНИЛС is the card's or Gosuslugi's."""
    invitation = _locked(token)
    _check_snils(invitation, verified_snils if verified_snils is not None else person.snils)
    return _join(invitation, person)


@transaction.atomic
def accept_new(
    *, token: str, birth_date: date | None, snils: str, login: str, password: str
) -> Membership:
    """Accept as a new person: the card from the invitation, a login and password of one's own."""
    invitation = _locked(token)
    snils = normalize_snils(snils)
    errors: dict[str, Any] = {}
    if birth_date is None:
        errors["birth_date"] = _("Enter the date of birth as DD.MM.YYYY.")
    _snils_format(snils, errors)
    if not snils and invitation.snils:
        errors["snils"] = _("Enter your SNILS: the invitation is for a person with a SNILS.")
    if errors:
        raise ValidationError(errors)
    _check_snils(invitation, snils)
    known = Person.objects.filter(snils=snils).exists() if snils else False
    namesake = staff_selectors.namesakes(
        last_name=invitation.last_name,
        first_name=invitation.first_name,
        middle_name=invitation.middle_name,
        birth_date=birth_date,
    ).exists()
    if known or namesake:
        raise ValidationError(
            _(
                "You are already in parta (found by the SNILS or by the full name and date of "
                "birth): log in with your login and password, or through Gosuslugi, and open "
                "the link again to accept the invitation."
            ),
            code="already_known",
        )
    account = Account(login=_clean_login(login))
    _validate_password(password, account)
    person = Person.objects.create(
        last_name=invitation.last_name,
        first_name=invitation.first_name,
        middle_name=invitation.middle_name,
        has_no_middle_name=not invitation.middle_name,
        birth_date=birth_date,
        snils=snils,
        email=invitation.email,
    )
    account.person = person
    account.set_password(password)
    account.password_changed_at = timezone.now()
    account.save()
    return _join(invitation, person)


@transaction.atomic
def accept_verified(*, token: str, data: PersonData) -> Membership:
    """Accept as a person Gosuslugi has verified and parta does not know yet: the card is made of
    the provider's data, the account needs no password, the consent is given with the accept."""
    invitation = _locked(token)
    match = gosuslugi.find_person(data)
    if match.outcome != gosuslugi.Outcome.NOT_FOUND:
        raise ValidationError(
            _("You are already in parta: log in through Gosuslugi and open the link again."),
            code="already_known",
        )
    _check_snils(invitation, data.snils)
    person = Person(
        last_name=data.last_name,
        first_name=data.first_name,
        middle_name=data.middle_name,
        has_no_middle_name=not data.middle_name,
        birth_date=data.birth_date,
        snils=data.snils,
        passport_series=data.passport_series,
        passport_number=data.passport_number,
        email=data.email or invitation.email,
        phone=data.phone,
    )
    try:
        person.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(
            _(
                "Gosuslugi passed data parta cannot take (%(problems)s): accept the invitation "
                "with a login and password instead."
            )
            % {"problems": " ".join(error.messages)},
            code="bad_provider_data",
        ) from error
    person.save()
    gosuslugi.record_consent(person)
    account = gosuslugi.account_for(person)
    gosuslugi.link(account, data, matched_by="invitation")
    return _join(invitation, person)
