"""«Пакетное обновление»: many student and parent cards changed at once, from a checked file.

The exchange app reads and checks the file and calls `update_cards_in_bulk` with what a chunk of
its rows changes, all the chunks inside one transaction of its own; this service checks the
policy and the sections again, writes the chunk through the card services (all or nothing), and
audits every changed person with before and after.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership
from parta.identity.services import student_accounts
from parta.orgs.models import Organization
from parta.school.models import SchoolClass
from parta.students import policies
from parta.students.models import Guardianship, Student
from parta.students.policies import SECTION_FIELDS, CardSection
from parta.students.services.cards import (
    PERSON_SECTION_FIELDS,
    _clean_student_fields,
    add_student,
    link_guardian,
    set_guardian_relation,
)
from parta.students.services.enrolment import enrol_student


@dataclass(frozen=True)
class CardEdit:
    """New values for a student's person and card (only the fields that change)."""

    student: Student
    person_fields: dict[str, Any] = field(default_factory=dict)
    card_fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GuardianEdit:
    """A parent's new relation to the student (empty: unchanged) and new personal data."""

    guardianship: Guardianship
    relation: str = ""
    person_fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NewGuardian:
    """A parent to add to `student` (None only while the batch is being checked)."""

    relation: str
    person_fields: dict[str, Any]
    student: Student | None = None


@dataclass(frozen=True)
class NewStudent:
    """A student card to add, enrolled into `school_class` from `on` when a class is given."""

    person_fields: dict[str, Any]
    card_fields: dict[str, Any] = field(default_factory=dict)
    school_class: SchoolClass | None = None


@dataclass
class BatchResult:
    updated_students: int = 0
    updated_guardians: int = 0
    created_students: list[Student] = field(default_factory=list)
    created_guardianships: int = 0


def _allowed_student_fields(writable: frozenset[CardSection]) -> set[str]:
    return {name for section in writable for name in SECTION_FIELDS[section]}


def _allowed_guardian_fields(writable: frozenset[CardSection]) -> set[str]:
    allowed: set[str] = set()
    if CardSection.GUARDIANS in writable:
        allowed |= set(SECTION_FIELDS[CardSection.MAIN])
    if CardSection.DOCUMENTS in writable:
        allowed |= set(SECTION_FIELDS[CardSection.DOCUMENTS]) & PERSON_SECTION_FIELDS
    return allowed


def _check_fields(names: set[str], allowed: set[str]) -> None:
    if not names <= allowed:
        raise PermissionDenied


def _check_policy(
    actor: Membership,
    organization: Organization,
    card_edits: list[CardEdit],
    guardian_edits: list[GuardianEdit],
    new_students: list[NewStudent],
    new_guardians: list[NewGuardian],
) -> None:
    if not policies.can(actor, policies.Action.BATCH_UPDATE, organization):
        raise PermissionDenied
    writable = policies.writable_sections(actor, organization.pk)
    student_fields = _allowed_student_fields(writable)
    guardian_fields = _allowed_guardian_fields(writable)
    for edit in card_edits:
        if edit.student.organization_id != organization.pk:
            raise PermissionDenied
        _check_fields(set(edit.person_fields) | set(edit.card_fields), student_fields)
    for new in new_students:
        _check_fields(set(new.person_fields) | set(new.card_fields), student_fields)
        if new.school_class is not None and new.school_class.organization_id != organization.pk:
            raise PermissionDenied
    if (guardian_edits or new_guardians) and CardSection.GUARDIANS not in writable:
        raise PermissionDenied
    for edit in guardian_edits:
        if edit.guardianship.student.organization_id != organization.pk:
            raise PermissionDenied
        _check_fields(set(edit.person_fields), guardian_fields)
    for guardian in new_guardians:
        if guardian.student is not None and guardian.student.organization_id != organization.pk:
            raise PermissionDenied
        _check_fields(set(guardian.person_fields), guardian_fields)


def _update_card(actor: Membership, edit: CardEdit) -> bool:
    student = edit.student
    before, after = {}, {}
    if edit.person_fields:
        before, after = student_accounts.update_person(
            person=student.person, fields=edit.person_fields
        )
    if edit.card_fields:
        card_before = audit.snapshot(student, edit.card_fields)
        _clean_student_fields(student, edit.card_fields)
        student.save(update_fields=[*edit.card_fields, "updated_at"])
        changed_before, changed_after = audit.changed(
            card_before, audit.snapshot(student, edit.card_fields)
        )
        before, after = {**before, **changed_before}, {**after, **changed_after}
    if after:
        audit.record(
            actor=actor,
            action="students.card_batch_updated",
            target=student,
            before=before,
            after=after,
            organization_id=student.organization_id,
        )
    return bool(after)


def _update_guardian(actor: Membership, edit: GuardianEdit) -> bool:
    guardianship = edit.guardianship
    if edit.relation and edit.relation != guardianship.relation:
        set_guardian_relation(actor=actor, guardianship=guardianship, relation=edit.relation)
    if not edit.person_fields:
        return bool(edit.relation)
    before, after = student_accounts.update_person(
        person=guardianship.guardian, fields=edit.person_fields
    )
    if after:
        audit.record(
            actor=actor,
            action="students.guardian_batch_updated",
            target=guardianship,
            before=before,
            after=after,
            organization_id=guardianship.student.organization_id,
        )
    return True


def _add_student(actor: Membership, organization: Organization, new: NewStudent, on: date):
    student = add_student(actor=actor, organization=organization, person_fields=new.person_fields)
    if new.card_fields:
        _clean_student_fields(student, new.card_fields)
        student.save(update_fields=[*new.card_fields, "updated_at"])
    if new.school_class is not None:
        enrol_student(actor=actor, school_class=new.school_class, on=on, person=student.person)
    return student


@transaction.atomic
def update_cards_in_bulk(
    *,
    actor: Membership,
    organization: Organization,
    on: date,
    card_edits: list[CardEdit],
    guardian_edits: list[GuardianEdit],
    new_students: list[NewStudent],
    new_guardians: list[NewGuardian],
) -> BatchResult:
    """Apply a checked batch update: all of it, or — on any error — nothing."""
    _check_policy(actor, organization, card_edits, guardian_edits, new_students, new_guardians)
    if any(guardian.student is None for guardian in new_guardians):
        raise ValidationError(_("A new parent needs the student's card."), code="no_student")
    result = BatchResult()
    for edit in card_edits:
        result.updated_students += _update_card(actor, edit)
    for edit in guardian_edits:
        result.updated_guardians += _update_guardian(actor, edit)
    for new in new_students:
        result.created_students.append(_add_student(actor, organization, new, on))
    for guardian in new_guardians:
        link_guardian(
            actor=actor,
            student=guardian.student,  # type: ignore[arg-type]
            relation=guardian.relation,
            person_fields=guardian.person_fields,
        )
        result.created_guardianships += 1
    return result
