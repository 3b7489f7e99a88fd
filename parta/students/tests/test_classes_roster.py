"""The students of a class on its card, subgroup lists, and the cost of both pages."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import SYSTEM
from parta.school.services.classes import save_class, save_group
from parta.students.models import GroupMembership
from parta.students.services.enrolment import (
    add_guardian,
    choose_group_members,
    enrol_student,
    withdraw_student,
)

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
OUTSIDERS = [
    "other_school_admin",
    "other_school_teacher",
    "student",
    "parent",
    "municipal_admin",
    "municipal_staff",
    "regional_admin",
]


def _class_with_students(region, school, letter: str, count: int):
    """A 5th-grade class with `count` students, each with a parent, and a subgroup of half."""
    school_class = save_class(
        actor=SYSTEM, year=school.year, grade=5, letter=letter, class_teacher=None
    ).row
    group = save_group(actor=SYSTEM, school_class=school_class, name="Группа 1").row
    students = []
    for number in range(count):
        student = enrol_student(
            actor=SYSTEM,
            school_class=school_class,
            on=date(2026, 9, 1),
            person_fields={
                "last_name": f"Ученик{letter}{number:02d}",
                "first_name": "Иван",
                "middle_name": "Иванович",
                "sex": "male",
                "birth_date": date(2015, 1, 1 + number % 28),
            },
        )
        add_guardian(
            actor=SYSTEM,
            student=student,
            relation="mother",
            person_fields={
                "last_name": f"Родитель{letter}{number:02d}",
                "first_name": "Мария",
                "middle_name": "Ивановна",
                "sex": "female",
                "birth_date": date(1985, 1, 1 + number % 28),
            },
        )
        students.append(student)
    choose_group_members(actor=SYSTEM, group=group, students=students[: count // 2])
    return school_class


def test_url_names():
    assert reverse("students:class-roster", args=[4]) == "/students/classes/4/roster/"
    assert reverse("students:group-members", args=[9]) == "/students/groups/9/members/"
    assert reverse("students:transition") == "/students/transition/"


@pytest.mark.parametrize("persona", SCHOOL_STAFF + OUTSIDERS)
def test_roster_persona_matrix(client, region, school, persona):
    region.login(client, persona)
    response = client.get(reverse("students:class-roster", args=[school.class_5a.pk]))
    assert response.status_code == (200 if persona in SCHOOL_STAFF else 404)


def test_roster_lists_students_with_dates_parents_and_subgroups(client, region, school):
    withdraw_student(actor=SYSTEM, student=school.students["pupil_3"], last_day=date(2026, 11, 10))
    region.login(client, "teacher")

    response = client.get(reverse("students:class-roster", args=[school.class_5a.pk]))

    roster = response.context["roster"]
    assert [row.student for row in roster.present] == [
        school.students["student"],
        school.students["pupil_2"],
    ]
    first = roster.present[0]
    assert first.starts_on == date(2026, 9, 1) and first.ends_on is None
    assert [g.guardian.last_name for g in first.guardians] == ["Алексеева"]
    assert [g.name for g in first.groups] == ["Английский, группа 1"]
    assert [row.student for row in roster.others] == [school.students["pupil_3"]]
    assert roster.others[0].ends_on == date(2026, 11, 10)


def test_roster_on_an_earlier_date(client, region, school):
    withdraw_student(actor=SYSTEM, student=school.students["pupil_3"], last_day=date(2026, 11, 10))
    region.login(client, "teacher")
    response = client.get(
        reverse("students:class-roster", args=[school.class_5a.pk]),
        {"on": "2026-10-01"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.count('data-testid="roster-student-') == 3
    assert "<html" not in html


def test_class_pages_cost_the_same_for_3_and_30_students(
    client, region, school, django_assert_num_queries
):
    small = _class_with_students(region, school, "В", 3)
    large = _class_with_students(region, school, "Г", 30)
    region.login(client, "deputy_head")
    for name in ("school:class", "students:class-roster"):
        with CaptureQueriesContext(connection) as small_queries:
            assert client.get(reverse(name, args=[small.pk])).status_code == 200
        with django_assert_num_queries(len(small_queries)):
            response = client.get(reverse(name, args=[large.pk]))
        assert response.status_code == 200
    assert len(response.context["roster"].present) == 30


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("deputy_head", 200),
        ("admin", 200),
        ("teacher", 403),
        ("director", 403),
        ("secretary", 403),
        ("other_school_admin", 404),
        ("parent", 404),
        ("municipal_admin", 404),
    ],
)
def test_group_members_persona_matrix(client, region, school, persona, status):
    region.login(client, persona)
    url = reverse("students:group-members", args=[school.english_group.pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"students": [school.students["pupil_3"].pk]})
    if status == 200:
        assert response.status_code == 302
        return
    assert response.status_code == status
    members = set(school.english_group.member_rows.values_list("student_id", flat=True))
    assert members == {school.students["student"].pk, school.students["pupil_2"].pk}


def test_checklist_replaces_the_members_of_a_subgroup(client, region, school):
    region.login(client, "deputy_head")
    url = reverse("students:group-members", args=[school.english_group.pk])
    form = client.get(url).context["form"]
    assert set(form.initial["students"]) == {
        school.students["student"].pk,
        school.students["pupil_2"].pk,
    }

    response = client.post(
        url, {"students": [school.students["pupil_2"].pk, school.students["pupil_3"].pk]}
    )

    assert response["Location"] == reverse("school:class", args=[school.class_5a.pk])
    members = set(school.english_group.member_rows.values_list("student_id", flat=True))
    assert members == {school.students["pupil_2"].pk, school.students["pupil_3"].pk}
    assert AuditEntry.objects.filter(
        action="students.group_members_set", target_id=school.english_group.pk
    ).exists()


def test_a_student_of_another_class_cannot_be_ticked(client, region, school):
    region.login(client, "deputy_head")
    url = reverse("students:group-members", args=[school.english_group.pk])
    response = client.post(url, {"students": [school.students["pupil_5b"].pk]})
    assert response.status_code == 400
    assert GroupMembership.objects.filter(group=school.english_group).count() == 2


def test_choosing_members_keeps_those_who_left_the_class(region, school):
    withdraw_student(actor=SYSTEM, student=school.students["pupil_2"], last_day=date(2026, 11, 10))

    choose_group_members(
        actor=region.member("deputy_head"),
        group=school.english_group,
        students=[school.students["pupil_3"]],
    )

    members = set(school.english_group.member_rows.values_list("student_id", flat=True))
    assert members == {school.students["pupil_2"].pk, school.students["pupil_3"].pk}


def test_whole_class_group_has_no_checklist(client, region, school):
    region.login(client, "deputy_head")
    url = reverse("students:group-members", args=[school.group(school.class_5a).pk])
    assert client.get(url).status_code == 404
