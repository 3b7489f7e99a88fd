import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from parta.core.models import AuditEntry
from parta.core.testing.personas import login_member
from parta.identity.models import OrgRole
from parta.journal.models import LessonPlan
from parta.journal.plan_files import CONTENT_TYPE, PlanRow
from parta.journal.services.plans import create_plan, save_plan_items

HEADER = ["№", "Тема урока", "Часы", "Домашнее задание"]
OUTSIDERS = [
    "hr",
    "secretary",
    "student",
    "parent",
    "other_school_teacher",
    "other_school_admin",
    "municipal_staff",
]


def topics(count: int) -> list[PlanRow]:
    return [
        PlanRow(line=n, number=n, topic=f"Тема {n}", hours=1 + n % 2, homework=f"§{n}")
        for n in range(1, count + 1)
    ]


def items_of(plan: LessonPlan) -> list[tuple]:
    return list(plan.items.order_by("number").values_list("number", "topic", "hours", "homework"))


def typed_topics(response) -> list[str]:
    """The topics in the editor's inputs, as the page shows them."""
    return re.findall(r'name="topic" value="([^"]*)"', response.content.decode())


def xlsx(rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("ктп.xlsx", buffer.getvalue())


@pytest.fixture
def teacher(region, school):
    return region.member("teacher")


@pytest.fixture
def math_plan(region, school, teacher) -> LessonPlan:
    plan = create_plan(
        actor=teacher, year=school.year, subject=region.subjects["Математика"], grade=5
    )
    save_plan_items(actor=teacher, plan=plan, rows=topics(3))
    return plan


@pytest.fixture
def colleague(region, school):
    """The deputy head working as a teacher (of Russian in 5«А»): another teacher of the school."""
    return region.member("deputy_head").acting_as(OrgRole.TEACHER)


def plan_url(plan: LessonPlan, name: str = "journal:plan") -> str:
    return reverse(name, args=[plan.pk])


# --- journal:plans -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher", 200),
        ("deputy_head", 200),
        ("director", 200),
        ("admin", 200),
        *[(persona, 404) for persona in OUTSIDERS],
    ],
)
def test_plans_page_access(client, region, school, persona, status):
    region.login(client, persona)

    assert client.get(reverse("journal:plans")).status_code == status


def test_teacher_sees_one_row_per_subject_and_parallel_they_teach(
    client, region, school, teacher, math_plan
):
    region.login(client, "teacher")

    response = client.get(reverse("journal:plans"))

    rows = {(row.subject.name, row.grade): row for row in response.context["index"].rows}
    assert set(rows) == {("Математика", 5), ("Английский язык", 5)}
    math = rows[("Математика", 5)]
    assert (math.plan, math.topics, math.hours) == (math_plan, 3, 5)
    assert math.hours_per_week == 5
    groups = {str(journal.assignment.group): journal.lessons for journal in math.journals}
    assert groups == {
        "5А": school.lessons("math_5a").count(),
        "5Б": school.lessons("math_5b").count(),
    }
    assert not math.covers_lessons
    assert rows[("Английский язык", 5)].plan is None
    english = region.subjects["Английский язык"].pk
    assert f'data-testid="create-plan-{english}-5"' in response.content.decode()


def test_leaders_see_every_teachers_plans_and_filter_by_teacher(
    client, region, school, teacher, math_plan
):
    region.login(client, "deputy_head")

    everyone = client.get(reverse("journal:plans")).context["index"]
    one = client.get(reverse("journal:plans"), {"teacher": teacher.pk}).context["index"]

    assert {row.teacher.pk for row in everyone.rows} == {
        teacher.pk,
        region.members["deputy_head"].pk,
        region.members["director"].pk,
    }
    assert {row.teacher.pk for row in one.rows} == {teacher.pk}
    assert one.teacher.pk == teacher.pk
    assert [row.plan for row in one.rows if row.plan] == [math_plan]


def test_teacher_creates_a_plan_from_the_list(client, region, school, teacher):
    region.login(client, "teacher")
    english = region.subjects["Английский язык"]

    response = client.post(reverse("journal:plans"), {"subject": english.pk, "grade": 5})

    plan = LessonPlan.objects.get(teacher=teacher, subject=english, grade=5)
    assert response.status_code == 302
    assert response.url == plan_url(plan)


def test_teacher_cannot_create_a_plan_for_a_parallel_they_do_not_teach(
    client, region, school, teacher
):
    region.login(client, "teacher")

    response = client.post(
        reverse("journal:plans"), {"subject": region.subjects["Физика"].pk, "grade": 5}
    )

    assert response.status_code == 302
    assert not LessonPlan.objects.exists()


def test_leaders_cannot_create_plans(client, region, school):
    region.login(client, "deputy_head")

    response = client.post(
        reverse("journal:plans"), {"subject": region.subjects["Русский язык"].pk, "grade": 5}
    )

    assert response.status_code == 403
    assert not LessonPlan.objects.exists()


# --- journal:plan --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status", "editable"),
    [
        ("teacher", 200, True),
        ("deputy_head", 200, False),
        ("director", 200, False),
        ("admin", 200, False),
        *[(persona, 404, False) for persona in OUTSIDERS],
    ],
)
def test_plan_page_access(client, region, math_plan, persona, status, editable):
    region.login(client, persona)

    response = client.get(plan_url(math_plan))

    assert response.status_code == status
    if status == 200:
        assert ('data-testid="plan-editor"' in response.content.decode()) is editable


def test_another_teachers_plan_is_not_found(client, math_plan, colleague):
    login_member(client, colleague)

    assert client.get(plan_url(math_plan)).status_code == 404
    assert client.get(plan_url(math_plan, "journal:plan-export")).status_code == 404


def test_teacher_saves_the_edited_table(client, region, math_plan):
    region.login(client, "teacher")

    response = client.post(
        plan_url(math_plan),
        {
            "action": "save",
            "topic": ["Дроби", "", "Проценты"],
            "hours": ["2", "1", ""],
            "homework": ["§4", "", ""],
        },
    )

    assert response.status_code == 302
    assert items_of(math_plan) == [(1, "Дроби", 2, "§4"), (2, "Проценты", 1, "")]
    assert AuditEntry.objects.filter(action="journal.plan_saved").count() == 2


def test_a_mistake_in_the_table_saves_nothing_and_keeps_what_was_typed(client, region, math_plan):
    region.login(client, "teacher")
    before = items_of(math_plan)

    response = client.post(
        plan_url(math_plan),
        {"action": "save", "topic": ["Дроби", ""], "hours": ["12", "1"], "homework": ["", "§5"]},
    )

    assert response.status_code == 400
    assert 'data-testid="plan-errors"' in response.content.decode()
    assert typed_topics(response) == ["Дроби", ""]
    assert items_of(math_plan) == before


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("up:2", ["Б", "А", "В"]),
        ("down:1", ["Б", "А", "В"]),
        ("remove:2", ["А", "В"]),
        ("insert:1", ["А", "", "Б", "В"]),
        ("add", ["А", "Б", "В", ""]),
        ("up:1", ["А", "Б", "В"]),
        ("remove:9", ["А", "Б", "В"]),
    ],
)
def test_rows_are_added_removed_and_moved_before_saving(
    client, region, math_plan, action, expected
):
    region.login(client, "teacher")
    before = items_of(math_plan)

    response = client.post(
        plan_url(math_plan),
        {"action": action, "topic": ["А", "Б", "В"], "hours": ["1", "2", "3"], "homework": ""},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert typed_topics(response) == expected
    assert "<html" not in response.content.decode()
    assert items_of(math_plan) == before


def test_saving_through_htmx_returns_the_table(client, region, math_plan):
    region.login(client, "teacher")

    response = client.post(
        plan_url(math_plan),
        {"action": "save", "topic": ["Дроби"], "hours": ["1"], "homework": [""]},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert 'data-testid="plan-notice"' in response.content.decode()
    assert items_of(math_plan) == [(1, "Дроби", 1, "")]


@pytest.mark.parametrize("action", ["save", "add", "up:2"])
def test_leaders_cannot_change_a_plan(client, region, math_plan, action):
    region.login(client, "deputy_head")
    before = items_of(math_plan)

    response = client.post(
        plan_url(math_plan), {"action": action, "topic": ["Чужое"], "hours": ["1"]}
    )

    assert response.status_code == 403
    assert items_of(math_plan) == before


@pytest.mark.parametrize("persona", ["colleague", "student", "other_school_teacher"])
def test_outsiders_cannot_change_a_plan(client, region, math_plan, colleague, persona):
    member = colleague if persona == "colleague" else region.member(persona)
    login_member(client, member)
    before = items_of(math_plan)

    response = client.post(
        plan_url(math_plan), {"action": "save", "topic": ["Чужое"], "hours": ["1"]}
    )

    assert response.status_code == 404
    assert items_of(math_plan) == before


def test_plan_page_costs_the_same_for_a_short_and_a_long_plan(
    client, region, teacher, math_plan, django_assert_num_queries
):
    region.login(client, "teacher")
    client.get(plan_url(math_plan))
    with CaptureQueriesContext(connection) as short:
        client.get(plan_url(math_plan))
    save_plan_items(actor=teacher, plan=math_plan, rows=topics(40))

    with django_assert_num_queries(len(short.captured_queries)):
        client.get(plan_url(math_plan))


def test_plans_page_costs_the_same_whatever_the_plans_size(
    client, region, teacher, math_plan, django_assert_num_queries
):
    region.login(client, "deputy_head")
    client.get(reverse("journal:plans"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("journal:plans"))
    save_plan_items(actor=teacher, plan=math_plan, rows=topics(40))
    create_plan(
        actor=teacher,
        year=math_plan.year,
        subject=region.subjects["Английский язык"],
        grade=5,
    )

    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("journal:plans"))


# --- journal:plan-apply --------------------------------------------------------------------------


def test_teacher_fills_the_topics_of_a_group_from_the_plan(client, region, school, math_plan):
    region.login(client, "teacher")
    assignment = school.assignments["math_5b"]

    response = client.post(plan_url(math_plan, "journal:plan-apply"), {"assignment": assignment.pk})

    assert response.status_code == 302
    filled = list(school.lessons("math_5b").exclude(topic="").values_list("topic", flat=True))
    assert filled == ["Тема 1", "Тема 1", "Тема 2", "Тема 3", "Тема 3"]
    assert not school.lessons("math_5a").exclude(topic="").exists()


def test_the_plan_page_offers_a_button_per_group(client, region, school, math_plan):
    region.login(client, "teacher")

    content = client.get(plan_url(math_plan)).content.decode()

    for key in ("math_5a", "math_5b"):
        assert f'data-testid="apply-{school.assignments[key].pk}"' in content
    assert f'data-testid="apply-{school.assignments["english_5a"].pk}"' not in content


@pytest.mark.parametrize(("persona", "status"), [("deputy_head", 403), ("student", 404)])
def test_others_cannot_fill_the_topics(client, region, school, math_plan, persona, status):
    region.login(client, persona)

    response = client.post(
        plan_url(math_plan, "journal:plan-apply"),
        {"assignment": school.assignments["math_5a"].pk},
    )

    assert response.status_code == status
    assert not school.lessons("math_5a").exclude(topic="").exists()


def test_a_journal_outside_the_plan_is_not_found(client, region, school, math_plan):
    region.login(client, "teacher")

    response = client.post(
        plan_url(math_plan, "journal:plan-apply"),
        {"assignment": school.assignments["english_5a"].pk},
    )

    assert response.status_code == 404
    assert not school.lessons("english_5a").exclude(topic="").exists()


# --- journal:plan-export / journal:plan-import ---------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("teacher", 200), ("deputy_head", 200), ("student", 404), ("other_school_admin", 404)],
)
def test_plan_export_access(client, region, math_plan, persona, status):
    region.login(client, persona)

    response = client.get(plan_url(math_plan, "journal:plan-export"))

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == CONTENT_TYPE
        assert "attachment" in response["Content-Disposition"]
        sheet = load_workbook(BytesIO(response.content)).active
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        assert rows == [(1, "Тема 1", 2, "§1"), (2, "Тема 2", 1, "§2"), (3, "Тема 3", 2, "§3")]


def test_export_then_import_through_the_pages_keeps_the_plan(client, region, math_plan):
    region.login(client, "teacher")
    before = items_of(math_plan)
    exported = client.get(plan_url(math_plan, "journal:plan-export")).content
    math_plan.items.all().delete()

    response = client.post(
        plan_url(math_plan, "journal:plan-import"),
        {"file": SimpleUploadedFile("plan.xlsx", exported)},
    )

    assert response.status_code == 302
    assert items_of(math_plan) == before


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("plan.xlsx", b""),
        SimpleUploadedFile("plan.txt", "Тема".encode()),
        SimpleUploadedFile("plan.xlsx", b"not a workbook"),
    ],
    ids=["empty", "text", "damaged"],
)
def test_a_bad_file_is_explained_and_changes_nothing(client, region, math_plan, upload):
    region.login(client, "teacher")
    before = items_of(math_plan)

    response = client.post(plan_url(math_plan, "journal:plan-import"), {"file": upload})

    assert response.status_code == 400
    assert items_of(math_plan) == before


def test_import_errors_name_the_rows(client, region, math_plan):
    region.login(client, "teacher")
    before = items_of(math_plan)
    upload = xlsx([HEADER, [1, "Числа", 1, None], [2, None, 1, None], [3, "Дроби", 0, None]])

    response = client.post(plan_url(math_plan, "journal:plan-import"), {"file": upload})

    assert response.status_code == 400
    errors = response.context["errors"]
    assert len(errors) == 2
    assert "3" in errors[0] and "4" in errors[1]
    assert items_of(math_plan) == before


@pytest.mark.parametrize(("persona", "status"), [("deputy_head", 403), ("parent", 404)])
def test_others_cannot_import(client, region, math_plan, persona, status):
    region.login(client, persona)
    before = items_of(math_plan)
    upload = xlsx([HEADER, [1, "Чужое", 1, None]])

    assert client.get(plan_url(math_plan, "journal:plan-import")).status_code == status
    response = client.post(plan_url(math_plan, "journal:plan-import"), {"file": upload})

    assert response.status_code == status
    assert items_of(math_plan) == before


def test_import_without_a_file_asks_for_one(client, region, math_plan):
    region.login(client, "teacher")
    before = items_of(math_plan)

    response = client.post(plan_url(math_plan, "journal:plan-import"), {})

    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert items_of(math_plan) == before
