"""Student cards, their stays in classes and their parents.

Movement orders (`services.orders`) change class membership through these functions; the seed
and the tests call them directly.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership, Person
from parta.identity.services.members import open_membership
from parta.orgs.models import Organization
from parta.school.models import AcademicYear, SchoolClass, StudyGroup
from parta.school.selectors.classes import roster_day
from parta.school.services.guards import check_manage, locked_year
from parta.school.services.transition import YearCopy, archive_year, copy_year
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


# --- Subgroup lists and the transition to the next academic year ------------------------------


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


@transaction.atomic
def promote_students(
    *, actor: Membership | audit.SystemActor, old_year: AcademicYear, new_year: AcademicYear
) -> int:
    """Перевод на следующий год: the students in each promoted class on the old year's last day
    leave it that day and join its next-year class on the new year's first day, with their
    subgroups; returns how many students moved up."""
    old_year, new_year = locked_year(old_year), locked_year(new_year)
    check_manage(actor, old_year)
    check_manage(actor, new_year)
    if new_year.organization_id != old_year.organization_id or (
        new_year.starts_on <= old_year.ends_on
    ):
        raise ValidationError(
            _("Students move up only into a later academic year of the same school."),
            code="not_next_year",
        )
    last_day = old_year.ends_on
    next_classes = {
        school_class.previous_id: school_class
        for school_class in SchoolClass.objects.filter(
            year=new_year, previous__year=old_year
        ).select_related("previous")
    }
    new_groups = {
        (group.school_class_id, group.name): group
        for group in StudyGroup.objects.filter(
            school_class__in=next_classes.values(), is_whole_class=False
        )
    }
    already_there = set(
        ClassEnrolment.objects.filter(
            school_class__year=new_year, starts_on__gte=new_year.starts_on
        ).values_list("student_id", flat=True)
    )
    enrolments = list(
        ClassEnrolment.objects.select_for_update(of=("self",))
        .filter(school_class_id__in=list(next_classes), starts_on__lte=last_day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=last_day))
        .exclude(student_id__in=already_there)
        .select_related("student__person")
        .order_by("pk")
    )
    moved: dict[int, list[Student]] = {}
    for enrolment in enrolments:
        enrolment.ends_on = last_day
        moved.setdefault(enrolment.school_class_id, []).append(enrolment.student)
    ClassEnrolment.objects.bulk_update(enrolments, ["ends_on"])
    ClassEnrolment.objects.bulk_create(
        [
            ClassEnrolment(
                student=enrolment.student,
                school_class=next_classes[enrolment.school_class_id],
                starts_on=new_year.starts_on,
            )
            for enrolment in enrolments
        ]
    )
    student_ids = [enrolment.student_id for enrolment in enrolments]
    memberships = []
    old_rows = GroupMembership.objects.filter(
        student_id__in=student_ids,
        group__school_class_id__in=list(next_classes),
        group__is_whole_class=False,
    ).select_related("group")
    for row in old_rows:
        new_class = next_classes[row.group.school_class_id]
        new_group = new_groups.get((new_class.pk, row.group.name))
        if new_group is not None:
            memberships.append(GroupMembership(student_id=row.student_id, group=new_group))
    GroupMembership.objects.bulk_create(memberships, ignore_conflicts=True)
    for previous_id, students in moved.items():
        new_class = next_classes[previous_id]
        audit.record(
            actor=actor,
            action="students.class_promoted",
            target=new_class,
            before={"from_class": f"{new_class.previous} ({old_year})"},
            after={
                "school_class": f"{new_class} ({new_year})",
                "starts_on": new_year.starts_on.isoformat(),
                "students": sorted(student.person.full_name for student in students),
            },
            organization_id=new_year.organization_id,
        )
    return len(enrolments)


@dataclass(frozen=True)
class NextYear:
    """What the transition made: the school's copy of the year and the students moved up."""

    copy: YearCopy
    promoted: int


@transaction.atomic
def move_to_next_year(
    *, actor: Membership | audit.SystemActor, year: AcademicYear, starts_on: date, ends_on: date
) -> NextYear:
    """Переход на следующий учебный год (seed 004, 3.3.3.2): copy the school's structure a year
    later, move the students up a class, archive the old year — all or nothing."""
    copy = copy_year(actor=actor, year=year, starts_on=starts_on, ends_on=ends_on)
    promoted = promote_students(actor=actor, old_year=copy.old_year, new_year=copy.year)
    archive_year(actor=actor, year=copy.old_year)
    return NextYear(copy=copy, promoted=promoted)
