"""«Журнал»: the journals each role may open, overdue lessons, and correction permits."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.journal.models import CorrectionPermit
from parta.journal.services.cells import save_cell


def journals_on_page(response) -> set[int]:
    return {row.assignment.pk for entry in response.context["classes"] for row in entry.rows}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("teacher", {"math_5a", "english_5a", "math_5b", "russian_5a", "history_5a"}),
        ("deputy_head", "all"),
        ("director", "all"),
        ("admin", "all"),
    ],
)
def test_each_role_sees_its_journals(client, region, school, persona, expected):
    region.login(client, persona)
    response = client.get(reverse("journal:index"))
    assert response.status_code == 200
    wanted = set(school.assignments) if expected == "all" else expected
    assert journals_on_page(response) == {school.assignments[key].pk for key in wanted}


@pytest.mark.parametrize(
    "persona",
    [
        "secretary",
        "hr",
        "tech_staff",
        "student",
        "parent",
        "other_school_teacher",
        "municipal_staff",
    ],
)
def test_roles_without_journals_get_404(client, region, school, persona):
    region.login(client, persona)
    response = client.get(reverse("journal:index"))
    assert response.status_code == 404 or journals_on_page(response) == set()


def test_overdue_lessons_are_counted_per_journal(client, region, school):
    teacher = region.member("teacher")
    lessons = list(school.lessons("math_5b").filter(date__lt=date(2026, 11, 24)))
    for lesson in lessons:
        lesson.topic = "Дроби"
        lesson.save()
        save_cell(
            actor=teacher, lesson=lesson, student=school.students["pupil_5b"], text="5", seen=""
        )
    region.login(client, "teacher")
    response = client.get(reverse("journal:index"))
    overdue = {
        row.assignment.pk: row.overdue
        for entry in response.context["classes"]
        for row in entry.rows
    }
    # Every math_5b lesson up to 23.11 is filled; the one of 24.11 is still within its day.
    assert overdue[school.assignments["math_5b"].pk] == 0
    assert (
        overdue[school.assignments["math_5a"].pk]
        == school.lessons("math_5a").filter(date__lte=date(2026, 11, 23)).count()
    )


def test_deputy_head_permits_a_correction_of_a_closed_term(client, region, school, today):
    term = school.terms[0]
    term.closed_at = "2026-10-26T09:00:00+05:00"
    term.save()
    region.login(client, "deputy_head")
    response = client.post(
        reverse("journal:permits"),
        {
            "assignment": school.assignments["math_5a"].pk,
            "term": term.pk,
            "reason": "Ошибка в отметке Борисова",
            "valid_until": (today + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    permit = CorrectionPermit.objects.get()
    assert permit.granted_by_id == region.members["deputy_head"].pk
    assert AuditEntry.objects.filter(action="journal.correction_permitted").exists()


@pytest.mark.parametrize(
    ("valid_until", "open_term"),
    [(timedelta(days=30), False), (timedelta(days=-1), False), (timedelta(days=2), True)],
)
def test_bad_permits_are_refused_and_nothing_saved(
    client, region, school, today, valid_until, open_term
):
    term = school.terms[0]
    if not open_term:
        term.closed_at = "2026-10-26T09:00:00+05:00"
        term.save()
    region.login(client, "deputy_head")
    data = {
        "assignment": school.assignments["math_5a"].pk,
        "term": term.pk,
        "reason": "Ошибка",
        "valid_until": (today + valid_until).isoformat(),
    }
    response = client.post(reverse("journal:permits"), data)
    assert response.status_code == 400
    assert not CorrectionPermit.objects.exists()


@pytest.mark.parametrize("persona", ["teacher", "director", "admin", "secretary", "parent"])
def test_only_the_deputy_head_opens_permits(client, region, school, persona):
    region.login(client, persona)
    assert client.get(reverse("journal:permits")).status_code == 404


def test_the_index_costs_the_same_whatever_the_number_of_journals(
    client, region, school, django_assert_num_queries
):
    from parta.school.models import SchoolClass, StudyGroup, TeachingAssignment

    region.login(client, "deputy_head")
    client.get(reverse("journal:index"))
    with django_assert_num_queries(count := _count_queries(client)):
        client.get(reverse("journal:index"))
    for letter in "ВГД":
        school_class = SchoolClass.objects.create(
            year=school.year,
            organization=region.school,
            grade=6,
            letter=letter,
            class_teacher=region.members["teacher"],
        )
        group = StudyGroup.objects.create(school_class=school_class, is_whole_class=True)
        for subject in region.subjects.values():
            TeachingAssignment.objects.create(
                group=group, subject=subject, teacher=region.members["teacher"]
            )
    with django_assert_num_queries(count):
        client.get(reverse("journal:index"))


def _count_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("journal:index"))
    return len(captured.captured_queries)


def test_class_teacher_finds_the_absence_reasons_of_own_class(client, region, school):
    region.login(client, "teacher")
    page = client.get(reverse("journal:index")).content.decode()
    assert f'data-testid="absences-{school.class_5a.pk}"' in page
    assert f'data-testid="absences-{school.class_5b.pk}"' not in page
