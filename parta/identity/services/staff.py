"""Adding, editing, importing, archiving and deleting staff members of an organisation or an
authority. One person, one account, any number of memberships (seed 000, приложение 3)."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import (
    Account,
    AuthorityRole,
    Membership,
    MembershipRole,
    OrgRole,
    Person,
    normalize_login,
)
from parta.identity.policies import Action, Unit, can, can_edit_staff_member
from parta.identity.selectors import staff as staff_selectors
from parta.identity.validators import normalize_snils
from parta.orgs.models import Authority, Organization, Subject

PERSON_FIELDS = (
    "last_name",
    "first_name",
    "middle_name",
    "has_no_middle_name",
    "birth_date",
    "sex",
    "citizenship",
    "snils",
    "passport_series",
    "passport_number",
    "passport_issued_on",
    "passport_issued_by",
    "email",
    "phone",
)
MEMBERSHIP_FIELDS = ("position", "starts_on", "ends_on")
LOGIN_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,149}")


@dataclass(frozen=True)
class PossibleDuplicate:
    """What «Добавить» found instead of creating a second card for one person."""

    person: Person
    by_snils: bool


def _unit_scope(unit: Unit) -> dict[str, int]:
    if isinstance(unit, Organization):
        return {"organization_id": unit.pk}
    return {"authority_id": unit.pk}


def _valid_roles(unit: Unit, roles: list[str]) -> list[str]:
    allowed = AuthorityRole.values if isinstance(unit, Authority) else OrgRole.values
    unknown = [role for role in roles if role not in allowed]
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %(role)s.") % {"role": unknown[0]}})
    return [role for role in allowed if role in roles]


def _clean_person(person: Person, *, exclude_unique: bool = False) -> None:
    person.snils = normalize_snils(person.snils)
    person.last_name = person.last_name.strip()
    person.first_name = person.first_name.strip()
    person.middle_name = person.middle_name.strip()
    person.full_clean(validate_unique=False, validate_constraints=False)
    if person.snils and not exclude_unique:
        taken = Person.objects.filter(snils=person.snils).exclude(pk=person.pk).first()
        if taken is not None:
            raise ValidationError(
                {
                    "snils": ValidationError(
                        _(
                            "A person with this SNILS is already in the system: %(name)s. "
                            "Use «Import from another organisation» instead of a second card."
                        ),
                        code="snils_taken",
                        params={"name": taken.full_name, "person_id": taken.pk},
                    )
                }
            )


def _clean_login(login: str, *, account_id: int | None = None) -> str:
    login = normalize_login(login)
    if not LOGIN_PATTERN.fullmatch(login):
        raise ValidationError(
            {
                "login": _(
                    "A login is 2 to 150 Latin letters, digits, dots, dashes or underscores, "
                    "starting with a letter or a digit."
                )
            }
        )
    if Account.objects.filter(login=login).exclude(pk=account_id).exists():
        raise ValidationError({"login": _("This login is taken: choose another one.")})
    return login


def _validate_password(password: str, account: Account) -> None:
    from django.contrib.auth.password_validation import validate_password

    try:
        validate_password(password, account)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error


def _set_roles(membership: Membership, roles: list[str]) -> None:
    membership.role_rows.exclude(role__in=roles).delete()
    existing = set(membership.role_rows.values_list("role", flat=True))
    MembershipRole.objects.bulk_create(
        [MembershipRole(membership=membership, role=role) for role in roles if role not in existing]
    )


def membership_snapshot(membership: Membership) -> dict[str, Any]:
    values = audit.snapshot(membership, MEMBERSHIP_FIELDS)
    values["roles"] = sorted(membership.role_rows.values_list("role", flat=True))
    values["subjects"] = sorted(membership.subjects.values_list("name", flat=True))
    return values


def person_snapshot(person: Person) -> dict[str, Any]:
    return audit.snapshot(person, PERSON_FIELDS)


def check_duplicates(person: Person) -> PossibleDuplicate | None:
    """The existing person this new card would duplicate: same СНИЛС, or same ФИО and birth date."""
    snils = normalize_snils(person.snils)
    if snils:
        taken = Person.objects.filter(snils=snils).first()
        if taken is not None:
            return PossibleDuplicate(person=taken, by_snils=True)
    namesake = staff_selectors.namesakes(
        last_name=person.last_name,
        first_name=person.first_name,
        middle_name=person.middle_name,
        birth_date=person.birth_date,
    ).first()
    if namesake is not None:
        return PossibleDuplicate(person=namesake, by_snils=False)
    return None


@transaction.atomic
def add_staff_member(
    *,
    actor: Membership | audit.SystemActor,
    unit: Unit,
    person_fields: dict[str, Any],
    login: str,
    password: str,
    must_change_password: bool,
    roles: list[str],
    subjects: list[Subject] | None = None,
    position: str = "",
    starts_on: date | None = None,
    confirm_namesake: bool = False,
) -> Membership:
    """«Добавить»: a new person with an account and a membership in this unit.

    Refuses when the СНИЛС is already known and, unless confirmed, when a person with the same
    ФИО and date of birth exists: both mean «Импорт из другой ОО», not a second card.
    A `SystemActor` (the first administrator, the seed) acts without a policy check.
    """
    if not isinstance(actor, audit.SystemActor) and (
        not can(actor, Action.ADD_STAFF, unit)
        or (roles and not can(actor, Action.EDIT_ROLES, unit))
    ):
        raise PermissionDenied
    person = Person(**{name: person_fields.get(name, "") for name in PERSON_FIELDS})
    person.birth_date = person_fields.get("birth_date")
    person.passport_issued_on = person_fields.get("passport_issued_on")
    person.has_no_middle_name = bool(person_fields.get("has_no_middle_name"))
    person.citizenship = person_fields.get("citizenship") or "RU"
    _clean_person(person)
    duplicate = check_duplicates(person)
    if duplicate is not None and not confirm_namesake:
        raise ValidationError(
            _(
                "%(name)s, born %(birth_date)s, is already in the system. If this is the same "
                "person, use «Import from another organisation»: the login and password are kept."
            )
            % {
                "name": duplicate.person.full_name,
                "birth_date": duplicate.person.birth_date.strftime("%d.%m.%Y")
                if duplicate.person.birth_date
                else "—",
            },
            code="possible_duplicate",
            params={"person_id": duplicate.person.pk},
        )
    roles = _valid_roles(unit, roles)
    account = Account(login=_clean_login(login), must_change_password=must_change_password)
    _validate_password(password, account)
    person.save()
    account.person = person
    account.set_password(password)
    account.save()
    membership = Membership.objects.create(
        person=person, position=position.strip(), starts_on=starts_on, **_unit_scope(unit)
    )
    _set_roles(membership, roles)
    if subjects:
        membership.subjects.set(subjects)
    audit.record(
        actor=actor,
        action="identity.staff_added",
        target=membership,
        after={
            **person_snapshot(person),
            **membership_snapshot(membership),
            "login": account.login,
        },
        **_unit_scope(unit),
    )
    return membership


@transaction.atomic
def import_staff_member(
    *, actor: Membership, unit: Unit, person: Person, source: Membership | None = None
) -> Membership:
    """«Импорт из другой ОО»: attach an existing person (login and password kept) to this unit.

    The card arrives "with all its data" (seed 000): the position and subjects taught of the
    source cabinet, and its roles except administrator, which this unit grants on its own.
    Roles are copied only by someone who may tick roles here.
    """
    if not can(actor, Action.IMPORT_STAFF, unit):
        raise PermissionDenied
    existing = Membership.objects.filter(
        person=person, kind=Membership.Kind.STAFF, **_unit_scope(unit)
    ).first()
    if existing is not None and not existing.is_archived:
        raise ValidationError(
            _("%(name)s already works here.") % {"name": person.full_name}, code="already_member"
        )
    if existing is not None:
        existing.is_archived = False
        existing.save(update_fields=["is_archived"])
        membership = existing
    else:
        membership = Membership.objects.create(person=person, **_unit_scope(unit))
    if source is not None and source.person_id == person.pk:
        membership.position = membership.position or source.position
        membership.save(update_fields=["position"])
        if isinstance(unit, Organization):
            membership.subjects.add(*source.subjects.all())
        if can(actor, Action.EDIT_ROLES, unit) and type(source.unit) is type(unit):
            copied = [role for role in source.role_codes if role != OrgRole.ADMIN]
            _set_roles(membership, sorted(set(copied) | set(membership.role_codes)))
    audit.record(
        actor=actor,
        action="identity.staff_imported",
        target=membership,
        after={
            "person_id": person.pk,
            "person": person.full_name,
            **membership_snapshot(membership),
        },
        **_unit_scope(unit),
    )
    return membership


@transaction.atomic
def update_staff_member(
    *,
    actor: Membership,
    membership: Membership,
    person_fields: dict[str, Any],
    membership_fields: dict[str, Any],
    roles: list[str] | None = None,
    subjects: list[Subject] | None = None,
) -> Membership:
    """Save the staff card: the person's data, the position, dates, roles and subjects taught."""
    if not can_edit_staff_member(actor, membership, Action.EDIT_STAFF):
        raise PermissionDenied
    if roles is not None and not can_edit_staff_member(actor, membership, Action.EDIT_ROLES):
        raise PermissionDenied
    person = Person.objects.select_for_update().get(pk=membership.person_id)
    before = {**person_snapshot(person), **membership_snapshot(membership)}
    for name in PERSON_FIELDS:
        if name in person_fields:
            setattr(person, name, person_fields[name])
    _clean_person(person)
    for name in MEMBERSHIP_FIELDS:
        if name in membership_fields:
            setattr(membership, name, membership_fields[name])
    membership.full_clean(validate_unique=False)
    if roles is not None:
        roles = _valid_roles(membership.unit, roles)
        if membership.is_director and not roles:
            raise ValidationError(
                {"roles": _("The head of the organisation keeps at least one role.")}
            )
    person.save()
    membership.save()
    if roles is not None:
        _set_roles(membership, roles)
    if subjects is not None:
        membership.subjects.set(subjects)
    before, after = audit.changed(
        before, {**person_snapshot(person), **membership_snapshot(membership)}
    )
    if after:
        audit.record(
            actor=actor,
            action="identity.staff_updated",
            target=membership,
            before=before,
            after=after,
            **_unit_scope(membership.unit),
        )
    return membership


@transaction.atomic
def set_login(*, actor: Membership, membership: Membership, login: str) -> Account:
    """Correct the login on a staff card («проверить написание логина»)."""
    if not can_edit_staff_member(actor, membership, Action.SET_PASSWORD):
        raise PermissionDenied
    account = Account.objects.select_for_update().get(person_id=membership.person_id)
    new_login = _clean_login(login, account_id=account.pk)
    if new_login != account.login:
        before = account.login
        account.login = new_login
        account.save(update_fields=["login"])
        audit.record(
            actor=actor,
            action="identity.login_changed",
            target=account,
            before={"login": before},
            after={"login": new_login},
            **_unit_scope(membership.unit),
        )
    return account


@transaction.atomic
def set_archived(*, actor: Membership, membership: Membership, archived: bool) -> Membership:
    """Archive a staff member (they lose this cabinet, nothing is deleted) or restore them."""
    if not can_edit_staff_member(actor, membership, Action.ARCHIVE_STAFF):
        raise PermissionDenied
    if archived and membership.is_director:
        raise ValidationError(
            _("This is the head of the organisation: choose another head on the card first."),
            code="is_director",
        )
    if archived and membership.person_id == actor.person_id:
        raise ValidationError(_("You cannot archive yourself."), code="self")
    if membership.is_archived == archived:
        return membership
    membership.is_archived = archived
    membership.save(update_fields=["is_archived"])
    audit.record(
        actor=actor,
        action="identity.staff_archived" if archived else "identity.staff_restored",
        target=membership,
        before={"is_archived": not archived},
        after={"is_archived": archived},
        **_unit_scope(membership.unit),
    )
    return membership


def deletion_blockers(membership: Membership) -> list[str]:
    """What keeps a staff member from being deleted, in words an administrator acts on."""
    blockers = []
    if membership.is_director:
        blockers.append(_("is the head of the organisation on its card"))
    subject_names = list(membership.subjects.values_list("name", flat=True))
    if subject_names:
        blockers.append(
            _("has subjects taught: %(subjects)s") % {"subjects": ", ".join(subject_names)}
        )
    return blockers


@transaction.atomic
def delete_staff_member(*, actor: Membership, membership: Membership) -> None:
    """Delete a membership created by mistake, and the person too if nothing else refers to them.

    Allowed only while nothing refers to it (seed 000: "нет связи данной записи с классами,
    журналами, предметами"); otherwise the message lists what blocks it and suggests archiving.
    """
    if not can_edit_staff_member(actor, membership, Action.DELETE_STAFF):
        raise PermissionDenied
    if membership.person_id == actor.person_id:
        raise ValidationError(_("You cannot delete yourself."), code="self")
    blockers = deletion_blockers(membership)
    if blockers:
        raise ValidationError(_blocked_message(blockers), code="referenced")
    person = membership.person
    audit.record(
        actor=actor,
        action="identity.staff_deleted",
        target=membership,
        before={**person_snapshot(person), **membership_snapshot(membership)},
        **_unit_scope(membership.unit),
    )
    try:
        with transaction.atomic():
            membership.delete()
            if not Membership.objects.filter(person_id=person.pk).exists():
                Account.objects.filter(person=person).delete()
                person.delete()
    except ProtectedError as error:
        names = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        raise ValidationError(
            _blocked_message([_("is referred to by: %(what)s") % {"what": ", ".join(names)}]),
            code="referenced",
        ) from error


def _blocked_message(blockers: list[str]) -> str:
    return _(
        "The card cannot be deleted: the employee %(blockers)s. Archive the employee instead: "
        "the data stays, the cabinet closes."
    ) % {"blockers": "; ".join(blockers)}
