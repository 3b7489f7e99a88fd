"""Changing the weekly timetable from a date: conflicts refused with nothing saved."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parta.core.audit import AuditEntry
from parta.school.models import AcademicYear, StudyGroup, TeachingAssignment, TimetableEntry
from parta.school.services.timetable import remove_entry, save_entry

MONDAY, TUESDAY, SUNDAY = 0, 1, 6
CHANGE_ON = date(2026, 11, 30)


def timetable_state() -> list[tuple]:
    return list(
        TimetableEntry.objects.order_by("pk").values_list(
            "pk", "assignment_id", "weekday", "period", "room", "starts_on", "ends_on"
        )
    )


def stale_from(school) -> date | None:
    return AcademicYear.objects.get(pk=school.year.pk).lessons_stale_from


def entry_of(school, key: str, weekday: int, period: int) -> TimetableEntry:
    return TimetableEntry.objects.get(
        assignment=school.assignments[key], weekday=weekday, period=period
    )


def assign(region, group: StudyGroup, subject: str, persona: str) -> TeachingAssignment:
    return TeachingAssignment.objects.create(
        group=group, subject=region.subjects[subject], teacher=region.members[persona]
    )


def refused(region, school, code: str, **kwargs) -> ValidationError:
    """Call save_entry as the deputy head, expect a refusal with the code, and no change."""
    before, stale = timetable_state(), stale_from(school)
    with pytest.raises(ValidationError) as caught:
        save_entry(actor=region.member("deputy_head"), **kwargs)
    assert code in [error.code for error in caught.value.error_list]
    assert timetable_state() == before
    assert stale_from(school) == stale
    return caught.value


def test_a_new_lesson_runs_from_the_date_to_the_end_of_the_year(region, school):
    entry = save_entry(
        actor=region.member("deputy_head"),
        assignment=school.assignments["history_5a"],
        weekday=MONDAY,
        period=4,
        room=" 14 ",
        starts_on=CHANGE_ON,
    )

    assert (entry.starts_on, entry.ends_on, entry.room) == (CHANGE_ON, school.year.ends_on, "14")
    assert stale_from(school) == CHANGE_ON
    audit = AuditEntry.objects.get(action="school.timetable_changed", target_id=entry.pk)
    assert audit.before is None
    assert audit.after["period"] == 4


def test_a_change_ends_the_old_entry_the_day_before(region, school):
    old = entry_of(school, "math_5a", MONDAY, 1)

    new = save_entry(
        actor=region.member("deputy_head"),
        assignment=school.assignments["math_5a"],
        weekday=MONDAY,
        period=4,
        room="21",
        starts_on=CHANGE_ON,
        replaces=old,
    )

    old.refresh_from_db()
    assert old.ends_on == date(2026, 11, 29)
    assert (new.weekday, new.period, new.starts_on, new.ends_on) == (
        MONDAY,
        4,
        CHANGE_ON,
        school.year.ends_on,
    )
    audit = AuditEntry.objects.get(action="school.timetable_changed", target_id=new.pk)
    assert audit.before["period"] == 1
    assert audit.after["period"] == 4


def test_a_change_from_the_entrys_own_first_day_replaces_it(region, school):
    actor = region.member("deputy_head")
    first = save_entry(
        actor=actor,
        assignment=school.assignments["history_5a"],
        weekday=MONDAY,
        period=4,
        room="14",
        starts_on=CHANGE_ON,
    )

    second = save_entry(
        actor=actor,
        assignment=school.assignments["history_5a"],
        weekday=TUESDAY,
        period=4,
        room="14",
        starts_on=CHANGE_ON,
        replaces=first,
    )

    assert not TimetableEntry.objects.filter(pk=first.pk).exists()
    assert second.weekday == TUESDAY


def test_removing_a_lesson_keeps_it_in_earlier_weeks(region, school):
    entry = entry_of(school, "history_5a", TUESDAY, 3)

    remove_entry(actor=region.member("admin"), entry=entry, starts_on=CHANGE_ON)

    entry.refresh_from_db()
    assert entry.ends_on == date(2026, 11, 29)
    assert stale_from(school) == CHANGE_ON
    assert AuditEntry.objects.filter(
        action="school.timetable_entry_removed", target_id=entry.pk
    ).exists()


def test_removing_a_lesson_that_starts_on_the_date_deletes_it(region, school):
    actor = region.member("deputy_head")
    entry = save_entry(
        actor=actor,
        assignment=school.assignments["history_5a"],
        weekday=MONDAY,
        period=4,
        room="",
        starts_on=CHANGE_ON,
    )

    remove_entry(actor=actor, entry=entry, starts_on=CHANGE_ON)

    assert not TimetableEntry.objects.filter(pk=entry.pk).exists()


def test_a_lesson_number_outside_the_bell_schedule_is_refused(region, school):
    refused(
        region,
        school,
        "period_not_in_bells",
        assignment=school.assignments["history_5a"],
        weekday=MONDAY,
        period=7,
        room="",
        starts_on=CHANGE_ON,
    )


def test_the_class_cannot_have_two_lessons_at_once(region, school):
    error = refused(
        region,
        school,
        "group_busy",
        assignment=school.assignments["history_5a"],
        weekday=MONDAY,
        period=1,
        room="14",
        starts_on=CHANGE_ON,
    )
    assert "Математика" in error.messages[0]


def test_a_subgroup_lesson_clashes_with_a_whole_class_lesson(region, school):
    refused(
        region,
        school,
        "group_busy",
        assignment=school.assignments["english_5a"],
        weekday=MONDAY,
        period=2,
        room="31",
        starts_on=CHANGE_ON,
    )


def test_a_whole_class_lesson_clashes_with_a_subgroup_lesson(region, school):
    refused(
        region,
        school,
        "group_busy",
        assignment=school.assignments["history_5a"],
        weekday=MONDAY,
        period=3,
        room="14",
        starts_on=CHANGE_ON,
    )


def test_two_subgroups_of_a_class_may_share_a_slot(region, school):
    second = StudyGroup.objects.create(school_class=school.class_5a, name="Английский, группа 2")
    english_2 = assign(region, second, "Английский язык", "director")

    entry = save_entry(
        actor=region.member("deputy_head"),
        assignment=english_2,
        weekday=MONDAY,
        period=3,
        room="32",
        starts_on=CHANGE_ON,
    )

    assert entry.pk is not None


def test_a_teacher_cannot_teach_two_classes_at_once(region, school):
    error = refused(
        region,
        school,
        "teacher_busy",
        assignment=school.assignments["math_5b"],
        weekday=MONDAY,
        period=1,
        room="22",
        starts_on=CHANGE_ON,
    )
    assert "5А" in error.messages[0]


def test_a_room_cannot_hold_two_classes_at_once_whatever_the_case(region, school):
    history_5b = assign(region, school.group(school.class_5b), "История", "director")
    actor = region.member("deputy_head")
    save_entry(
        actor=actor,
        assignment=history_5b,
        weekday=MONDAY,
        period=4,
        room="Спортзал",
        starts_on=CHANGE_ON,
    )
    refused(
        region,
        school,
        "room_busy",
        assignment=school.assignments["math_5a"],
        weekday=MONDAY,
        period=4,
        room="СПОРТЗАЛ",
        starts_on=CHANGE_ON,
    )


def test_a_room_taken_in_another_class_is_refused(region, school):
    history_5b = assign(region, school.group(school.class_5b), "История", "director")

    refused(
        region,
        school,
        "room_busy",
        assignment=history_5b,
        weekday=MONDAY,
        period=1,
        room="21",
        starts_on=CHANGE_ON,
    )


def test_an_empty_room_never_clashes(region, school):
    history_5b = assign(region, school.group(school.class_5b), "История", "director")

    entry = save_entry(
        actor=region.member("deputy_head"),
        assignment=history_5b,
        weekday=TUESDAY,
        period=4,
        room="",
        starts_on=CHANGE_ON,
    )
    other = save_entry(
        actor=region.member("deputy_head"),
        assignment=school.assignments["math_5a"],
        weekday=TUESDAY,
        period=4,
        room="",
        starts_on=CHANGE_ON,
    )

    assert entry.pk and other.pk


def test_a_lesson_that_has_ended_before_the_date_does_not_clash(region, school):
    actor = region.member("deputy_head")
    remove_entry(actor=actor, entry=entry_of(school, "math_5a", MONDAY, 1), starts_on=CHANGE_ON)

    entry = save_entry(
        actor=actor,
        assignment=school.assignments["history_5a"],
        weekday=MONDAY,
        period=1,
        room="21",
        starts_on=CHANGE_ON,
    )

    assert entry.pk is not None
    with pytest.raises(ValidationError) as caught:
        save_entry(
            actor=actor,
            assignment=school.assignments["history_5a"],
            weekday=MONDAY,
            period=1,
            room="21",
            starts_on=date(2026, 11, 23),
            replaces=entry,
        )
    assert caught.value.error_list[0].code == "group_busy"


def test_a_date_outside_the_year_is_refused(region, school):
    refused(
        region,
        school,
        "date_outside_year",
        assignment=school.assignments["history_5a"],
        weekday=MONDAY,
        period=4,
        room="",
        starts_on=date(2027, 6, 1),
    )


def test_sunday_is_refused(region, school):
    refused(
        region,
        school,
        "bad_weekday",
        assignment=school.assignments["history_5a"],
        weekday=SUNDAY,
        period=1,
        room="",
        starts_on=CHANGE_ON,
    )


def test_removing_from_a_date_outside_the_year_is_refused(region, school):
    entry = entry_of(school, "history_5a", TUESDAY, 3)
    before = timetable_state()

    with pytest.raises(ValidationError):
        remove_entry(actor=region.member("deputy_head"), entry=entry, starts_on=date(2027, 7, 1))

    assert timetable_state() == before


@pytest.mark.parametrize(
    "persona", ["teacher", "director", "secretary", "other_school_admin", "municipal_admin"]
)
def test_only_the_deputy_head_and_the_administrator_change_the_timetable(region, school, persona):
    before = timetable_state()

    with pytest.raises(PermissionDenied):
        save_entry(
            actor=region.member(persona),
            assignment=school.assignments["history_5a"],
            weekday=MONDAY,
            period=4,
            room="",
            starts_on=CHANGE_ON,
        )
    with pytest.raises(PermissionDenied):
        remove_entry(
            actor=region.member(persona),
            entry=entry_of(school, "history_5a", TUESDAY, 3),
            starts_on=CHANGE_ON,
        )

    assert timetable_state() == before


def test_an_archived_year_is_read_only(region, school):
    AcademicYear.objects.filter(pk=school.year.pk).update(is_archived=True)
    before = timetable_state()

    with pytest.raises(ValidationError) as caught:
        save_entry(
            actor=region.member("deputy_head"),
            assignment=TeachingAssignment.objects.get(pk=school.assignments["history_5a"].pk),
            weekday=MONDAY,
            period=4,
            room="",
            starts_on=CHANGE_ON,
        )

    assert caught.value.code == "year_archived"
    assert timetable_state() == before
