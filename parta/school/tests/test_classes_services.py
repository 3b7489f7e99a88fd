"""Classes, subgroups and teaching assignments: what the deputy head may enter, and what is refused."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parta.core.models import AuditEntry
from parta.identity.models import OrgRole
from parta.school.models import (
    AcademicYear,
    SchoolClass,
    StudyGroup,
    TeachingAssignment,
    TimetableEntry,
)
from parta.school.services.classes import (
    delete_assignment,
    delete_class,
    delete_group,
    save_assignment,
    save_class,
    save_group,
)


def _codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


# --- Classes ----------------------------------------------------------------------------------


def test_deputy_head_adds_a_class_with_its_whole_class_group(region, school):
    deputy = region.member("deputy_head")

    saved = save_class(
        actor=deputy,
        year=school.year,
        grade=6,
        letter=" а ",
        class_teacher=region.member("teacher"),
    )

    school_class = SchoolClass.objects.get(pk=saved.row.pk)
    assert (school_class.grade, school_class.letter) == (6, "А")
    assert school_class.class_teacher_id == region.members["teacher"].pk
    assert school_class.organization_id == region.school.pk
    assert list(school_class.groups.values_list("is_whole_class", flat=True)) == [True]
    entry = AuditEntry.objects.get(action="school.class_saved", target_id=school_class.pk)
    assert entry.after["letter"] == "А"


def test_administrator_may_add_a_class_too(region, school):
    saved = save_class(
        actor=region.member("admin"), year=school.year, grade=1, letter="В", class_teacher=None
    )
    assert saved.created and saved.row.class_teacher is None


@pytest.mark.parametrize("persona", ["teacher", "director", "secretary", "other_school_admin"])
def test_others_may_not_add_classes(region, school, persona):
    with pytest.raises(PermissionDenied):
        save_class(
            actor=region.member(persona), year=school.year, grade=6, letter="А", class_teacher=None
        )
    assert not SchoolClass.objects.filter(grade=6).exists()


@pytest.mark.parametrize(
    ("grade", "letter", "code"),
    [
        (0, "А", "grade"),
        (12, "А", "grade"),
        (None, "А", "grade"),
        (6, "  ", "letter"),
        (6, "АБВГДЕ", "letter_too_long"),
        (5, "а", "class_exists"),
    ],
)
def test_bad_class_is_refused_and_nothing_is_saved(region, school, grade, letter, code):
    before = SchoolClass.objects.count()
    with pytest.raises(ValidationError) as caught:
        save_class(
            actor=region.member("deputy_head"),
            year=school.year,
            grade=grade,
            letter=letter,
            class_teacher=None,
        )
    assert code in _codes(caught.value)
    assert SchoolClass.objects.count() == before
    assert not AuditEntry.objects.filter(action="school.class_saved").exists()


@pytest.mark.parametrize("persona", ["secretary", "other_school_teacher", "student"])
def test_class_teacher_must_be_a_current_teacher_of_the_school(region, school, persona):
    with pytest.raises(ValidationError) as caught:
        save_class(
            actor=region.member("deputy_head"),
            year=school.year,
            grade=6,
            letter="А",
            class_teacher=region.members[persona],
        )
    assert _codes(caught.value) == {"class_teacher"}
    assert not SchoolClass.objects.filter(grade=6).exists()


def test_archived_teacher_cannot_lead_a_class(region, school):
    teacher = region.members["teacher"]
    teacher.is_archived = True
    teacher.save(update_fields=["is_archived"])
    with pytest.raises(ValidationError):
        save_class(
            actor=region.member("deputy_head"),
            year=school.year,
            grade=6,
            letter="А",
            class_teacher=teacher,
        )


def test_changing_the_class_teacher_is_audited_with_before_and_after(region, school):
    save_class(
        actor=region.member("deputy_head"),
        year=school.year,
        grade=5,
        letter="А",
        class_teacher=region.members["director"],
        school_class=school.class_5a,
    )

    school.class_5a.refresh_from_db()
    assert school.class_5a.class_teacher_id == region.members["director"].pk
    entry = AuditEntry.objects.get(action="school.class_saved", target_id=school.class_5a.pk)
    assert set(entry.after) == {"class_teacher"}
    assert entry.before["class_teacher"] == region.members["teacher"].person.full_name


def test_renaming_a_class_onto_another_is_refused(region, school):
    with pytest.raises(ValidationError) as caught:
        save_class(
            actor=region.member("deputy_head"),
            year=school.year,
            grade=5,
            letter="Б",
            class_teacher=None,
            school_class=school.class_5a,
        )
    assert _codes(caught.value) == {"class_exists"}
    school.class_5a.refresh_from_db()
    assert school.class_5a.letter == "А"


def test_saving_unchanged_class_writes_nothing(region, school):
    saved = save_class(
        actor=region.member("deputy_head"),
        year=school.year,
        grade=5,
        letter="А",
        class_teacher=region.members["teacher"],
        school_class=school.class_5a,
    )
    assert not saved.changed
    assert not AuditEntry.objects.filter(action="school.class_saved").exists()


def test_class_in_an_archived_year_cannot_change(region, school):
    school.year.is_archived = True
    school.year.save(update_fields=["is_archived"])
    with pytest.raises(ValidationError) as caught:
        save_class(
            actor=region.member("deputy_head"),
            year=school.year,
            grade=6,
            letter="А",
            class_teacher=None,
        )
    assert _codes(caught.value) == {"year_archived"}


def test_empty_class_can_be_deleted(region, school):
    saved = save_class(
        actor=region.member("deputy_head"),
        year=school.year,
        grade=7,
        letter="А",
        class_teacher=None,
    )
    save_group(actor=region.member("deputy_head"), school_class=saved.row, name="Группа 1")

    delete_class(actor=region.member("deputy_head"), school_class=saved.row)

    assert not SchoolClass.objects.filter(pk=saved.row.pk).exists()
    assert not StudyGroup.objects.filter(school_class_id=saved.row.pk).exists()
    assert AuditEntry.objects.filter(action="school.class_deleted").exists()


def test_class_with_students_and_journals_is_not_deleted(region, school):
    with pytest.raises(ValidationError) as caught:
        delete_class(actor=region.member("deputy_head"), school_class=school.class_5a)
    assert _codes(caught.value) == {"class_in_use"}
    message = caught.value.messages[0]
    assert "3" in message and "4" in message  # 3 students, 4 teaching assignments
    assert SchoolClass.objects.filter(pk=school.class_5a.pk).exists()


def test_teacher_may_not_delete_a_class(region, school):
    saved = save_class(
        actor=region.member("deputy_head"),
        year=school.year,
        grade=7,
        letter="А",
        class_teacher=None,
    )
    with pytest.raises(PermissionDenied):
        delete_class(actor=region.member("teacher"), school_class=saved.row)
    assert SchoolClass.objects.filter(pk=saved.row.pk).exists()


# --- Groups -----------------------------------------------------------------------------------


def test_subgroup_is_added_renamed_and_deleted(region, school):
    deputy = region.member("deputy_head")
    group = save_group(
        actor=deputy, school_class=school.class_5a, name="  Английский,  группа 2 "
    ).row
    assert group.name == "Английский, группа 2" and not group.is_whole_class

    save_group(actor=deputy, school_class=school.class_5a, group=group, name="Немецкий")
    group.refresh_from_db()
    assert group.name == "Немецкий"

    delete_group(actor=deputy, group=group)
    assert not StudyGroup.objects.filter(pk=group.pk).exists()
    actions = list(
        AuditEntry.objects.filter(target_id=group.pk, action__startswith="school.group")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["school.group_saved", "school.group_saved", "school.group_deleted"]


def test_group_names_are_unique_in_a_class(region, school):
    with pytest.raises(ValidationError) as caught:
        save_group(
            actor=region.member("deputy_head"),
            school_class=school.class_5a,
            name="английский, группа 1",
        )
    assert _codes(caught.value) == {"group_exists"}
    assert school.class_5a.groups.count() == 2


def test_group_with_an_assignment_or_the_whole_class_cannot_be_deleted(region, school):
    deputy = region.member("deputy_head")
    with pytest.raises(ValidationError) as caught:
        delete_group(actor=deputy, group=school.english_group)
    assert _codes(caught.value) == {"group_in_use"}
    with pytest.raises(ValidationError) as caught:
        delete_group(actor=deputy, group=school.group(school.class_5a))
    assert _codes(caught.value) == {"whole_class_group"}
    assert school.class_5a.groups.count() == 2


# --- Teaching assignments ---------------------------------------------------------------------


def test_assignment_is_added_for_a_subject_of_the_catalogue(region, school):
    physics = region.subjects["Физика"]
    saved = save_assignment(
        actor=region.member("deputy_head"),
        group=school.group(school.class_5b),
        subject=physics,
        teacher=region.members["deputy_head"],
        is_pass_fail=True,
    )
    assignment = TeachingAssignment.objects.get(pk=saved.row.pk)
    assert (assignment.subject, assignment.teacher_id, assignment.is_pass_fail) == (
        physics,
        region.members["deputy_head"].pk,
        True,
    )
    assert AuditEntry.objects.filter(
        action="school.assignment_saved", target_id=assignment.pk
    ).exists()


def test_one_subject_once_per_group(region, school):
    with pytest.raises(ValidationError) as caught:
        save_assignment(
            actor=region.member("deputy_head"),
            group=school.group(school.class_5a),
            subject=region.subjects["Математика"],
            teacher=region.members["director"],
        )
    assert _codes(caught.value) == {"assignment_exists"}
    assert TeachingAssignment.objects.count() == 5


@pytest.mark.parametrize("persona", ["hr", "other_school_teacher"])
def test_assignment_teacher_must_teach_at_this_school(region, school, persona):
    with pytest.raises(ValidationError) as caught:
        save_assignment(
            actor=region.member("deputy_head"),
            group=school.group(school.class_5b),
            subject=region.subjects["Физика"],
            teacher=region.members[persona],
        )
    assert _codes(caught.value) == {"teacher_not_active"}
    assert TeachingAssignment.objects.count() == 5


def test_new_teacher_takes_the_lessons_from_today(region, school, today):
    assignment = school.assignments["math_5b"]
    save_assignment(
        actor=region.member("deputy_head"),
        group=assignment.group,
        subject=assignment.subject,
        teacher=region.members["director"],
        assignment=assignment,
    )

    assignment.refresh_from_db()
    assert assignment.teacher_id == region.members["director"].pk
    # The journal's `refresh_lessons` moves the lessons from the stale date on; the past stay.
    assert AcademicYear.objects.get(pk=school.year.pk).lessons_stale_from == today
    past = assignment.lessons.filter(date__lt=today).values_list("teacher_id", flat=True)
    assert set(past) == {region.members["teacher"].pk}
    entry = AuditEntry.objects.get(action="school.assignment_saved", target_id=assignment.pk)
    assert set(entry.after) == {"teacher"}


def test_same_teacher_again_does_not_touch_the_lessons(region, school):
    assignment = school.assignments["math_5b"]
    saved = save_assignment(
        actor=region.member("deputy_head"),
        group=assignment.group,
        subject=assignment.subject,
        teacher=region.members["teacher"],
        assignment=assignment,
    )
    assert not saved.changed
    assert AcademicYear.objects.get(pk=school.year.pk).lessons_stale_from is None


def test_subject_and_group_of_an_assignment_do_not_change(region, school):
    assignment = school.assignments["math_5a"]
    with pytest.raises(ValidationError) as caught:
        save_assignment(
            actor=region.member("deputy_head"),
            group=assignment.group,
            subject=region.subjects["Физика"],
            teacher=region.members["teacher"],
            assignment=assignment,
        )
    assert _codes(caught.value) == {"assignment_fixed"}


def test_empty_journal_is_deleted_with_its_timetable_and_lessons(region, school):
    saved = save_assignment(
        actor=region.member("deputy_head"),
        group=school.group(school.class_5b),
        subject=region.subjects["Физика"],
        teacher=region.members["teacher"],
    )
    assignment = saved.row
    TimetableEntry.objects.create(
        assignment=assignment,
        weekday=5,
        period=1,
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 5, 31),
    )
    empty = school.assignments["history_5a"]
    assert empty.lessons.exists()

    delete_assignment(actor=region.member("deputy_head"), assignment=empty)
    delete_assignment(actor=region.member("deputy_head"), assignment=assignment)

    assert not TeachingAssignment.objects.filter(pk__in=[empty.pk, assignment.pk]).exists()
    assert not TimetableEntry.objects.filter(assignment_id__in=[empty.pk, assignment.pk]).exists()
    assert AuditEntry.objects.filter(action="school.assignment_deleted").count() == 2


def test_journal_with_a_topic_is_not_deleted(region, school, today):
    assignment = school.assignments["math_5a"]
    lesson = assignment.lessons.filter(date__lt=today).first()
    lesson.topic = "Натуральные числа"
    lesson.save(update_fields=["topic"])

    with pytest.raises(ValidationError) as caught:
        delete_assignment(actor=region.member("deputy_head"), assignment=assignment)

    assert _codes(caught.value) == {"assignment_in_use"}
    assert TeachingAssignment.objects.filter(pk=assignment.pk).exists()
    assert assignment.lessons.count() > 1
    assert not AuditEntry.objects.filter(action="school.assignment_deleted").exists()


def test_teacher_role_is_needed_to_teach(region, school):
    hr = region.members["hr"]
    assert not hr.role_rows.filter(role=OrgRole.TEACHER).exists()
    with pytest.raises(ValidationError):
        save_assignment(
            actor=region.member("admin"),
            group=school.english_group,
            subject=region.subjects["Физика"],
            teacher=hr,
        )
