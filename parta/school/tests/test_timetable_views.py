"""«Расписание»: who sees the timetable, who changes it, and what it costs."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.school.models import (
    SchoolClass,
    StudyGroup,
    TeachingAssignment,
    TimetableEntry,
)
from parta.school.services.timetable import save_entry

TIMETABLE = "school:timetable"
SCHOOL_STAFF = [
    "admin",
    "director",
    "deputy_head",
    "teacher",
    "hr",
    "secretary",
    "medical",
    "psychologist",
    "tech_staff",
]


def entries_state() -> list[tuple]:
    return list(
        TimetableEntry.objects.order_by("pk").values_list(
            "pk", "assignment_id", "weekday", "period", "room", "starts_on", "ends_on"
        )
    )


def url(name: str = TIMETABLE, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse(name)}?{query}" if query else reverse(name)


@pytest.mark.parametrize("persona", SCHOOL_STAFF)
def test_the_schools_staff_see_its_timetable(client, region, school, persona):
    region.login(client, persona)

    response = client.get(url(**{"class": school.class_5a.pk}))

    assert response.status_code == 200
    entry = TimetableEntry.objects.filter(assignment=school.assignments["math_5a"]).first()
    assert f'data-testid="entry-{entry.pk}"' in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["student", "parent", "municipal_admin", "regional_admin", "events_coordinator"]
)
def test_students_parents_and_authorities_have_no_timetable_of_their_own(
    client, region, school, persona
):
    region.login(client, persona)

    assert client.get(url()).status_code == 404


def test_another_schools_admin_sees_only_their_own_school(client, region, school):
    region.login(client, "other_school_admin")

    response = client.get(url())

    assert response.status_code == 200
    assert 'data-testid="no-year"' in response.content.decode()
    assert client.get(url(**{"class": school.class_5a.pk})).status_code == 200
    assert "Математика" not in client.get(url(**{"class": school.class_5a.pk})).content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("municipal_admin", 200),
        ("municipal_head", 200),
        ("municipal_staff", 200),
        ("regional_admin", 200),
        ("municipal_operator", 404),
        ("events_coordinator", 404),
        ("south_admin", 404),
        ("other_school_admin", 404),
        ("other_school_teacher", 404),
        ("parent", 404),
    ],
)
def test_subordinate_schools_timetable_for_the_authority(client, region, school, persona, status):
    region.login(client, persona)

    response = client.get(reverse("school:timetable-of", args=[region.school.pk]))

    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert 'data-testid="timetable-grid"' in body
        assert 'data-testid="entry-form"' not in body


def test_a_teacher_first_sees_their_own_timetable(client, region, school):
    region.login(client, "teacher")

    body = client.get(url()).content.decode()

    teacher_entries = TimetableEntry.objects.filter(
        assignment__teacher=region.members["teacher"]
    ).values_list("pk", flat=True)
    history = TimetableEntry.objects.filter(assignment=school.assignments["history_5a"]).first()
    assert all(f'data-testid="entry-{pk}"' in body for pk in teacher_entries)
    assert f'data-testid="entry-{history.pk}"' not in body
    assert 'data-testid="timetable-regulation"' not in body


def test_the_deputy_head_first_sees_the_first_class_with_the_editor(client, region, school):
    region.login(client, "deputy_head")

    body = client.get(url()).content.decode()

    history = TimetableEntry.objects.filter(assignment=school.assignments["history_5a"]).first()
    assert f'data-testid="entry-{history.pk}"' in body
    assert 'data-testid="entry-form"' in body


def test_the_timetable_by_room(client, region, school):
    region.login(client, "secretary")

    body = client.get(url(room="14")).content.decode()

    history = TimetableEntry.objects.filter(assignment=school.assignments["history_5a"])
    math = TimetableEntry.objects.filter(assignment=school.assignments["math_5a"]).first()
    assert all(f'data-testid="entry-{entry.pk}"' in body for entry in history)
    assert f'data-testid="entry-{math.pk}"' not in body


def test_a_class_or_teacher_of_another_school_is_404(client, region, school):
    region.login(client, "deputy_head")
    other = region.members["other_school_teacher"]

    assert client.get(url(teacher=other.pk)).status_code == 404
    assert client.get(url(**{"class": 999999})).status_code == 404


def test_saturday_and_unused_periods_follow_the_timetable(client, region, school):
    region.login(client, "deputy_head")
    assert 'data-testid="day-5"' not in client.get(url()).content.decode()

    save_entry(
        actor=region.member("deputy_head"),
        assignment=school.assignments["history_5a"],
        weekday=5,
        period=1,
        room="14",
        starts_on=date(2026, 11, 30),
    )

    body = client.get(url(date="2026-12-01")).content.decode()
    assert 'data-testid="day-5"' in body
    assert 'data-testid="period-4"' in body


def test_a_change_shows_from_its_week_on(client, region, school):
    region.login(client, "deputy_head")
    old = TimetableEntry.objects.get(assignment=school.assignments["math_5a"], weekday=0, period=1)
    new = save_entry(
        actor=region.member("deputy_head"),
        assignment=school.assignments["math_5a"],
        weekday=0,
        period=4,
        room="21",
        starts_on=date(2026, 11, 30),
        replaces=old,
    )

    this_week = client.get(url(**{"class": school.class_5a.pk})).content.decode()
    next_week = client.get(url(**{"class": school.class_5a.pk, "date": "2026-12-02"})).content
    assert f'data-testid="entry-{old.pk}"' in this_week
    assert f'data-testid="entry-{new.pk}"' not in this_week
    assert f'data-testid="entry-{new.pk}"' in next_week.decode()
    assert f'data-testid="entry-{old.pk}"' not in next_week.decode()


def test_the_regulation_shows_classes_without_a_timetable_to_the_deputy_head(
    client, region, school
):
    region.login(client, "deputy_head")
    body = client.get(url()).content.decode()
    assert 'data-complete="yes"' in body

    empty = SchoolClass.objects.create(
        year=school.year, organization=region.school, grade=6, letter="А"
    )
    StudyGroup.objects.create(school_class=empty, is_whole_class=True)

    body = client.get(url()).content.decode()
    assert 'data-complete="no"' in body
    assert f'?class={empty.pk}" data-testid="class-without-timetable"' in body
    # The deadline of seed 004, 3.3.3.2 has passed (today is 25.11.2026).
    assert "02.09.2026" in body


def post_entry(client, school, headers=None, **fields):
    data = {
        "class": school.class_5a.pk,
        "weekday": 0,
        "period": 4,
        "assignment": school.assignments["history_5a"].pk,
        "room": "14",
        "starts_on": "2026-11-30",
        **fields,
    }
    return client.post(reverse("school:timetable-entry-save"), data, headers=headers)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("deputy_head", 302),
        ("admin", 302),
        ("director", 403),
        ("teacher", 403),
        ("secretary", 403),
        ("tech_staff", 403),
        ("other_school_admin", 404),
        ("municipal_admin", 404),
        ("parent", 404),
        ("student", 404),
    ],
)
def test_who_adds_a_lesson(client, region, school, persona, status):
    region.login(client, persona)
    before = entries_state()

    response = post_entry(client, school)

    assert response.status_code == status
    added = TimetableEntry.objects.filter(
        assignment=school.assignments["history_5a"], weekday=0, period=4
    )
    assert added.exists() == (status == 302)
    if status != 302:
        assert entries_state() == before


def test_a_conflict_is_shown_on_the_form_and_nothing_is_saved(client, region, school):
    region.login(client, "deputy_head")
    before = entries_state()

    response = post_entry(client, school, period=1)

    assert response.status_code == 200
    assert 'class="errorlist nonfield"' in response.content.decode()
    assert entries_state() == before


def test_htmx_save_returns_the_updated_timetable(client, region, school):
    region.login(client, "deputy_head")

    response = post_entry(client, school, headers={"HX-Request": "true"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    added = TimetableEntry.objects.get(
        assignment=school.assignments["history_5a"], weekday=0, period=4
    )
    assert 'data-testid="timetable-saved"' in body
    assert added.starts_on == date(2026, 11, 30)


def test_changing_a_lesson_through_the_form(client, region, school):
    region.login(client, "deputy_head")
    old = TimetableEntry.objects.get(assignment=school.assignments["math_5a"], weekday=0, period=1)
    form_page = client.get(url(**{"class": school.class_5a.pk, "edit": old.pk})).content.decode()
    assert f'name="entry" value="{old.pk}"' in form_page

    response = post_entry(
        client, school, entry=old.pk, assignment=school.assignments["math_5a"].pk, room="21"
    )

    assert response.status_code == 302
    old.refresh_from_db()
    assert old.ends_on == date(2026, 11, 29)
    assert TimetableEntry.objects.filter(
        assignment=school.assignments["math_5a"], weekday=0, period=4, starts_on=date(2026, 11, 30)
    ).exists()


def test_removing_a_lesson_through_the_form(client, region, school):
    entry = TimetableEntry.objects.get(
        assignment=school.assignments["history_5a"], weekday=1, period=3
    )
    remove = reverse("school:timetable-entry-remove", args=[entry.pk])
    region.login(client, "teacher")
    assert client.post(remove, {"starts_on": "2026-11-30"}).status_code == 403
    region.login(client, "other_school_admin")
    assert client.post(remove, {"starts_on": "2026-11-30"}).status_code == 404
    entry.refresh_from_db()
    assert entry.ends_on == school.year.ends_on

    region.login(client, "deputy_head")
    assert client.post(remove, {"starts_on": "2026-11-30"}).status_code == 302

    entry.refresh_from_db()
    assert entry.ends_on == date(2026, 11, 29)


def test_a_lesson_of_another_class_cannot_be_changed_through_this_class(client, region, school):
    region.login(client, "deputy_head")
    math_5b = TimetableEntry.objects.filter(assignment=school.assignments["math_5b"]).first()
    before = entries_state()

    response = post_entry(
        client, school, entry=math_5b.pk, assignment=school.assignments["math_5a"].pk
    )

    assert response.status_code == 200
    assert entries_state() == before


def add_class_with_entries(region, school, letter: str, lessons: int) -> SchoolClass:
    school_class = SchoolClass.objects.create(
        year=school.year, organization=region.school, grade=7, letter=letter
    )
    group = StudyGroup.objects.create(school_class=school_class, is_whole_class=True)
    subject = region.subjects["Физика"]
    teacher = region.members["admin"]
    assignment = TeachingAssignment.objects.create(group=group, subject=subject, teacher=teacher)
    for index in range(lessons):
        TimetableEntry.objects.create(
            assignment=assignment,
            weekday=index % 5,
            period=1 + index // 5,
            room=f"{letter}{index}",
            starts_on=school.year.starts_on,
            ends_on=school.year.ends_on,
        )
    return school_class


def test_the_timetable_costs_the_same_queries_for_a_small_and_a_full_class(
    client, region, school, django_assert_num_queries
):
    small = add_class_with_entries(region, school, "А", 1)
    full = add_class_with_entries(region, school, "Б", 20)
    region.login(client, "deputy_head")
    client.get(url(**{"class": small.pk}))

    with CaptureQueriesContext(connection) as small_queries:
        client.get(url(**{"class": small.pk}))
    small_count = len(small_queries)
    assert small_count > 0
    with django_assert_num_queries(small_count):
        client.get(url(**{"class": full.pk}))


def test_the_teachers_timetable_costs_the_same_queries_whatever_their_load(
    client, region, school, django_assert_num_queries
):
    region.login(client, "deputy_head")
    director = region.members["director"]
    teacher = region.members["teacher"]
    client.get(url(teacher=director.pk))

    with CaptureQueriesContext(connection) as light:
        client.get(url(teacher=director.pk))
    light_count = len(light)
    assert light_count > 0
    with django_assert_num_queries(light_count):
        client.get(url(teacher=teacher.pk))
