"""Управление → Ученики: adding a student's card, correcting it a section at a time, the
student's parents, and the trace left by reading the card's sensitive sections."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parta.core import audit
from parta.core.models import AuditEntry
from parta.identity.models import Membership, Person
from parta.identity.services import student_accounts
from parta.identity.services.staff import PERSON_FIELDS, PossibleDuplicate
from parta.orgs.models import Organization
from parta.students import policies
from parta.students.models import Guardianship, SocialCategory, Student
from parta.students.policies import SECTION_FIELDS, CardSection
from parta.students.services.enrolment import add_guardian, create_student

#: Sections whose reading is logged, like the СНИЛС and passport of a staff card.
SENSITIVE_SECTIONS = (CardSection.DOCUMENTS, CardSection.HEALTH, CardSection.PSYCHOLOGY)
PERSON_SECTION_FIELDS = frozenset(PERSON_FIELDS)


def _check_writes(actor: Membership, organization_id: int, section: CardSection) -> None:
    if section not in policies.writable_sections(actor, organization_id):
        raise PermissionDenied


def _duplicate_error(duplicate: PossibleDuplicate) -> ValidationError:
    person = duplicate.person
    params = {
        "name": person.full_name,
        "birth_date": person.birth_date.strftime("%d.%m.%Y") if person.birth_date else "—",
        "person_id": person.pk,
    }
    if duplicate.by_snils:
        return ValidationError(
            _("A person with this SNILS is already in the system: %(name)s, born %(birth_date)s.")
            % params,
            code="snils_taken",
            params=params,
        )
    return ValidationError(
        _("%(name)s, born %(birth_date)s, is already in the system: maybe it is the same person.")
        % params,
        code="possible_duplicate",
        params=params,
    )


def _known_person(
    person_fields: dict[str, Any], person: Person | None, confirm_new: bool
) -> Person | None:
    """The existing person to use, or None for a new one; refuses a new card for a known
    person unless a namesake was confirmed to be somebody else (never for a taken СНИЛС)."""
    duplicate = student_accounts.find_duplicate(person_fields)
    if person is not None:
        if duplicate is None or duplicate.person.pk != person.pk:
            raise ValidationError(
                _("Choose the person the search found, or fill in the card again."),
                code="person_not_found",
            )
        return person
    if duplicate is not None and (duplicate.by_snils or not confirm_new):
        raise _duplicate_error(duplicate)
    return None


@transaction.atomic
def add_student(
    *,
    actor: Membership,
    organization: Organization,
    person_fields: dict[str, Any],
    person: Person | None = None,
    confirm_new: bool = False,
    login: str = "",
    password: str = "",
) -> Student:
    """«Добавить»: a student's card without a class (classes come with movement orders); a
    student from another school of the region keeps their person, login and history."""
    _check_writes(actor, organization.pk, CardSection.MAIN)
    known = _known_person(person_fields, person, confirm_new)
    if known is not None and known.student_cards.filter(organization=organization).exists():
        raise ValidationError(
            _("%(name)s already has a student card in this school.") % {"name": known.full_name},
            code="already_student",
        )
    if bool(login) != bool(password):
        raise ValidationError({"password": _("Enter both the login and the password, or neither.")})
    student = create_student(
        actor=actor, organization=organization, person=known, person_fields=person_fields
    )
    if login and not hasattr(student.person, "account"):
        account = student_accounts.open_account(
            person=student.person, login=login, password=password
        )
        _record_account(actor, account, "students.account_created", organization.pk)
    return student


def _record_account(actor: Membership, account, action: str, organization_id: int) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=account,
        after={"login": account.login},
        organization_id=organization_id,
    )


def _clean_student_fields(student: Student, fields: dict[str, Any]) -> None:
    if "social_categories" in fields:
        unknown = set(fields["social_categories"]) - set(SocialCategory.values)
        if unknown:
            raise ValidationError(
                {
                    "social_categories": _("Unknown social category: %(code)s.")
                    % {"code": ", ".join(sorted(unknown))}
                }
            )
    for name, value in fields.items():
        setattr(student, name, value)
    student.full_clean(exclude=["membership", "person", "organization"], validate_unique=False)


@transaction.atomic
def update_card_section(
    *, actor: Membership, student: Student, section: CardSection, fields: dict[str, Any]
) -> Student:
    """Save one section of a student's card; the audit keeps the changed fields only."""
    _check_writes(actor, student.organization_id, section)
    allowed = SECTION_FIELDS[section]
    person_fields = {
        name: fields[name] for name in allowed if name in PERSON_SECTION_FIELDS and name in fields
    }
    student_fields = {
        name: fields[name]
        for name in allowed
        if name not in PERSON_SECTION_FIELDS and name in fields
    }
    student = Student.objects.select_for_update().select_related("person").get(pk=student.pk)
    before_student = audit.snapshot(student, student_fields)
    _clean_student_fields(student, student_fields)
    before, after = {}, {}
    if person_fields:
        before, after = student_accounts.update_person(person=student.person, fields=person_fields)
    student.save()
    changed_before, changed_after = audit.changed(
        before_student, audit.snapshot(student, student_fields)
    )
    before.update(changed_before)
    after.update(changed_after)
    if after:
        audit.record(
            actor=actor,
            action="students.card_updated",
            target=student,
            before=before,
            after=after,
            organization_id=student.organization_id,
        )
    return student


def record_card_read(
    *, actor: Membership, student: Student, sections: frozenset[CardSection]
) -> AuditEntry | None:
    """Log that the actor was shown the card's documents, health or psychological notes."""
    shown = [section for section in SENSITIVE_SECTIONS if section in sections]
    if not shown:
        return None
    readable = policies.readable_sections(actor, student.organization_id)
    if not set(shown) <= readable:
        raise PermissionDenied
    return audit.record(
        actor=actor,
        action="students.card_data_viewed",
        target=student,
        after={"sections": [str(section) for section in shown]},
        organization_id=student.organization_id,
    )


def record_guardian_documents_read(
    *, actor: Membership, person: Person, organization: Organization
) -> AuditEntry | None:
    """Log that the actor was shown a parent's СНИЛС and passport on the parent's card."""
    if not (person.snils or person.has_passport):
        return None
    if CardSection.DOCUMENTS not in policies.readable_sections(actor, organization.pk):
        raise PermissionDenied
    return audit.record(
        actor=actor,
        action="students.guardian_documents_viewed",
        target=person,
        organization_id=organization.pk,
    )


# --- Parents ------------------------------------------------------------------------------------


def _check_relation(relation: str) -> None:
    if relation not in Guardianship.Relation.values:
        raise ValidationError({"relation": _("Choose the relation from the list.")})


@transaction.atomic
def link_guardian(
    *,
    actor: Membership,
    student: Student,
    relation: str,
    person_fields: dict[str, Any],
    person: Person | None = None,
    confirm_new: bool = False,
) -> Guardianship:
    """A parent of the student: a new person, or a known one (a parent of children in two
    schools keeps one person and one login, with a parent's cabinet in each school)."""
    _check_writes(actor, student.organization_id, CardSection.GUARDIANS)
    _check_relation(relation)
    known = _known_person(person_fields, person, confirm_new)
    if known is not None and student.guardianships.filter(guardian=known).exists():
        raise ValidationError(
            _("%(name)s is already a parent of this student.") % {"name": known.full_name},
            code="already_guardian",
        )
    if known is not None and known.pk == student.person_id:
        raise ValidationError(_("A student cannot be their own parent."), code="self_guardian")
    return add_guardian(
        actor=actor,
        student=student,
        relation=relation,
        person=known,
        person_fields=None if known is not None else person_fields,
    )


@transaction.atomic
def set_guardian_relation(
    *, actor: Membership, guardianship: Guardianship, relation: str
) -> Guardianship:
    """Change who the parent is to the student (mother, father, guardian…)."""
    _check_writes(actor, guardianship.student.organization_id, CardSection.GUARDIANS)
    _check_relation(relation)
    before = guardianship.relation
    if before == relation:
        return guardianship
    guardianship.relation = relation
    guardianship.save(update_fields=["relation"])
    audit.record(
        actor=actor,
        action="students.guardian_relation_changed",
        target=guardianship,
        before={"relation": before},
        after={"relation": relation},
        organization_id=guardianship.student.organization_id,
    )
    return guardianship


@transaction.atomic
def unlink_guardian(*, actor: Membership, guardianship: Guardianship) -> None:
    """Remove a parent from the student's card; the parent's person and login stay."""
    _check_writes(actor, guardianship.student.organization_id, CardSection.GUARDIANS)
    audit.record(
        actor=actor,
        action="students.guardian_removed",
        target=guardianship.student,
        before={
            "guardian": guardianship.guardian.full_name,
            "relation": guardianship.relation,
        },
        organization_id=guardianship.student.organization_id,
    )
    guardianship.delete()
