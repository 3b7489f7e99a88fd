"""Student and parent cabinets: a person (new or known) with one account and a membership.

Called by the students app, which checks its own policy and writes its own audit entry.
"""

from typing import Any

from django.db import transaction

from parta.identity.models import Account, Membership, Person
from parta.identity.services.staff import PERSON_FIELDS, _clean_login, _clean_person
from parta.orgs.models import Organization


@transaction.atomic
def open_membership(
    *,
    organization: Organization,
    kind: str,
    person: Person | None = None,
    person_fields: dict[str, Any] | None = None,
    login: str = "",
    password: str = "",
) -> Membership:
    """A student or guardian membership; a new person gets an account when a login is given."""
    if person is None:
        fields = person_fields or {}
        person = Person(**{name: fields.get(name, "") for name in PERSON_FIELDS})
        person.birth_date = fields.get("birth_date")
        person.passport_issued_on = fields.get("passport_issued_on")
        person.has_no_middle_name = bool(fields.get("has_no_middle_name"))
        person.citizenship = fields.get("citizenship") or "RU"
        _clean_person(person)
        person.save()
        if login:
            account = Account(person=person, login=_clean_login(login))
            account.set_password(password)
            account.save()
    membership, _created = Membership.objects.get_or_create(
        person=person, organization=organization, kind=kind
    )
    return membership
