"""Classes, their subgroups and teaching assignments (seed 004, 3.3.3.2: the deputy head
«корректирует … классы, данные о классных руководителях, учителях-предметниках»).

A class always has its whole-class group; subgroups split it (languages). A teaching assignment
(group + subject + teacher) is one journal; a new teacher takes over the lessons from today, the
lessons that took place keep the teacher who gave them.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parta.core import audit, calendar
from parta.identity.models import Membership, OrgRole
from parta.orgs.models import Organization, Subject
from parta.school.models import (
    AcademicYear,
    SchoolClass,
    StudyGroup,
    TeachingAssignment,
    TimetableEntry,
)
from parta.school.services.guards import check_manage, locked_year, taken_by_another

Actor = Membership | audit.SystemActor

LETTER_MAX_LENGTH = 5
GROUP_NAME_MAX_LENGTH = 100
#: Parallels of a general-education school (начальное, основное и среднее общее образование).
SCHOOL_GRADES = (1, 11)
#: What the table allows for other kinds of organisations.
ANY_GRADES = (0, 12)

CLASS_FIELDS = ["grade", "letter", "class_teacher"]


@dataclass(frozen=True)
class Saved:
    """The row a write produced and whether anything changed."""

    row: object
    created: bool = False
    changed: bool = True


def grade_range(organization: Organization) -> tuple[int, int]:
    """The parallels a class of this organisation may have."""
    return SCHOOL_GRADES if organization.kind == Organization.Kind.SCHOOL else ANY_GRADES


def active_teachers(organization: Organization):
    """The organisation's current staff with the teacher role ticked on their card."""
    return (
        Membership.objects.filter(
            organization=organization,
            kind=Membership.Kind.STAFF,
            is_archived=False,
            role_rows__role=OrgRole.TEACHER,
        )
        .select_related("person")
        .distinct()
        .order_by("person__last_name", "person__first_name", "person__middle_name", "pk")
    )


def is_active_teacher(member: Membership | None, organization: Organization) -> bool:
    """Whether the membership is a current teacher of the organisation."""
    return member is not None and active_teachers(organization).filter(pk=member.pk).exists()


def _teacher_name(member: Membership | None) -> str:
    return member.person.full_name if member is not None else ""


def _class_state(school_class: SchoolClass) -> dict:
    return {
        "grade": school_class.grade,
        "letter": school_class.letter,
        "class_teacher": _teacher_name(school_class.class_teacher),
    }


# --- Classes ----------------------------------------------------------------------------------


@transaction.atomic
def save_class(
    *,
    actor: Actor,
    year: AcademicYear,
    grade: int | None,
    letter: str,
    class_teacher: Membership | None,
    school_class: SchoolClass | None = None,
) -> Saved:
    """Add a class (with its whole-class group) to the year, or change one's parallel, letter or
    class teacher."""
    year = locked_year(year)
    check_manage(actor, year)
    if school_class is not None:
        school_class = (
            SchoolClass.objects.select_for_update(of=("self",))
            .select_related("class_teacher__person")
            .get(pk=school_class.pk)
        )
        if school_class.year_id != year.pk:
            raise ValidationError(
                _("%(class)s belongs to another academic year.") % {"class": school_class},
                code="class_other_year",
            )
    letter = (letter or "").strip().upper()
    errors: dict[str, list[ValidationError]] = {}
    first, last = grade_range(year.organization)
    if grade is None or not first <= grade <= last:
        errors["grade"] = [
            ValidationError(
                _("Choose a parallel from %(first)s to %(last)s.") % {"first": first, "last": last},
                code="grade",
            )
        ]
    if not letter:
        errors["letter"] = [ValidationError(_("Enter the letter of the class."), code="letter")]
    elif len(letter) > LETTER_MAX_LENGTH:
        errors["letter"] = [
            ValidationError(
                _("The letter of a class is at most %(limit)s characters long.")
                % {"limit": LETTER_MAX_LENGTH},
                code="letter_too_long",
            )
        ]
    if class_teacher is not None and not is_active_teacher(class_teacher, year.organization):
        errors["class_teacher"] = [
            ValidationError(
                _(
                    "%(name)s cannot lead a class: the class teacher must be a current member "
                    "of this school's staff with the teacher role."
                )
                % {"name": class_teacher.person.full_name},
                code="class_teacher",
            )
        ]
    if not errors:
        same = SchoolClass.objects.filter(year=year, grade=grade, letter=letter)
        if taken_by_another(same, school_class):
            errors["letter"] = [
                ValidationError(
                    _("The academic year %(year)s already has a class %(class)s.")
                    % {"year": year, "class": f"{grade}{letter}"},
                    code="class_exists",
                )
            ]
    if errors:
        raise ValidationError(errors)
    created = school_class is None
    if school_class is None:
        school_class = SchoolClass(year=year, organization=year.organization)
        before: dict = {}
    else:
        before = _class_state(school_class)
    school_class.grade, school_class.letter = grade, letter
    school_class.class_teacher = class_teacher
    after = _class_state(school_class)
    if before == after:
        return Saved(school_class, changed=False)
    school_class.save()
    if created:
        StudyGroup.objects.create(school_class=school_class, is_whole_class=True)
    old, new = audit.changed(before, after)
    audit.record(
        actor=actor,
        action="school.class_saved",
        target=school_class,
        before=old or None,
        after=new,
        organization_id=year.organization_id,
    )
    return Saved(school_class, created=created)


@transaction.atomic
def delete_class(*, actor: Actor, school_class: SchoolClass) -> SchoolClass:
    """Remove a class entered by mistake: only one without students, assignments or lessons."""
    year = locked_year(school_class.year)
    check_manage(actor, year)
    school_class = SchoolClass.objects.select_for_update().get(pk=school_class.pk)
    # The students' enrolments and the journal's lessons protect the class; they are read here
    # through the reverse relations only to say why the class stays.
    students = school_class.enrolments.values("student_id").distinct().count()
    assignments = TeachingAssignment.objects.filter(group__school_class=school_class)
    assignment_count = assignments.count()
    lesson_count = assignments.filter(lessons__isnull=False).values("lessons").count()
    reasons = []
    if students:
        reasons.append(
            ngettext("%(count)s student", "%(count)s students", students) % {"count": students}
        )
    if assignment_count:
        reasons.append(
            ngettext(
                "%(count)s teaching assignment", "%(count)s teaching assignments", assignment_count
            )
            % {"count": assignment_count}
        )
    if lesson_count:
        reasons.append(
            ngettext("%(count)s lesson", "%(count)s lessons", lesson_count)
            % {"count": lesson_count}
        )
    if reasons:
        raise ValidationError(
            _("%(class)s cannot be deleted: it has %(reasons)s.")
            % {"class": school_class, "reasons": ", ".join(reasons)},
            code="class_in_use",
        )
    audit.record(
        actor=actor,
        action="school.class_deleted",
        target=school_class,
        before={**_class_state(school_class), "year": str(year)},
        organization_id=year.organization_id,
    )
    school_class.delete()
    return school_class


# --- Groups -----------------------------------------------------------------------------------


@transaction.atomic
def save_group(
    *, actor: Actor, school_class: SchoolClass, name: str, group: StudyGroup | None = None
) -> Saved:
    """Add a subgroup to a class (a language group, say), or rename one."""
    year = locked_year(school_class.year)
    check_manage(actor, year)
    name = " ".join((name or "").split())
    if group is not None:
        group = StudyGroup.objects.select_for_update().get(pk=group.pk)
        if group.school_class_id != school_class.pk:
            raise ValidationError(
                _("This group belongs to another class."), code="group_other_class"
            )
        if group.is_whole_class:
            raise ValidationError(
                _("The whole-class group takes the name of its class."), code="whole_class_group"
            )
    if not name:
        raise ValidationError({"name": [ValidationError(_("Name the group."), code="name")]})
    if len(name) > GROUP_NAME_MAX_LENGTH:
        raise ValidationError(
            {
                "name": [
                    ValidationError(
                        _("The name of a group is at most %(limit)s characters long.")
                        % {"limit": GROUP_NAME_MAX_LENGTH},
                        code="name_too_long",
                    )
                ]
            }
        )
    same = StudyGroup.objects.filter(school_class=school_class, name__iexact=name)
    if taken_by_another(same, group):
        raise ValidationError(
            {
                "name": [
                    ValidationError(
                        _("%(class)s already has a group «%(name)s».")
                        % {"class": school_class, "name": name},
                        code="group_exists",
                    )
                ]
            }
        )
    created = group is None
    before = {} if group is None else {"name": group.name}
    if group is None:
        group = StudyGroup(school_class=school_class)
    if before.get("name") == name:
        return Saved(group, changed=False)
    group.name = name
    group.save()
    audit.record(
        actor=actor,
        action="school.group_saved",
        target=group,
        before=before or None,
        after={"name": name, "school_class": str(school_class)},
        organization_id=year.organization_id,
    )
    return Saved(group, created=created)


@transaction.atomic
def delete_group(*, actor: Actor, group: StudyGroup) -> StudyGroup:
    """Remove a subgroup that no teaching assignment uses; its list of students goes with it."""
    school_class = group.school_class
    year = locked_year(school_class.year)
    check_manage(actor, year)
    group = StudyGroup.objects.select_for_update().get(pk=group.pk)
    if group.is_whole_class:
        raise ValidationError(
            _("The whole-class group goes only with its class."), code="whole_class_group"
        )
    subjects = list(
        TeachingAssignment.objects.filter(group=group)
        .order_by("subject__name")
        .values_list("subject__name", flat=True)
    )
    if subjects:
        raise ValidationError(
            _("The group «%(name)s» cannot be deleted: it is taught %(subjects)s.")
            % {"name": group.name, "subjects": ", ".join(subjects)},
            code="group_in_use",
        )
    audit.record(
        actor=actor,
        action="school.group_deleted",
        target=group,
        before={"name": group.name, "school_class": str(school_class)},
        organization_id=year.organization_id,
    )
    group.delete()
    return group


# --- Teaching assignments ---------------------------------------------------------------------


def _assignment_state(assignment: TeachingAssignment) -> dict:
    return {
        "group": str(assignment.group),
        "subject": assignment.subject.name,
        "teacher": _teacher_name(assignment.teacher),
        "is_pass_fail": assignment.is_pass_fail,
    }


@transaction.atomic
def save_assignment(
    *,
    actor: Actor,
    group: StudyGroup,
    subject: Subject | None,
    teacher: Membership | None,
    is_pass_fail: bool = False,
    assignment: TeachingAssignment | None = None,
) -> Saved:
    """Who teaches a subject to a class or a subgroup; a new teacher takes the lessons from today
    on, the lessons that took place keep their teacher."""
    school_class = group.school_class
    year = locked_year(school_class.year)
    check_manage(actor, year)
    if group.school_class.organization_id != year.organization_id:
        raise ValidationError(_("The group belongs to another school."), code="group_other_school")
    if assignment is not None:
        assignment = (
            TeachingAssignment.objects.select_for_update(of=("self",))
            .select_related("group__school_class", "subject", "teacher__person")
            .get(pk=assignment.pk)
        )
        if assignment.group_id != group.pk or (
            subject is not None and assignment.subject_id != subject.pk
        ):
            raise ValidationError(
                _(
                    "The subject and the group of a journal do not change: add a new teaching "
                    "assignment instead."
                ),
                code="assignment_fixed",
            )
        subject = assignment.subject
    errors: dict[str, list[ValidationError]] = {}
    if subject is None:
        errors["subject"] = [ValidationError(_("Choose the subject."), code="subject")]
    if teacher is None:
        errors["teacher"] = [ValidationError(_("Choose the teacher."), code="teacher")]
    elif not is_active_teacher(teacher, year.organization):
        errors["teacher"] = [
            ValidationError(
                _(
                    "%(name)s cannot teach here: choose a current member of this school's staff "
                    "with the teacher role."
                )
                % {"name": teacher.person.full_name},
                code="teacher_not_active",
            )
        ]
    if subject is not None and assignment is None:
        taken = (
            TeachingAssignment.objects.filter(group=group, subject=subject)
            .select_related("teacher__person")
            .first()
        )
        if taken is not None:
            errors["subject"] = [
                ValidationError(
                    _("%(group)s already learns %(subject)s with %(teacher)s.")
                    % {
                        "group": group,
                        "subject": subject.name,
                        "teacher": taken.teacher.person.full_name,
                    },
                    code="assignment_exists",
                )
            ]
    if errors:
        raise ValidationError(errors)
    assert subject is not None and teacher is not None
    created = assignment is None
    if assignment is None:
        assignment = TeachingAssignment(group=group, subject=subject)
        before: dict = {}
    else:
        before = _assignment_state(assignment)
    teacher_changed = assignment.teacher_id != teacher.pk
    assignment.teacher, assignment.is_pass_fail = teacher, bool(is_pass_fail)
    after = _assignment_state(assignment)
    if before == after:
        return Saved(assignment, changed=False)
    assignment.save()
    if teacher_changed and not created:
        # The journal's `sync_lessons` moves lessons from this day on to the new teacher.
        year.mark_lessons_stale(since=calendar.today())
        school_class.year.lessons_stale_from = year.lessons_stale_from
    old, new = audit.changed(before, after)
    audit.record(
        actor=actor,
        action="school.assignment_saved",
        target=assignment,
        before=old or None,
        after=new,
        organization_id=year.organization_id,
    )
    return Saved(assignment, created=created)


def _filled_lessons() -> Q:
    return (
        ~Q(topic="")
        | Q(marks__isnull=False)
        | Q(attendance__isnull=False)
        | Q(homework__isnull=False)
    )


@transaction.atomic
def delete_assignment(*, actor: Actor, assignment: TeachingAssignment) -> TeachingAssignment:
    """Remove a teaching assignment whose journal is empty, with its timetable and lessons."""
    year = locked_year(assignment.group.school_class.year)
    check_manage(actor, year)
    assignment = (
        TeachingAssignment.objects.select_for_update(of=("self",))
        .select_related("group__school_class", "subject", "teacher__person")
        .get(pk=assignment.pk)
    )
    # The journal's rows protect the assignment; a journal with a topic, homework, a mark or an
    # absence stays, an empty one goes together with its generated lessons.
    filled = assignment.lessons.filter(_filled_lessons()).values("pk").distinct().count()
    marks = assignment.marks.count()
    facts = {"subject": assignment.subject.name, "group": assignment.group, "count": filled}
    if filled:
        raise ValidationError(
            ngettext(
                "The journal of %(subject)s in %(group)s cannot be deleted: %(count)s lesson "
                "holds a topic, homework, marks or attendance. Change the teacher instead.",
                "The journal of %(subject)s in %(group)s cannot be deleted: %(count)s lessons "
                "hold topics, homework, marks or attendance. Change the teacher instead.",
                filled,
            )
            % facts,
            code="assignment_in_use",
        )
    if marks:
        raise ValidationError(
            _(
                "The journal of %(subject)s in %(group)s cannot be deleted: it holds period "
                "marks. Change the teacher instead."
            )
            % facts,
            code="assignment_in_use",
        )
    audit.record(
        actor=actor,
        action="school.assignment_deleted",
        target=assignment,
        before=_assignment_state(assignment),
        organization_id=year.organization_id,
    )
    TimetableEntry.objects.filter(assignment=assignment).delete()
    assignment.lessons.all().delete()
    assignment.delete()
    return assignment
