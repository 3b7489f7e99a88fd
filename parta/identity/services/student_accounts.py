"""People and logins of students and parents: duplicate checks, corrections of a card's personal
data, accounts created in bulk with generated logins and passwords.

Called by the students app, which checks its own policy and writes its own audit entries.
"""

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from parta.core import audit
from parta.identity.hashers import hash_generated_password
from parta.identity.models import Account, Person
from parta.identity.services.staff import (
    PERSON_FIELDS,
    PossibleDuplicate,
    _clean_login,
    _clean_person,
    check_duplicates,
    person_snapshot,
)

CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
#: Letters and digits that cannot be misread on a printed sheet (no 0/O/o, 1/l/I/i).
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class Credentials:
    """A login and its new password, held in memory only to print them once."""

    person: Person
    account: Account
    password: str


def find_duplicate(person_fields: dict[str, Any]) -> PossibleDuplicate | None:
    """The known person a new card with these fields would duplicate (same СНИЛС, or same ФИО
    and date of birth)."""
    return check_duplicates(
        Person(
            last_name=person_fields.get("last_name", ""),
            first_name=person_fields.get("first_name", ""),
            middle_name=person_fields.get("middle_name", ""),
            birth_date=person_fields.get("birth_date"),
            snils=person_fields.get("snils", ""),
        )
    )


@transaction.atomic
def update_person(*, person: Person, fields: dict[str, Any]) -> tuple[dict, dict]:
    """Correct a student's or parent's personal data; returns the changed values (before, after)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = person_snapshot(person)
    for name in PERSON_FIELDS:
        if name in fields:
            setattr(person, name, fields[name])
    _clean_person(person)
    person.save()
    return audit.changed(before, person_snapshot(person))


def transliterated(text: str) -> str:
    """Russian letters in Latin (as on a passport), other characters dropped."""
    latin = "".join(CYRILLIC_TO_LATIN.get(char, char) for char in text.lower())
    return re.sub(r"[^a-z0-9]", "", latin)


def login_base(person: Person) -> str:
    """Surname and initials: Алексеева Анна Сергеевна → alekseeva.as."""
    surname = transliterated(person.last_name) or "user"
    initials = "".join(transliterated(name)[:1] for name in (person.first_name, person.middle_name))
    return f"{surname}.{initials}" if initials else surname


def generated_logins(people: list[Person]) -> dict[int, str]:
    """A free login for each person: the base, else the base with 2, 3… (one query)."""
    bases = {person.pk: login_base(person) for person in people}
    if not bases:
        return {}
    starts = Q()
    for base in set(bases.values()):
        starts |= Q(login__startswith=base)
    taken = set(Account.objects.filter(starts).values_list("login", flat=True))
    logins = {}
    for person in people:
        base, number = bases[person.pk], 1
        login = base
        while login in taken:
            number += 1
            login = f"{base}{number}"
        taken.add(login)
        logins[person.pk] = login
    return logins


def readable_password() -> str:
    """A random password of unambiguous letters and digits, with at least one of each kind."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if (
            any(char.islower() for char in password)
            and any(char.isupper() for char in password)
            and any(char.isdigit() for char in password)
        ):
            return password


@transaction.atomic
def open_account(*, person: Person, login: str, password: str) -> Account:
    """An account with a login and password typed on the card; changed at the first login."""
    account = Account(person=person, login=_clean_login(login), must_change_password=True)
    try:
        validate_password(password, account)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    account.set_password(password)
    account.password_changed_at = timezone.now()
    account.save()
    return account


@transaction.atomic
def open_accounts(people: list[Person]) -> list[Credentials]:
    """Accounts with generated logins and passwords for people who have none."""
    logins = generated_logins(people)
    credentials = []
    for person in people:
        password = readable_password()
        account = Account(
            person=person,
            login=logins[person.pk],
            must_change_password=True,
            password=hash_generated_password(password),
        )
        account.password_changed_at = timezone.now()
        credentials.append(Credentials(person=person, account=account, password=password))
    Account.objects.bulk_create([item.account for item in credentials])
    return credentials


@transaction.atomic
def new_passwords(accounts: list[Account]) -> list[Credentials]:
    """New generated passwords for these accounts, to be changed at the first login."""
    credentials = []
    for account in accounts:
        password = readable_password()
        account.password = hash_generated_password(password)
        account.must_change_password = True
        account.password_changed_at = timezone.now()
        credentials.append(Credentials(person=account.person, account=account, password=password))
    Account.objects.bulk_update(
        accounts, ["password", "must_change_password", "password_changed_at"]
    )
    return credentials
