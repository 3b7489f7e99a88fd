"""Who may see and change student and parent cards, accounts and movement orders.

Seed 004: the secretary and the HR specialist keep the cards of students and parents and enter
movement orders (3.3.4); the deputy head controls the movement book and its deadlines (3.3.3.2);
the administrator creates the accounts of students and parents (3.3.2.4); the class teacher
works with the class's students and parents (3.3.5). Issue 4: each section of the card is seen
only by the roles that need it — documents by the secretary, health by the medical worker,
psychological notes by the psychologist.
"""

from collections.abc import Iterable
from enum import StrEnum

from django.db.models import Q

from parta.identity.models import DerivedRole, Membership, OrgRole
from parta.orgs.models import Organization
from parta.school.models import SchoolClass


class Action(StrEnum):
    LIST_STUDENTS = "students.list"
    EDIT_CARDS = "students.edit"
    MANAGE_ACCOUNTS = "students.accounts"
    VIEW_ORDERS = "students.orders.view"
    MANAGE_ORDERS = "students.orders.manage"
    VIEW_MOVEMENT_REPORT = "students.orders.report"
    BATCH_UPDATE = "students.batch"


class CardSection(StrEnum):
    """Parts of a student's card, each shown to its own roles."""

    MAIN = "main"  # ФИО, date of birth, sex, class, dates, contacts
    GUARDIANS = "guardians"  # parents and their contacts
    DOCUMENTS = "documents"  # СНИЛС, passport, birth certificate, personal file
    ADDRESS = "address"
    HEALTH = "health"
    SOCIAL = "social"
    PSYCHOLOGY = "psychology"


#: The card's fields by section (Person's fields first, then the Student's).
SECTION_FIELDS: dict[CardSection, tuple[str, ...]] = {
    CardSection.MAIN: (
        "last_name",
        "first_name",
        "middle_name",
        "has_no_middle_name",
        "birth_date",
        "sex",
        "citizenship",
        "email",
        "phone",
    ),
    CardSection.GUARDIANS: (),
    CardSection.DOCUMENTS: (
        "snils",
        "passport_series",
        "passport_number",
        "passport_issued_on",
        "passport_issued_by",
        "personal_file_number",
        "birth_certificate_series",
        "birth_certificate_number",
        "birth_certificate_issued_on",
    ),
    CardSection.ADDRESS: ("registration_address", "residence_address"),
    CardSection.HEALTH: (
        "health_group",
        "physical_education_group",
        "disability",
        "health_notes",
    ),
    CardSection.SOCIAL: ("social_categories",),
    CardSection.PSYCHOLOGY: ("psychological_notes",),
}

ALL_SECTIONS = frozenset(CardSection)
CARD_KEEPERS = frozenset(
    {CardSection.MAIN, CardSection.GUARDIANS, CardSection.DOCUMENTS, CardSection.ADDRESS}
)

#: Sections of the card each role of the school reads.
READ_SECTIONS: dict[str, frozenset[CardSection]] = {
    OrgRole.SECRETARY: CARD_KEEPERS,
    OrgRole.HR: CARD_KEEPERS,
    OrgRole.ADMIN: CARD_KEEPERS,
    OrgRole.DEPUTY_HEAD: frozenset(
        {CardSection.MAIN, CardSection.GUARDIANS, CardSection.ADDRESS, CardSection.SOCIAL}
    ),
    DerivedRole.DIRECTOR: frozenset(
        {CardSection.MAIN, CardSection.GUARDIANS, CardSection.ADDRESS, CardSection.SOCIAL}
    ),
    OrgRole.PSYCHOLOGIST: frozenset(
        {CardSection.MAIN, CardSection.GUARDIANS, CardSection.SOCIAL, CardSection.PSYCHOLOGY}
    ),
    OrgRole.MEDICAL: frozenset({CardSection.MAIN, CardSection.GUARDIANS, CardSection.HEALTH}),
}
#: What the class teacher reads of the students of their own class.
CLASS_TEACHER_SECTIONS = frozenset(
    {CardSection.MAIN, CardSection.GUARDIANS, CardSection.ADDRESS, CardSection.SOCIAL}
)

#: Sections each role of the school changes.
WRITE_SECTIONS: dict[str, frozenset[CardSection]] = {
    OrgRole.SECRETARY: CARD_KEEPERS,
    OrgRole.HR: CARD_KEEPERS,
    OrgRole.ADMIN: CARD_KEEPERS,
    OrgRole.PSYCHOLOGIST: frozenset({CardSection.SOCIAL, CardSection.PSYCHOLOGY}),
    OrgRole.MEDICAL: frozenset({CardSection.HEALTH}),
}

#: Rights of a role in its own school.
ORGANIZATION_RIGHTS: dict[str, frozenset[Action]] = {
    OrgRole.SECRETARY: frozenset(
        {
            Action.LIST_STUDENTS,
            Action.EDIT_CARDS,
            Action.VIEW_ORDERS,
            Action.MANAGE_ORDERS,
            Action.VIEW_MOVEMENT_REPORT,
            Action.BATCH_UPDATE,
        }
    ),
    OrgRole.HR: frozenset(
        {
            Action.LIST_STUDENTS,
            Action.EDIT_CARDS,
            Action.VIEW_ORDERS,
            Action.MANAGE_ORDERS,
            Action.VIEW_MOVEMENT_REPORT,
            Action.BATCH_UPDATE,
        }
    ),
    OrgRole.ADMIN: frozenset(
        {
            Action.LIST_STUDENTS,
            Action.EDIT_CARDS,
            Action.MANAGE_ACCOUNTS,
            Action.VIEW_ORDERS,
            Action.BATCH_UPDATE,
        }
    ),
    OrgRole.DEPUTY_HEAD: frozenset(
        {
            Action.LIST_STUDENTS,
            Action.VIEW_ORDERS,
            Action.MANAGE_ORDERS,
            Action.VIEW_MOVEMENT_REPORT,
        }
    ),
    DerivedRole.DIRECTOR: frozenset(
        {Action.LIST_STUDENTS, Action.VIEW_ORDERS, Action.VIEW_MOVEMENT_REPORT}
    ),
    OrgRole.PSYCHOLOGIST: frozenset({Action.LIST_STUDENTS, Action.EDIT_CARDS}),
    OrgRole.MEDICAL: frozenset({Action.LIST_STUDENTS, Action.EDIT_CARDS}),
}


def _in_own_school(member: Membership, organization_id: int) -> bool:
    return member.is_staff and not member.is_archived and member.organization_id == organization_id


def can(member: Membership, action: Action, organization: Organization) -> bool:
    """Whether the member's current role may perform the action in this school."""
    if not _in_own_school(member, organization.pk):
        return False
    return action in ORGANIZATION_RIGHTS.get(member.active_role, frozenset())


def can_list_students(member: Membership, organization: Organization) -> bool:
    """«Ученики»: the roles that list the school's students, and teachers (their class's)."""
    return can(member, Action.LIST_STUDENTS, organization) or (
        _in_own_school(member, organization.pk) and member.active_role == OrgRole.TEACHER
    )


def is_class_teacher(member: Membership, school_class: SchoolClass) -> bool:
    return (
        _in_own_school(member, school_class.organization_id)
        and member.active_role == OrgRole.TEACHER
        and school_class.class_teacher_id == member.pk
    )


def readable_sections(
    member: Membership, organization_id: int, classes: Iterable[SchoolClass] = ()
) -> frozenset[CardSection]:
    """Sections of a card of this school the member reads; `classes` are the student's classes
    (the class teacher of any of them reads the class teacher's sections)."""
    if not _in_own_school(member, organization_id):
        return frozenset()
    sections = READ_SECTIONS.get(member.active_role, frozenset())
    if any(is_class_teacher(member, school_class) for school_class in classes):
        sections = sections | CLASS_TEACHER_SECTIONS
    return sections


def writable_sections(member: Membership, organization_id: int) -> frozenset[CardSection]:
    if not _in_own_school(member, organization_id):
        return frozenset()
    return WRITE_SECTIONS.get(member.active_role, frozenset())


def can_manage_class_accounts(member: Membership, school_class: SchoolClass) -> bool:
    """Accounts and new passwords for a class: the administrator, or the class teacher."""
    return can(member, Action.MANAGE_ACCOUNTS, school_class.organization) or is_class_teacher(
        member, school_class
    )


def visible_students(member: Membership) -> Q:
    """Students (a filter on Student) whose card the member may open: the whole school for the
    roles that list students, the own class's students for a class teacher."""
    if member.organization_id is None or not member.is_staff or member.is_archived:
        return Q(pk__in=[])
    if Action.LIST_STUDENTS in ORGANIZATION_RIGHTS.get(member.active_role, frozenset()):
        return Q(organization_id=member.organization_id)
    if member.active_role == OrgRole.TEACHER:
        return Q(
            organization_id=member.organization_id,
            enrolments__school_class__class_teacher_id=member.pk,
        )
    return Q(pk__in=[])
