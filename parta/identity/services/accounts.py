"""Passwords, first-login changes, blocking and API tokens."""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Account, ApiToken, Membership
from parta.identity.policies import Action, can_edit_staff_member


def _check_new_password(account: Account, password: str, field: str = "password") -> None:
    try:
        validate_password(password, account)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


@transaction.atomic
def set_password(
    *, actor: Membership, membership: Membership, password: str, must_change_password: bool
) -> Account:
    """«Сменить пароль» on a staff card: a new password the administrator hands over."""
    if not can_edit_staff_member(actor, membership, Action.SET_PASSWORD):
        raise PermissionDenied
    account = Account.objects.select_for_update().get(person_id=membership.person_id)
    _check_new_password(account, password)
    account.set_password(password)
    before = {"must_change_password": account.must_change_password}
    account.must_change_password = must_change_password
    account.password_changed_at = timezone.now()
    account.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit.record(
        actor=actor,
        action="identity.password_set",
        target=account,
        before=before,
        after={"must_change_password": must_change_password},
        organization_id=membership.organization_id,
        authority_id=membership.authority_id,
    )
    return account


@transaction.atomic
def change_own_password(
    *, actor: Membership, account: Account, old_password: str, new_password: str
) -> Account:
    """A user changes their own password (the first-login change included)."""
    if not account.check_password(old_password):
        raise ValidationError({"old_password": _("The current password is wrong.")})
    if old_password == new_password:
        raise ValidationError({"new_password": _("The new password must differ from the old one.")})
    _check_new_password(account, new_password, field="new_password")
    account.set_password(new_password)
    account.must_change_password = False
    account.password_changed_at = timezone.now()
    account.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit.record(actor=actor, action="identity.own_password_changed", target=account)
    return account


@transaction.atomic
def issue_api_token(*, actor: Membership, name: str) -> str:
    """A new API token for the actor's current cabinet and role; the key is shown once."""
    if not name.strip():
        raise ValidationError({"name": _("Name the token, for example after the integration.")})
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        membership=actor, role=actor.active_role, name=name.strip(), key_hash=ApiToken.hash_key(key)
    )
    audit.record(actor=actor, action="identity.api_token_issued", target=token)
    return key
