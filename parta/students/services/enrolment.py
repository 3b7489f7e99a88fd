"""Student cards, their stays in classes and their parents.

Movement orders (`services.orders`) open and close the same stays, keeping the order line that
did it, and run the transfer to the next academic year; the seed and the tests call these
functions directly.
"""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership, Person
from parta.identity.services.members import open_membership
from parta.orgs.models import Organization
from parta.school.models import SchoolClass, StudyGroup
from parta.school.selectors.classes import roster_day
from parta.school.services.guards import check_manage, locked_year
from parta.students.models import ClassEnrolment, GroupMembership, Guardianship, Student
from parta.students.selectors.rosters import class_students


def _check_date(school_class: SchoolClass, on: date) -> None:
    if not school_class.year.contains(on):
        raise ValidationError(
            _("The date %(date)s is outside the academic year %(year)s.")
            % {"date": on.strftime("%d.%m.%Y"), "year": school_class.year},
            code="outside_year",
        )


@transaction.atomic
def create_student(
    *,
    actor: Membership | audit.SystemActor,
    organization: Organization,
    person: Person | None = None,
    person_fields: dict[str, Any] | None = None,
    login: str = "",
    password: str = "",
) -> Student:
    """The card of a student in a school, for a new person or a known one (a student coming from
    another school of the region keeps their Person); not yet in any class."""
    membership = open_membership(
        organization=organization,
        kind=Membership.Kind.STUDENT,
        person=person,
        person_fields=person_fields,
        login=login,
        password=password,
    )
    student, created = Student.objects.get_or_create(
        membership=membership,
        defaults={"person": membership.person, "organization": organization},
    )
    if created:
        audit.record(
            actor=actor,
            action="students.student_card_created",
            target=student,
            after={"student": membership.person.full_name},
            organization_id=organization.pk,
        )
    return student


@transaction.atomic
def enrol_student(
    *,
    actor: Membership | audit.SystemActor,
    school_class: SchoolClass,
    on: date,
    person: Person | None = None,
    person_fields: dict[str, Any] | None = None,
    login: str = "",
    password: str = "",
) -> Student:
    """Зачисление: a student joins a class on a date (a new person gets a card and an account)."""
    _check_date(school_class, on)
    student = create_student(
        actor=actor,
        organization=school_class.organization,
        person=person,
        person_fields=person_fields,
        login=login,
        password=password,
    )
    if student.enrolments.filter(ends_on__isnull=True).exists():
        raise ValidationError(
            _("%(name)s is already in a class: transfer instead of enrolling again.")
            % {"name": student.person.full_name},
            code="already_enrolled",
        )
    ClassEnrolment.objects.create(student=student, school_class=school_class, starts_on=on)
    audit.record(
        actor=actor,
        action="students.student_enrolled",
        target=student,
        after={"school_class": str(school_class), "starts_on": on.isoformat()},
        organization_id=school_class.organization_id,
    )
    return student


def _open_enrolment(student: Student) -> ClassEnrolment:
    enrolment = student.enrolments.select_related("school_class").filter(ends_on__isnull=True)
    found = enrolment.first()
    if found is None:
        raise ValidationError(
            _("%(name)s is not in any class now.") % {"name": student.person.full_name},
            code="not_enrolled",
        )
    return found


@transaction.atomic
def transfer_student(
    *,
    actor: Membership | audit.SystemActor,
    student: Student,
    school_class: SchoolClass,
    on: date,
) -> ClassEnrolment:
    """Перевод: the student leaves the current class the day before and joins another one."""
    _check_date(school_class, on)
    current = _open_enrolment(student)
    if on <= current.starts_on:
        raise ValidationError(
            _("The transfer date must come after %(date)s, when the student joined %(class)s.")
            % {"date": current.starts_on.strftime("%d.%m.%Y"), "class": current.school_class},
            code="transfer_too_early",
        )
    current.ends_on = on - timedelta(days=1)
    current.save(update_fields=["ends_on"])
    enrolment = ClassEnrolment.objects.create(
        student=student, school_class=school_class, starts_on=on
    )
    audit.record(
        actor=actor,
        action="students.student_transferred",
        target=student,
        before={"school_class": str(current.school_class)},
        after={"school_class": str(school_class), "starts_on": on.isoformat()},
        organization_id=school_class.organization_id,
    )
    return enrolment


@transaction.atomic
def withdraw_student(
    *, actor: Membership | audit.SystemActor, student: Student, last_day: date
) -> ClassEnrolment:
    """Выбытие: the student's last day in the class; later lessons no longer list them."""
    current = _open_enrolment(student)
    if last_day < current.starts_on:
        raise ValidationError(
            _("The last day cannot come before %(date)s, when the student joined the class.")
            % {"date": current.starts_on.strftime("%d.%m.%Y")},
            code="withdraw_too_early",
        )
    current.ends_on = last_day
    current.save(update_fields=["ends_on"])
    audit.record(
        actor=actor,
        action="students.student_left",
        target=student,
        before={"school_class": str(current.school_class)},
        after={"ends_on": last_day.isoformat()},
        organization_id=current.school_class.organization_id,
    )
    return current


@transaction.atomic
def add_guardian(
    *,
    actor: Membership | audit.SystemActor,
    student: Student,
    relation: str,
    person: Person | None = None,
    person_fields: dict[str, Any] | None = None,
    login: str = "",
    password: str = "",
) -> Guardianship:
    """A parent of the student, with a parent's cabinet in the student's organisation."""
    membership = open_membership(
        organization=student.organization,
        kind=Membership.Kind.GUARDIAN,
        person=person,
        person_fields=person_fields,
        login=login,
        password=password,
    )
    guardianship, _created = Guardianship.objects.get_or_create(
        guardian=membership.person, student=student, defaults={"relation": relation}
    )
    audit.record(
        actor=actor,
        action="students.guardian_added",
        target=guardianship,
        after={"guardian": membership.person.full_name, "relation": relation},
        organization_id=student.organization_id,
    )
    return guardianship


@transaction.atomic
def set_group_members(
    *, actor: Membership | audit.SystemActor, group: StudyGroup, students: list[Student]
) -> StudyGroup:
    """Who is in a subgroup; the whole-class group always follows the class list."""
    if group.is_whole_class:
        raise ValidationError(
            _("The whole-class group follows the class list and has no list of its own."),
            code="whole_class_group",
        )
    before = sorted(str(row.student) for row in group.member_rows.select_related("student"))
    group.member_rows.exclude(student__in=students).delete()
    existing = set(group.member_rows.values_list("student_id", flat=True))
    GroupMembership.objects.bulk_create(
        [GroupMembership(group=group, student=s) for s in students if s.pk not in existing]
    )
    audit.record(
        actor=actor,
        action="students.group_members_set",
        target=group,
        before={"students": before},
        after={"students": sorted(str(s) for s in students)},
        organization_id=group.school_class.organization_id,
    )
    return group


# --- Subgroup lists ---------------------------------------------------------------------------


@transaction.atomic
def choose_group_members(
    *, actor: Membership | audit.SystemActor, group: StudyGroup, students: list[Student]
) -> StudyGroup:
    """The deputy head ticks who of the class's current students is in a subgroup; students who
    have left the class stay on the group's list for the lessons they attended."""
    school_class = group.school_class
    year = locked_year(school_class.year)
    check_manage(actor, year)
    on = roster_day(year)
    current = {student.pk for student in class_students(school_class=school_class, on=on)}
    strangers = sorted(str(student) for student in students if student.pk not in current)
    if strangers:
        raise ValidationError(
            _("Not in %(class)s on %(date)s: %(names)s.")
            % {
                "class": school_class,
                "date": on.strftime("%d.%m.%Y"),
                "names": ", ".join(strangers),
            },
            code="not_in_class",
        )
    former = [
        row.student
        for row in group.member_rows.select_related("student__person")
        if row.student_id not in current
    ]
    return set_group_members(actor=actor, group=group, students=[*students, *former])
