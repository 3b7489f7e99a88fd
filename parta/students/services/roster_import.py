"""Writes a roster import needs beyond enrolment's and the card's: corrections of a person's
data, and a student's stays brought in line with an imported stay.

The exchange app's OneRoster import calls these inside its one transaction; each checks the
students policy and writes its own audit entry.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership, Person
from parta.identity.services.student_accounts import update_person
from parta.orgs.models import Organization
from parta.school.models import SchoolClass
from parta.students import policies
from parta.students.models import ClassEnrolment, Student
from parta.students.services.enrolment import enrol_student, transfer_student, withdraw_student

Actor = Membership | audit.SystemActor


def _check(actor: Actor, organization: Organization) -> None:
    if not isinstance(actor, audit.SystemActor) and not policies.can(
        actor, policies.Action.BATCH_UPDATE, organization
    ):
        raise PermissionDenied


@transaction.atomic
def correct_person(
    *, actor: Actor, organization: Organization, person: Person, fields: dict[str, Any]
) -> bool:
    """Correct a student's or parent's name, date of birth, sex or contacts from an imported
    roster; returns whether anything changed."""
    _check(actor, organization)
    before, after = update_person(person=person, fields=fields)
    if not after:
        return False
    audit.record(
        actor=actor,
        action="students.person_corrected",
        target=person,
        before=before,
        after=after,
        organization_id=organization.pk,
    )
    return True


@transaction.atomic
def place_student(
    *,
    actor: Actor,
    student: Student,
    school_class: SchoolClass,
    starts_on: date,
    ends_on: date | None,
) -> ClassEnrolment | None:
    """Bring the student's stays in line with one imported stay (class, first and last day):
    enrol, transfer or set the last day as the stays require; None when they already agree."""
    _check(actor, school_class.organization)
    stays = student.enrolments.select_related("school_class")
    same = stays.filter(school_class=school_class, starts_on=starts_on).first()
    if same is not None:
        if same.ends_on == ends_on:
            return None
        if same.ends_on is None and ends_on is not None:
            return withdraw_student(actor=actor, student=student, last_day=ends_on)
        raise ValidationError(
            _(
                "%(name)s left %(class)s on %(date)s; an import does not reopen or move the "
                "end of a finished stay."
            )
            % {
                "name": student.person.full_name,
                "class": school_class,
                "date": same.ends_on.strftime("%d.%m.%Y") if same.ends_on else "—",
            },
            code="stay_conflict",
        )
    current = stays.filter(ends_on__isnull=True).first()
    if current is not None and current.school_class_id == school_class.pk:
        return None
    if current is not None and starts_on > current.starts_on:
        enrolment = transfer_student(
            actor=actor, student=student, school_class=school_class, on=starts_on
        )
    elif current is not None:
        raise ValidationError(
            _("%(name)s is in %(class)s since %(date)s: the imported stay starts earlier.")
            % {
                "name": student.person.full_name,
                "class": current.school_class,
                "date": current.starts_on.strftime("%d.%m.%Y"),
            },
            code="stay_conflict",
        )
    else:
        enrol_student(actor=actor, school_class=school_class, on=starts_on, person=student.person)
        enrolment = student.enrolments.get(school_class=school_class, starts_on=starts_on)
    if ends_on is not None:
        enrolment = withdraw_student(actor=actor, student=student, last_day=ends_on)
    return enrolment
