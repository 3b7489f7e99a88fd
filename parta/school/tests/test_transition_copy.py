"""The school's part of the transition: the next year as a copy of the old one, classes one up."""

from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parta.core.models import AuditEntry
from parta.school.models import (
    AcademicYear,
    SchoolClass,
    TeachingAssignment,
    TimetableEntry,
)
from parta.school.services.classes import save_class
from parta.school.services.transition import (
    archive_year,
    copy_year,
    next_year_dates,
    promoted_grade,
)

NEW_START, NEW_END = date(2027, 9, 1), date(2028, 5, 31)


def test_graduating_parallels_are_not_promoted():
    assert [promoted_grade(grade) for grade in (1, 4, 8, 9, 10, 11)] == [2, 5, 9, None, 11, None]


def test_next_year_defaults_to_the_same_days_a_year_later(school):
    assert next_year_dates(school.year) == (NEW_START, NEW_END)


def test_copy_makes_the_next_year_with_the_structure_one_parallel_up(region, school):
    deputy = region.member("deputy_head")
    save_class(actor=deputy, year=school.year, grade=9, letter="А", class_teacher=None)

    copy = copy_year(actor=deputy, year=school.year, starts_on=NEW_START, ends_on=NEW_END)

    year = AcademicYear.objects.get(pk=copy.year.pk)
    assert (year.starts_on, year.ends_on, year.term_kind) == (NEW_START, NEW_END, "quarter")
    assert year.lessons_stale_from == NEW_START
    assert list(year.terms.order_by("number").values_list("starts_on", "ends_on")) == [
        (date(2027, 9, 1), date(2027, 10, 24)),
        (date(2027, 11, 5), date(2027, 12, 27)),
        (date(2028, 1, 12), date(2028, 3, 21)),
        (date(2028, 4, 1), date(2028, 5, 31)),
    ]
    assert year.holidays.count() == 3
    assert list(year.bells.values_list("number", "starts_at")) == [
        (1, time(8, 30)),
        (2, time(9, 25)),
        (3, time(10, 30)),
        (4, time(11, 35)),
    ]
    assert year.curriculum.count() == 4
    classes = {str(c): c for c in SchoolClass.objects.filter(year=year)}
    assert sorted(classes) == ["6А", "6Б"]
    assert [str(c) for c in copy.not_promoted] == ["9А"]
    six_a = classes["6А"]
    assert six_a.previous_id == school.class_5a.pk
    assert six_a.class_teacher_id == region.members["teacher"].pk
    assert sorted(six_a.groups.values_list("name", "is_whole_class")) == [
        ("", True),
        ("Английский, группа 1", False),
    ]
    copied = TeachingAssignment.objects.filter(group__school_class__year=year)
    assert sorted((str(a), a.teacher_id) for a in copied) == sorted(
        (str(a).replace("5", "6", 1), a.teacher_id) for a in school.assignments.values()
    )
    entries = TimetableEntry.objects.filter(assignment__group__school_class__year=year)
    assert (
        entries.count()
        == TimetableEntry.objects.filter(assignment__group__school_class__year=school.year).count()
    )
    assert set(entries.values_list("starts_on", "ends_on")) == {(NEW_START, NEW_END)}
    assert AuditEntry.objects.filter(action="school.year_transition", target_id=year.pk).exists()
    # The old year is untouched by the copy itself.
    assert not AcademicYear.objects.get(pk=school.year.pk).is_archived


def test_teacher_who_left_is_not_carried_over(region, school):
    teacher = region.members["director"]
    teacher.is_director = False
    teacher.is_archived = True
    teacher.save(update_fields=["is_director", "is_archived"])

    copy = copy_year(
        actor=region.member("deputy_head"), year=school.year, starts_on=NEW_START, ends_on=NEW_END
    )

    assert [a.pk for a in copy.skipped_assignments] == [school.assignments["history_5a"].pk]
    assert not TeachingAssignment.objects.filter(
        group__school_class__year=copy.year, subject__name="История"
    ).exists()


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "code"),
    [
        (date(2027, 5, 31), date(2028, 5, 31), "year_not_after"),
        (date(2027, 9, 1), date(2027, 8, 31), "year_dates_reversed"),
        (date(2027, 9, 1), date(2028, 12, 31), "year_too_long"),
        (None, date(2028, 5, 31), "dates_missing"),
    ],
)
def test_bad_dates_are_refused_and_nothing_is_made(region, school, starts_on, ends_on, code):
    with pytest.raises(ValidationError) as caught:
        copy_year(
            actor=region.member("deputy_head"),
            year=school.year,
            starts_on=starts_on,
            ends_on=ends_on,
        )
    assert caught.value.code == code
    assert AcademicYear.objects.count() == 1
    assert SchoolClass.objects.count() == 2


def test_a_year_already_at_those_dates_is_refused(region, school):
    AcademicYear.objects.create(
        organization=region.school, starts_on=date(2027, 9, 1), ends_on=date(2028, 5, 31)
    )
    with pytest.raises(ValidationError) as caught:
        copy_year(
            actor=region.member("deputy_head"),
            year=school.year,
            starts_on=NEW_START,
            ends_on=NEW_END,
        )
    assert caught.value.code == "year_exists"
    assert AcademicYear.objects.count() == 2


@pytest.mark.parametrize("persona", ["teacher", "director", "other_school_admin"])
def test_only_managers_copy_a_year(region, school, persona):
    with pytest.raises(PermissionDenied):
        copy_year(
            actor=region.member(persona), year=school.year, starts_on=NEW_START, ends_on=NEW_END
        )
    assert AcademicYear.objects.count() == 1


def test_archived_year_is_read_only(region, school):
    deputy = region.member("deputy_head")
    archive_year(actor=deputy, year=school.year)

    with pytest.raises(ValidationError) as caught:
        save_class(actor=deputy, year=school.year, grade=6, letter="А", class_teacher=None)
    assert caught.value.error_list[0].code == "year_archived"
    with pytest.raises(ValidationError):
        copy_year(actor=deputy, year=school.year, starts_on=NEW_START, ends_on=NEW_END)
    assert AuditEntry.objects.filter(action="school.year_archived").count() == 1
