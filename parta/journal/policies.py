"""Who may read and write journals, and whose diary a person may open.

Seed 004, 3.3.5: a subject teacher enters topics, homework, marks and attendance of own lessons;
the class teacher corrects reasons of absence of own class; the deputy head, the director and
the administrator read every journal of the school; only the deputy head permits a correction
after a term is closed.
"""

from django.db.models import Q

from parta.identity.models import DerivedRole, Membership, OrgRole
from parta.school import policies as school_policies
from parta.school.models import SchoolClass, TeachingAssignment
from parta.school.policies import Action, is_teacher
from parta.students.models import Student


def can_write_lesson(member: Membership, lesson) -> bool:
    """A teacher writes the lessons they teach: their own, and those they substitute for."""
    return (
        is_teacher(member)
        and member.organization_id == lesson.organization_id
        and member.pk in (lesson.teacher_id, lesson.substitute_id, lesson.assignment.teacher_id)
    )


def can_view_journal(member: Membership, assignment: TeachingAssignment) -> bool:
    """Own journals, the journals of one's own class, and every journal for the school's leaders."""
    school_class = assignment.group.school_class
    if school_policies.can(member, Action.VIEW_ALL_JOURNALS, school_class.organization):
        return True
    if not is_teacher(member) or member.organization_id != school_class.organization_id:
        return False
    return member.pk in (assignment.teacher_id, school_class.class_teacher_id)


def visible_assignments(member: Membership) -> Q:
    """Journals the member may open (a list filter matching `can_view_journal`)."""
    if member.organization_id is None or not member.is_staff or member.is_archived:
        return Q(pk__in=[])
    school = Q(group__school_class__organization_id=member.organization_id)
    role_rights = school_policies.ORGANIZATION_RIGHTS.get(member.active_role, frozenset())
    if Action.VIEW_ALL_JOURNALS in role_rights:
        return school
    if member.active_role != OrgRole.TEACHER:
        return Q(pk__in=[])
    return school & (Q(teacher_id=member.pk) | Q(group__school_class__class_teacher_id=member.pk))


def can_set_absence_reasons(member: Membership, school_class: SchoolClass) -> bool:
    """The class teacher of the class (3.3.5), or the deputy head."""
    if school_policies.can(member, Action.CLOSE_TERMS, school_class.organization):
        return True
    return is_teacher(member) and school_class.class_teacher_id == member.pk


def can_permit_corrections(member: Membership, school_class: SchoolClass) -> bool:
    return school_policies.can(member, Action.PERMIT_CORRECTIONS, school_class.organization)


def can_view_class_reports(member: Membership, school_class: SchoolClass) -> bool:
    """The school's leaders for any class; a class teacher for their own class."""
    if school_policies.can(member, Action.VIEW_REPORTS, school_class.organization):
        return True
    return is_teacher(member) and school_class.class_teacher_id == member.pk


def can_open_diary(member: Membership, student: Student) -> bool:
    """Students see their own diary; parents, their children's in this organisation."""
    if member.is_archived or member.organization_id != student.organization_id:
        return False
    if member.active_role == DerivedRole.STUDENT:
        return student.membership_id == member.pk
    if member.active_role == DerivedRole.GUARDIAN:
        return student.guardianships.filter(guardian_id=member.person_id).exists()
    return False
