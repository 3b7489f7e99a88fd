"""Logins of a class's students and parents: «Создать учётные записи» and «Сформировать новые
пароли» (seed 004, 3.3.2.4). The passwords live only in the returned list, printed once."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership
from parta.identity.services import student_accounts
from parta.school.models import SchoolClass
from parta.school.selectors.classes import roster_day
from parta.students import policies
from parta.students.selectors.cards import AccountRow, class_accounts


@dataclass(frozen=True)
class SheetEntry:
    """One block of the printed sheet: who, in which class, as whom, with what login."""

    row: AccountRow
    login: str
    password: str


def _rows(actor: Membership, school_class: SchoolClass) -> list[AccountRow]:
    if not policies.can_manage_class_accounts(actor, school_class):
        raise PermissionDenied
    return class_accounts(school_class=school_class, on=roster_day(school_class.year))


def _sheet(
    rows: list[AccountRow], credentials: list[student_accounts.Credentials]
) -> list[SheetEntry]:
    by_person = {item.person.pk: item for item in credentials}
    return [
        SheetEntry(
            row=row,
            login=by_person[row.person.pk].account.login,
            password=by_person[row.person.pk].password,
        )
        for row in rows
        if row.person.pk in by_person
    ]


@transaction.atomic
def create_class_accounts(*, actor: Membership, school_class: SchoolClass) -> list[SheetEntry]:
    """Accounts with generated logins and passwords for the class's students and parents who
    have none; each is changed at the first login."""
    rows = [row for row in _rows(actor, school_class) if row.account is None]
    credentials = student_accounts.open_accounts([row.person for row in rows])
    for item in credentials:
        audit.record(
            actor=actor,
            action="students.account_created",
            target=item.account,
            after={"login": item.account.login},
            organization_id=school_class.organization_id,
        )
    return _sheet(rows, credentials)


@transaction.atomic
def reset_class_passwords(
    *, actor: Membership, school_class: SchoolClass, person_ids: list[int] | None = None
) -> list[SheetEntry]:
    """New passwords for the chosen students and parents of the class (all by default); staff
    members among the parents keep theirs."""
    rows = [row for row in _rows(actor, school_class) if row.may_reset]
    if person_ids is not None:
        chosen = set(person_ids)
        strangers = chosen - {row.person.pk for row in rows}
        if strangers:
            raise ValidationError(
                _("Choose only students and parents of the class who have a login."),
                code="not_in_class",
            )
        rows = [row for row in rows if row.person.pk in chosen]
    credentials = student_accounts.new_passwords([row.account for row in rows])
    for item in credentials:
        audit.record(
            actor=actor,
            action="students.password_reset",
            target=item.account,
            after={"must_change_password": True},
            organization_id=school_class.organization_id,
        )
    return _sheet(rows, credentials)
