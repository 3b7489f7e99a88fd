"""«Классы» pages: who sees the classes and a class's card, who changes them, and how."""

import pytest
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.school.models import SchoolClass, StudyGroup, TeachingAssignment

STAFF_READERS = ["director", "teacher", "hr", "secretary", "medical", "psychologist", "tech_staff"]
MANAGERS = ["deputy_head", "admin"]
DIARY = ["student", "pupil_2", "parent", "other_parent"]
AUTHORITY_READERS = ["municipal_admin", "municipal_head", "municipal_staff", "regional_admin"]
AUTHORITY_OTHERS = ["municipal_operator", "events_coordinator", "gifted_coordinator", "south_admin"]
ALL = MANAGERS + STAFF_READERS + DIARY + AUTHORITY_READERS + AUTHORITY_OTHERS
ALL += ["other_school_admin", "other_school_teacher"]


def _expected(persona: str) -> dict[str, int]:
    """Status of: the own school's list, 5А's card, Школа № 1's list seen from outside."""
    if persona in MANAGERS + STAFF_READERS:
        return {"list": 200, "card": 200, "of": 302}
    if persona in ("other_school_admin", "other_school_teacher"):
        return {"list": 200, "card": 404, "of": 404}
    if persona in AUTHORITY_READERS:
        return {"list": 404, "card": 404, "of": 200}
    return {"list": 404, "card": 404, "of": 404}


def test_url_names(school):
    assert reverse("school:classes") == "/school/classes/"
    assert reverse("school:class", args=[7]) == "/school/classes/7/"
    assert reverse("school:classes-of", args=[3]) == "/school/3/classes/"


@pytest.mark.parametrize("persona", ALL)
def test_persona_matrix_for_pages_and_writes(client, region, school, persona):
    region.login(client, persona)
    expected = _expected(persona)
    class_url = reverse("school:class", args=[school.class_5a.pk])

    assert client.get(reverse("school:classes")).status_code == expected["list"]
    assert client.get(class_url).status_code == expected["card"]
    assert (
        client.get(reverse("school:classes-of", args=[region.school.pk])).status_code
        == expected["of"]
    )

    if persona in MANAGERS:
        return
    writes = [
        (reverse("school:classes") + f"?year={school.year.pk}", {"grade": 7, "letter": "Я"}),
        (reverse("school:class-edit", args=[school.class_5a.pk]), {"grade": 5, "letter": "Я"}),
        (reverse("school:class-delete", args=[school.class_5b.pk]), {}),
        (reverse("school:group-add", args=[school.class_5a.pk]), {"name": "Новая"}),
        (reverse("school:group-delete", args=[school.english_group.pk]), {}),
        (
            reverse("school:class-assignments", args=[school.class_5b.pk]),
            {
                "group": school.group(school.class_5b).pk,
                "subject": region.subjects["Физика"].pk,
                "teacher": region.members["teacher"].pk,
            },
        ),
        (
            reverse("school:assignment-edit", args=[school.assignments["math_5a"].pk]),
            {"teacher": region.members["director"].pk},
        ),
        (reverse("school:assignment-delete", args=[school.assignments["history_5a"].pk]), {}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code in (403, 404), url
    assert sorted(str(c) for c in SchoolClass.objects.all()) == ["5А", "5Б"]
    assert StudyGroup.objects.count() == 3
    assert TeachingAssignment.objects.count() == 5
    assert school.assignments["math_5a"].teacher_id == region.members["teacher"].pk
    assert not AuditEntry.objects.filter(action__startswith="school.").exists()


def test_list_groups_classes_by_parallel_with_teacher_students_and_subgroups(
    client, region, school
):
    region.login(client, "teacher")
    response = client.get(reverse("school:classes"))
    page = response.context["page"]
    assert [parallel.grade for parallel in page.parallels] == [5]
    rows = {str(row.school_class): row for row in page.parallels[0].rows}
    assert rows["5А"].students == 3 and rows["5Б"].students == 2
    assert [g.name for g in rows["5А"].subgroups] == ["Английский, группа 1"]
    html = response.content.decode()
    assert region.members["teacher"].person.full_name in html
    assert 'data-testid="class-form"' not in html


def test_municipal_staff_see_a_subordinate_schools_classes_read_only(client, region, school):
    region.login(client, "municipal_staff")
    response = client.get(reverse("school:classes-of", args=[region.school.pk]))
    html = response.content.decode()
    assert f'data-testid="class-{school.class_5a.pk}"' in html
    assert 'data-testid="class-form"' not in html
    assert reverse("school:class", args=[school.class_5a.pk]) not in html
    assert (
        client.get(reverse("school:classes-of", args=[region.south_school.pk])).status_code == 404
    )


def test_deputy_head_adds_a_class(client, region, school):
    region.login(client, "deputy_head")
    response = client.post(
        reverse("school:classes") + f"?year={school.year.pk}",
        {"grade": 6, "letter": "а", "class_teacher": region.members["teacher"].pk},
    )
    created = SchoolClass.objects.get(grade=6)
    assert response.status_code == 302
    assert response["Location"] == reverse("school:class", args=[created.pk])
    assert created.letter == "А" and created.groups.filter(is_whole_class=True).exists()


def test_duplicate_class_gets_a_message_and_nothing_is_saved(client, region, school):
    region.login(client, "deputy_head")
    response = client.post(
        reverse("school:classes") + f"?year={school.year.pk}", {"grade": 5, "letter": "А"}
    )
    assert response.status_code == 400
    assert response.context["form"].has_error("letter", "class_exists")
    assert SchoolClass.objects.count() == 2


def test_class_edit_changes_the_class_teacher(client, region, school):
    region.login(client, "admin")
    url = reverse("school:class-edit", args=[school.class_5b.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"grade": 5, "letter": "Б", "class_teacher": region.members["teacher"].pk}
    )
    assert response.status_code == 302
    school.class_5b.refresh_from_db()
    assert school.class_5b.class_teacher_id == region.members["teacher"].pk


def test_deleting_a_class_with_students_shows_why(client, region, school):
    region.login(client, "deputy_head")
    response = client.post(reverse("school:class-delete", args=[school.class_5b.pk]), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert SchoolClass.objects.filter(pk=school.class_5b.pk).exists()


def test_class_card_shows_groups_assignments_and_loads_the_roster(client, region, school):
    region.login(client, "deputy_head")
    response = client.get(reverse("school:class", args=[school.class_5a.pk]))
    html = response.content.decode()
    card = response.context["card"]
    assert [row.group.name for row in card.subgroups] == ["Английский, группа 1"]
    assert len(card.assignments) == 4
    assert reverse("students:class-roster", args=[school.class_5a.pk]) in html
    assert reverse("students:group-members", args=[school.english_group.pk]) in html
    assert 'data-testid="assignment-form"' in html


def test_teacher_sees_the_card_without_editors(client, region, school):
    region.login(client, "teacher")
    html = client.get(reverse("school:class", args=[school.class_5a.pk])).content.decode()
    assert 'data-testid="assignment-form"' not in html
    assert 'data-testid="class-delete"' not in html


def test_assignment_editor_adds_changes_and_deletes_through_htmx(client, region, school):
    region.login(client, "deputy_head")
    headers = {"HX-Request": "true"}
    response = client.post(
        reverse("school:class-assignments", args=[school.class_5b.pk]),
        {
            "group": school.group(school.class_5b).pk,
            "subject": region.subjects["Физика"].pk,
            "teacher": region.members["deputy_head"].pk,
        },
        headers=headers,
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    added = TeachingAssignment.objects.get(subject__name="Физика")
    assert f'data-testid="assignment-{added.pk}"' in response.content.decode()

    response = client.post(
        reverse("school:assignment-edit", args=[added.pk]),
        {"teacher": region.members["teacher"].pk, "is_pass_fail": "on"},
        headers=headers,
    )
    added.refresh_from_db()
    assert (added.teacher_id, added.is_pass_fail) == (region.members["teacher"].pk, True)

    response = client.post(reverse("school:assignment-delete", args=[added.pk]), headers=headers)
    assert response.status_code == 200
    assert not TeachingAssignment.objects.filter(pk=added.pk).exists()


def test_assignment_editor_shows_a_duplicate_as_an_error(client, region, school):
    region.login(client, "deputy_head")
    response = client.post(
        reverse("school:class-assignments", args=[school.class_5a.pk]),
        {
            "group": school.group(school.class_5a).pk,
            "subject": region.subjects["Математика"].pk,
            "teacher": region.members["director"].pk,
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.context["assignment_form"].has_error("subject", "assignment_exists")
    assert TeachingAssignment.objects.count() == 5


def test_filled_journal_delete_is_refused_in_the_row(client, region, school, today):
    lesson = school.assignments["math_5a"].lessons.filter(date__lt=today).first()
    lesson.topic = "Дроби"
    lesson.save(update_fields=["topic"])
    region.login(client, "deputy_head")
    response = client.post(
        reverse("school:assignment-delete", args=[school.assignments["math_5a"].pk]),
        headers={"HX-Request": "true"},
    )
    assert 'data-testid="assignment-error"' in response.content.decode()
    assert TeachingAssignment.objects.filter(pk=school.assignments["math_5a"].pk).exists()


def test_groups_are_added_and_deleted_from_the_card(client, region, school):
    region.login(client, "deputy_head")
    client.post(reverse("school:group-add", args=[school.class_5b.pk]), {"name": "Группа 2"})
    group = StudyGroup.objects.get(school_class=school.class_5b, name="Группа 2")
    client.post(reverse("school:group-edit", args=[group.pk]), {"name": "Группа Б"})
    group.refresh_from_db()
    assert group.name == "Группа Б"
    client.post(reverse("school:group-delete", args=[group.pk]))
    assert not StudyGroup.objects.filter(pk=group.pk).exists()


def test_archived_year_is_shown_read_only(client, region, school):
    school.year.is_archived = True
    school.year.save(update_fields=["is_archived"])
    region.login(client, "deputy_head")
    html = client.get(reverse("school:classes")).content.decode()
    assert 'data-testid="year-archived"' in html and 'data-testid="class-form"' not in html
    response = client.get(reverse("school:class", args=[school.class_5a.pk]))
    assert 'data-testid="assignment-form"' not in response.content.decode()
    edit = client.post(reverse("school:class-edit", args=[school.class_5a.pk]), {})
    assert edit.status_code == 403


@pytest.mark.parametrize(
    ("persona", "shown"), [("deputy_head", True), ("admin", False), ("secretary", False)]
)
def test_only_the_deputy_head_is_offered_the_move_to_the_next_year(
    client, region, school, persona, shown
):
    # the move issues the year-end movement orders, which the administrator does not keep
    region.login(client, persona)
    response = client.get(reverse("school:classes"))
    assert ('data-testid="transition-link"' in response.content.decode()) is shown
