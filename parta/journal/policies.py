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
from parta.students.selectors import rosters as student_selectors


def can_write_lesson(member: Membership, lesson) -> bool:
    """A teacher writes the lessons they teach: their own, and those they substitute for."""
    return (
        is_teacher(member)
        and member.organization_id == lesson.organization_id
        and member.pk in (lesson.teacher_id, lesson.substitute_id, lesson.assignment.teacher_id)
    )


def can_set_period_marks(member: Membership, assignment: TeachingAssignment) -> bool:
    """Term, half-year, year, exam and final marks: the teacher of the journal (3.3.5)."""
    return (
        is_teacher(member)
        and member.organization_id == assignment.group.school_class.organization_id
        and member.pk == assignment.teacher_id
    )


def can_view_journal(member: Membership, assignment: TeachingAssignment) -> bool:
    """Own journals, the journals of one's own class, and every journal for the school's leaders."""
    school_class = assignment.group.school_class
    if school_policies.can(member, Action.VIEW_ALL_JOURNALS, school_class.organization):
        return True
    if not is_teacher(member) or member.organization_id != school_class.organization_id:
        return False
    return member.pk in (assignment.teacher_id, school_class.class_teacher_id)


def _visible_to_staff(member: Membership, *, organization_field: str, own: Q) -> Q:
    """Every row of the member's school for its leaders, the `own` ones for a teacher."""
    if member.organization_id is None or not member.is_staff or member.is_archived:
        return Q(pk__in=[])
    school = Q(**{organization_field: member.organization_id})
    role_rights = school_policies.ORGANIZATION_RIGHTS.get(member.active_role, frozenset())
    if Action.VIEW_ALL_JOURNALS in role_rights:
        return school
    if member.active_role != OrgRole.TEACHER:
        return Q(pk__in=[])
    return school & own


def visible_assignments(member: Membership) -> Q:
    """Journals the member may open (a list filter matching `can_view_journal`)."""
    return _visible_to_staff(
        member,
        organization_field="group__school_class__organization_id",
        own=Q(teacher_id=member.pk) | Q(group__school_class__class_teacher_id=member.pk),
    )


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


def can_view_school_reports(member: Membership, organization) -> bool:
    """Reports over the whole school (every class, journal filling): its leaders, and the
    authorities above it (seed 004, 3.3.3 and 3.3.9)."""
    return school_policies.can(member, Action.VIEW_REPORTS, organization)


def visible_report_classes(member: Membership, organization) -> Q:
    """Classes of the school whose reports the member may open (list form of
    `can_view_class_reports`): all of them for the leaders, own classes for a class teacher."""
    if can_view_school_reports(member, organization):
        return Q(organization_id=organization.pk)
    if is_teacher(member) and member.organization_id == organization.pk:
        return Q(organization_id=organization.pk, class_teacher_id=member.pk)
    return Q(pk__in=[])


def can_choose_report_school(member: Membership) -> bool:
    """Authority staff whose role reads the reports of subordinate schools (seed 004, 3.3.9)."""
    return (
        member.authority_id is not None
        and member.is_staff
        and not member.is_archived
        and Action.VIEW_REPORTS
        in school_policies.SUBORDINATE_RIGHTS.get(member.active_role, frozenset())
    )


def can_manage_plan(member: Membership, plan) -> bool:
    """A teacher keeps their own календарно-тематическое планирование (seed 004, 3.3.5)."""
    return (
        is_teacher(member)
        and plan.teacher_id == member.pk
        and plan.year.organization_id == member.organization_id
        and not plan.year.is_archived
    )


def can_view_plan(member: Membership, plan) -> bool:
    """Own plans; every plan of the school for its leaders (deputy head, director, admin)."""
    if is_teacher(member) and plan.teacher_id == member.pk:
        return plan.year.organization_id == member.organization_id
    return school_policies.can(member, Action.VIEW_ALL_JOURNALS, plan.year.organization)


def visible_plans(member: Membership) -> Q:
    """Lesson plans the member may open (a list filter matching `can_view_plan`)."""
    return _visible_to_staff(
        member, organization_field="year__organization_id", own=Q(teacher_id=member.pk)
    )


def can_download_homework_file(member: Membership, file) -> bool:
    """A homework file opens for staff who see the lesson's journal, and through the diary: for
    the students of the group on the lesson's date (individual homework: only its student) and
    their parents. Expects `file.homework.lesson.assignment.group.school_class` loaded."""
    homework = file.homework
    lesson = homework.lesson
    assignment = lesson.assignment
    if member.is_staff:
        return can_view_journal(member, assignment)
    if member.is_archived or member.organization_id != lesson.organization_id:
        return False
    if homework.student_id is not None:
        candidates = [homework.student]
    else:
        candidates = list(
            Student.objects.filter(
                Q(membership_id=member.pk) | Q(guardianships__guardian_id=member.person_id),
                organization_id=member.organization_id,
            ).distinct()
        )
    return any(
        can_open_diary(member, student)
        and student_selectors.is_in_group(student=student, group=assignment.group, on=lesson.date)
        for student in candidates
    )


def can_view_school_plans(member: Membership, organization) -> bool:
    """The school's leaders read every teacher's lesson plans (the list form of `can_view_plan`)."""
    return school_policies.can(member, Action.VIEW_ALL_JOURNALS, organization)
