"""Enrolment dates decide who is in a class and in a group on a day."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from parta.core.models import AuditEntry
from parta.core.testing.personas import SYSTEM
from parta.students.models import ClassEnrolment
from parta.students.selectors import rosters as selectors
from parta.students.services.enrolment import transfer_student, withdraw_student


def test_group_roster_lists_subgroup_members_only(school):
    roster = selectors.group_roster(
        group=school.english_group, starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 27)
    )
    assert [row.student for row in roster] == [
        school.students["student"],
        school.students["pupil_2"],
    ]


def test_a_transfer_ends_one_class_and_opens_another(school):
    pupil = school.students["pupil_3"]
    transfer_student(
        actor=SYSTEM, student=pupil, school_class=school.class_5b, on=date(2026, 11, 16)
    )

    assert selectors.is_in_group(
        student=pupil, group=school.group(school.class_5a), on=date(2026, 11, 13)
    )
    assert not selectors.is_in_group(
        student=pupil, group=school.group(school.class_5a), on=date(2026, 11, 16)
    )
    assert selectors.is_in_group(
        student=pupil, group=school.group(school.class_5b), on=date(2026, 11, 16)
    )
    roster = selectors.group_roster(
        group=school.group(school.class_5a), starts_on=date(2026, 11, 5), ends_on=date(2026, 12, 27)
    )
    row = next(row for row in roster if row.student == pupil)
    assert row.covers(date(2026, 11, 13)) and not row.covers(date(2026, 11, 20))
    assert AuditEntry.objects.filter(
        action="students.student_transferred", target_id=pupil.pk
    ).exists()


def test_a_transfer_before_the_enrolment_is_refused_and_changes_nothing(school):
    pupil = school.students["pupil_3"]
    with pytest.raises(ValidationError):
        transfer_student(
            actor=SYSTEM, student=pupil, school_class=school.class_5b, on=date(2026, 9, 1)
        )
    assert ClassEnrolment.objects.filter(student=pupil).count() == 1


def test_withdrawal_closes_the_enrolment(school):
    pupil = school.students["pupil_3"]
    withdraw_student(actor=SYSTEM, student=pupil, last_day=date(2026, 11, 20))
    assert (
        not selectors.class_students(school_class=school.class_5a, on=date(2026, 11, 23))
        .filter(pk=pupil.pk)
        .exists()
    )
    assert (
        selectors.class_students(school_class=school.class_5a, on=date(2026, 11, 20))
        .filter(pk=pupil.pk)
        .exists()
    )


def test_a_parent_sees_both_children_and_a_student_only_self(school, region):
    children = selectors.diary_children(region.member("parent"))
    assert [child.student for child in children] == [
        school.students["pupil_5b"],
        school.students["student"],
    ]  # alphabetical: Алексеев Антон, Алексеева Анна
    assert [c.student for c in selectors.diary_children(region.member("student"))] == [
        school.students["student"]
    ]
    assert selectors.diary_children(region.member("teacher")) == []
