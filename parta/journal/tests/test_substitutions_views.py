"""«Замены» page: who sees it, who sets substitutes, what it costs; the timetable shows them."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.journal.models import Lesson
from parta.journal.services.substitutions import set_substitute
from parta.school.models import SchoolClass, StudyGroup, TeachingAssignment
from parta.school.services.timetable import save_entry

WEDNESDAY = date(2026, 11, 25)
PAGE = "journal:substitutions"


def page_url(day: date = WEDNESDAY) -> str:
    return f"{reverse(PAGE)}?date={day.isoformat()}"


def set_url(lesson: Lesson) -> str:
    return reverse("journal:substitution-set", args=[lesson.pk])


def lessons_state() -> list[tuple]:
    return list(Lesson.objects.order_by("pk").values_list("pk", "substitute_id", "room"))


@pytest.mark.parametrize(
    ("persona", "status", "forms"),
    [
        ("deputy_head", 200, True),
        ("admin", 200, True),
        ("director", 200, False),
        ("teacher", 200, False),
        ("secretary", 200, False),
        ("tech_staff", 200, False),
        ("student", 404, False),
        ("parent", 404, False),
        ("municipal_admin", 404, False),
    ],
)
def test_who_sees_the_substitutions_of_a_date(client, region, school, persona, status, forms):
    region.login(client, persona)

    response = client.get(page_url())

    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        math = school.lessons("math_5a").get(date=WEDNESDAY)
        assert f'data-testid="lesson-{math.pk}"' in body
        assert ('data-testid="substitution-form"' in body) == forms


def test_another_schools_admin_sees_none_of_these_lessons(client, region, school):
    region.login(client, "other_school_admin")

    response = client.get(page_url())

    assert response.status_code == 200
    assert 'data-testid="no-lessons"' in response.content.decode()


def test_the_page_defaults_to_today(client, region, school):
    region.login(client, "deputy_head")

    response = client.get(reverse(PAGE))

    assert response.context["day"].on == WEDNESDAY


def test_only_free_teachers_are_offered(client, region, school):
    region.login(client, "deputy_head")

    response = client.get(page_url())

    rows = {
        row.lesson.assignment_id: row
        for group in response.context["day"].classes
        for row in group.rows
    }
    math_5b = rows[school.assignments["math_5b"].pk]
    offered = {teacher.pk for teacher in math_5b.candidates}
    # Lesson 2 on Wednesday: the deputy head teaches Russian in 5А, the teacher is this lesson's.
    assert region.members["director"].pk in offered
    assert region.members["deputy_head"].pk not in offered
    assert region.members["teacher"].pk not in offered


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("deputy_head", 302),
        ("admin", 302),
        ("director", 403),
        ("teacher", 403),
        ("secretary", 403),
        ("other_school_admin", 404),
        ("municipal_admin", 404),
        ("parent", 404),
    ],
)
def test_who_sets_a_substitute(client, region, school, persona, status):
    math = school.lessons("math_5a").get(date=WEDNESDAY)
    director = region.members["director"]
    region.login(client, persona)
    before = lessons_state()

    response = client.post(
        set_url(math),
        {f"lesson-{math.pk}-substitute": director.pk, f"lesson-{math.pk}-room": "14"},
    )

    assert response.status_code == status
    math.refresh_from_db()
    if status == 302:
        assert (math.substitute_id, math.room) == (director.pk, "14")
    else:
        assert lessons_state() == before


def test_htmx_gets_the_row_back_with_the_error_and_nothing_changes(client, region, school):
    math_5b = school.lessons("math_5b").get(date=WEDNESDAY)
    region.login(client, "deputy_head")
    before = lessons_state()

    response = client.post(
        set_url(math_5b),
        {f"lesson-{math_5b.pk}-substitute": region.members["deputy_head"].pk},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="journal-substitution-{math_5b.pk}"')
    assert 'data-testid="substitution-error"' in body
    assert lessons_state() == before


def test_htmx_clear_returns_the_row_without_substitute(client, region, school):
    math = school.lessons("math_5a").get(date=WEDNESDAY)
    set_substitute(
        actor=region.member("deputy_head"),
        lesson=math,
        substitute=region.members["director"],
        room="",
    )
    region.login(client, "deputy_head")

    response = client.post(
        set_url(math),
        {f"lesson-{math.pk}-substitute": region.members["director"].pk, "clear": "1"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert 'data-testid="substitute"' not in response.content.decode()
    math.refresh_from_db()
    assert math.substitute_id is None


def add_class_with_wednesday_lessons(region, school, lessons: int) -> None:
    school_class = SchoolClass.objects.create(
        year=school.year, organization=region.school, grade=9, letter="А"
    )
    group = StudyGroup.objects.create(school_class=school_class, is_whole_class=True)
    for period in range(1, lessons + 1):
        subject = list(region.subjects.values())[period - 1]
        assignment = TeachingAssignment.objects.create(
            group=group, subject=subject, teacher=region.members["admin"]
        )
        save_entry(
            actor=region.member("deputy_head"),
            assignment=assignment,
            weekday=2,
            period=period,
            room="",
            starts_on=date(2026, 11, 23),
        )


def test_the_substitutions_page_costs_the_same_queries_for_a_few_and_many_lessons(
    client, region, school, django_assert_num_queries
):
    region.login(client, "deputy_head")
    client.get(page_url())
    with CaptureQueriesContext(connection) as few:
        response = client.get(page_url())
    few_count = len(few)  # now: the connection keeps a bounded log of queries
    assert response.context["day"].lesson_count == 4

    add_class_with_wednesday_lessons(region, school, 4)
    client.get(page_url())  # lessons follow the timetable change once
    with django_assert_num_queries(few_count):
        response = client.get(page_url())
    assert response.context["day"].lesson_count == 8


def test_the_timetable_of_the_week_highlights_its_substitutions(client, region, school):
    math = school.lessons("math_5a").get(date=WEDNESDAY)
    set_substitute(
        actor=region.member("deputy_head"),
        lesson=math,
        substitute=region.members["director"],
        room="14",
    )
    region.login(client, "teacher")
    timetable = reverse("school:timetable")

    this_week = client.get(f"{timetable}?class={school.class_5a.pk}&date=2026-11-25")
    next_week = client.get(f"{timetable}?class={school.class_5a.pk}&date=2026-12-02")
    own = client.get(f"{timetable}?teacher={region.members['director'].pk}&date=2026-11-25")

    assert f'data-substitution="{math.pk}"' in this_week.content.decode()
    assert "data-substitution=" not in next_week.content.decode()
    assert f'data-substitution="{math.pk}"' in own.content.decode()
