import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parta.core.models import AuditEntry
from parta.identity.models import OrgRole
from parta.journal.models import Homework, LessonPlan
from parta.journal.plan_files import PlanRow
from parta.journal.services.plans import apply_plan, create_plan, save_plan_items


def rows(*specs) -> list[PlanRow]:
    """PlanRows from (topic, hours, homework) tuples, numbered in order."""
    return [
        PlanRow(line=index, number=index, topic=topic, hours=hours, homework=homework)
        for index, (topic, hours, homework) in enumerate(specs, start=1)
    ]


@pytest.fixture
def teacher(region, school):
    return region.member("teacher")


@pytest.fixture
def math_plan(region, school, teacher) -> LessonPlan:
    return create_plan(
        actor=teacher, year=school.year, subject=region.subjects["Математика"], grade=5
    )


def items_of(plan: LessonPlan) -> list[tuple]:
    return list(plan.items.order_by("number").values_list("number", "topic", "hours", "homework"))


# --- create_plan ---------------------------------------------------------------------------------


def test_teacher_creates_a_plan_for_a_subject_they_teach(region, school, teacher):
    plan = create_plan(
        actor=teacher, year=school.year, subject=region.subjects["Математика"], grade=5
    )

    assert (plan.teacher_id, plan.grade, plan.year_id) == (teacher.pk, 5, school.year.pk)
    assert AuditEntry.objects.filter(action="journal.plan_created", target_id=plan.pk).exists()


def test_creating_the_same_plan_twice_returns_the_existing_one(region, school, teacher, math_plan):
    again = create_plan(
        actor=teacher, year=school.year, subject=region.subjects["Математика"], grade=5
    )

    assert again.pk == math_plan.pk
    assert LessonPlan.objects.count() == 1


@pytest.mark.parametrize(("subject", "grade"), [("Физика", 5), ("Математика", 6), ("История", 5)])
def test_teacher_cannot_create_a_plan_for_a_subject_they_do_not_teach(
    region, school, teacher, subject, grade
):
    with pytest.raises(ValidationError) as error:
        create_plan(actor=teacher, year=school.year, subject=region.subjects[subject], grade=grade)

    assert error.value.code == "not_taught"
    assert not LessonPlan.objects.exists()


@pytest.mark.parametrize("persona", ["deputy_head", "director", "admin", "other_school_teacher"])
def test_only_a_teacher_of_the_school_creates_plans(region, school, persona):
    with pytest.raises(PermissionDenied):
        create_plan(
            actor=region.member(persona),
            year=school.year,
            subject=region.subjects["Математика"],
            grade=5,
        )

    assert not LessonPlan.objects.exists()


# --- save_plan_items ----------------------------------------------------------------------------


def test_saving_topics_replaces_the_items_and_is_audited(teacher, math_plan):
    save_plan_items(actor=teacher, plan=math_plan, rows=rows(("Старое", 1, "")))

    save_plan_items(
        actor=teacher,
        plan=math_plan,
        rows=rows(("Натуральные числа", 2, "§1, № 5"), ("  Сложение   чисел ", 1, " §2 ")),
    )

    assert items_of(math_plan) == [
        (1, "Натуральные числа", 2, "§1, № 5"),
        (2, "Сложение чисел", 1, "§2"),
    ]
    entry = AuditEntry.objects.filter(action="journal.plan_saved").latest("id")
    assert entry.before == {"plan_topics": 1, "plan_hours": 1}
    assert entry.after == {"plan_topics": 2, "plan_hours": 3}


def test_saving_unchanged_topics_writes_no_audit_entry(teacher, math_plan):
    save_plan_items(actor=teacher, plan=math_plan, rows=rows(("Тема", 1, "")))

    save_plan_items(actor=teacher, plan=math_plan, rows=rows(("Тема", 1, "")))

    assert AuditEntry.objects.filter(action="journal.plan_saved").count() == 1


def codes(error: ValidationError) -> list[tuple[str, int]]:
    """(code, row) of every mistake reported."""
    return [(item.code, item.params["row"]) for item in error.error_list]


@pytest.mark.parametrize(
    ("bad_row", "code"),
    [
        (PlanRow(line=2, number=2, topic="   ", hours=1), "topic_missing"),
        (PlanRow(line=2, number=2, topic="x" * 501, hours=1), "topic_too_long"),
        (PlanRow(line=2, number=2, topic="Тема", hours=0), "hours_invalid"),
        (PlanRow(line=2, number=2, topic="Тема", hours=11), "hours_invalid"),
        (PlanRow(line=2, number=2, topic="Тема", hours=None, hours_text="два"), "hours_invalid"),
        (PlanRow(line=2, number=3, topic="Тема", hours=1), "number_out_of_order"),
        (PlanRow(line=2, number=1, topic="Тема", hours=1), "number_out_of_order"),
        (PlanRow(line=2, number=None, topic="Тема", number_text="2а"), "number_invalid"),
        (PlanRow(line=2, number=2, topic="Тема", hours=1, homework="д" * 501), "homework_too_long"),
    ],
)
def test_invalid_topics_save_nothing(teacher, math_plan, bad_row, code):
    save_plan_items(actor=teacher, plan=math_plan, rows=rows(("Было", 1, "")))
    before = items_of(math_plan)
    audit_count = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as error:
        save_plan_items(
            actor=teacher,
            plan=math_plan,
            rows=[PlanRow(line=1, number=1, topic="Хорошая тема", hours=1), bad_row],
        )

    assert codes(error.value) == [(code, 2)]
    assert items_of(math_plan) == before
    assert AuditEntry.objects.count() == audit_count


def test_every_bad_row_is_reported_at_once(teacher, math_plan):
    with pytest.raises(ValidationError) as error:
        save_plan_items(
            actor=teacher,
            plan=math_plan,
            rows=[
                PlanRow(line=1, number=1, topic="", hours=1),
                PlanRow(line=2, number=2, topic="Тема", hours=20),
            ],
        )

    assert codes(error.value) == [("topic_missing", 1), ("hours_invalid", 2)]
    assert len(error.value.messages) == 2


@pytest.mark.parametrize("persona", ["deputy_head", "director", "admin"])
def test_leaders_read_plans_but_do_not_change_them(region, math_plan, persona):
    with pytest.raises(PermissionDenied):
        save_plan_items(actor=region.member(persona), plan=math_plan, rows=rows(("Тема", 1, "")))

    assert not math_plan.items.exists()


def test_another_teacher_cannot_change_the_plan(region, math_plan):
    colleague = region.member("deputy_head").acting_as(OrgRole.TEACHER)

    with pytest.raises(PermissionDenied):
        save_plan_items(actor=colleague, plan=math_plan, rows=rows(("Тема", 1, "")))

    assert not math_plan.items.exists()


def test_a_plan_of_an_archived_year_is_read_only(school, teacher, math_plan):
    school.year.is_archived = True
    school.year.save(update_fields=["is_archived"])

    with pytest.raises(PermissionDenied):
        save_plan_items(actor=teacher, plan=math_plan, rows=rows(("Тема", 1, "")))


# --- apply_plan ----------------------------------------------------------------------------------


def test_topics_fill_the_lessons_in_order_an_item_taking_its_hours(school, teacher, math_plan):
    save_plan_items(
        actor=teacher,
        plan=math_plan,
        rows=rows(("Числа", 2, "§1"), ("Сложение", 1, ""), ("Вычитание", 1, "§3")),
    )
    lessons = list(school.lessons("math_5a"))

    result = apply_plan(actor=teacher, plan=math_plan, assignment=school.assignments["math_5a"])

    topics = [lesson.topic for lesson in school.lessons("math_5a")[:5]]
    assert topics == ["Числа", "Числа", "Сложение", "Вычитание", ""]
    assert (result.filled, result.homework_added, result.hours_left) == (4, 3, 0)
    homework = dict(Homework.objects.filter(student=None).values_list("lesson_id", "text"))
    assert homework == {lessons[0].pk: "§1", lessons[1].pk: "§1", lessons[3].pk: "§3"}
    entry = AuditEntry.objects.get(action="journal.plan_applied")
    assert entry.after["lessons_filled"] == 4
    assert entry.after["first_lesson_on"] == lessons[0].date.isoformat()


def test_lessons_with_a_topic_keep_it_and_use_up_their_place(school, teacher, math_plan):
    save_plan_items(
        actor=teacher,
        plan=math_plan,
        rows=rows(("Числа", 2, "§1"), ("Сложение", 1, "§2"), ("Вычитание", 1, "§3")),
    )
    first, second, third, fourth = school.lessons("math_5a")[:4]
    first.topic, third.topic = "Вводный урок", "Своя тема"
    first.save(update_fields=["topic"])
    third.save(update_fields=["topic"])
    Homework.objects.create(lesson=second, text="Своё задание")

    result = apply_plan(actor=teacher, plan=math_plan, assignment=school.assignments["math_5a"])

    topics = [lesson.topic for lesson in school.lessons("math_5a")[:5]]
    assert topics == ["Вводный урок", "Числа", "Своя тема", "Вычитание", ""]
    assert result.filled == 2
    assert list(second.homework.values_list("text", flat=True)) == ["Своё задание"]
    assert list(fourth.homework.values_list("text", flat=True)) == ["§3"]


def test_filling_again_continues_where_the_plan_stands(school, teacher, math_plan):
    save_plan_items(actor=teacher, plan=math_plan, rows=rows(("Числа", 2, ""), ("Дроби", 1, "")))
    apply_plan(actor=teacher, plan=math_plan, assignment=school.assignments["math_5a"])

    again = apply_plan(actor=teacher, plan=math_plan, assignment=school.assignments["math_5a"])

    assert again.filled == 0
    assert [lesson.topic for lesson in school.lessons("math_5a")[:4]] == [
        "Числа", "Числа", "Дроби", ""
    ]  # fmt: skip


def test_lessons_of_a_closed_term_are_not_touched(school, teacher, math_plan):
    first_term = school.terms[0]
    first_term.closed_at = timezone.now()
    first_term.save(update_fields=["closed_at"])
    lessons = school.lessons("math_5a")
    in_first_term = lessons.filter(date__lte=first_term.ends_on).count()
    whole, rest = divmod(in_first_term, 10)
    done = [("Пройдено", 10, "")] * whole + ([("Пройдено", rest, "")] if rest else [])
    save_plan_items(actor=teacher, plan=math_plan, rows=rows(*done, ("Числа", 1, "")))

    result = apply_plan(actor=teacher, plan=math_plan, assignment=school.assignments["math_5a"])

    assert not lessons.filter(date__lte=first_term.ends_on).exclude(topic="").exists()
    filled = lessons.exclude(topic="").get()
    assert filled.topic == "Числа"
    assert filled.date == lessons.filter(date__gte=school.terms[1].starts_on).first().date
    assert result.filled == 1


def test_topics_that_do_not_fit_are_reported(school, teacher, math_plan):
    lessons = school.lessons("math_5a")
    count = lessons.count()
    lessons.exclude(pk=lessons.last().pk).update(topic="Занято")
    whole, rest = divmod(count + 2, 10)
    plan_rows = [(f"Тема {number}", 10, "") for number in range(whole)] + [
        ("Итоговый урок", rest, "")
    ]
    save_plan_items(actor=teacher, plan=math_plan, rows=rows(*plan_rows))

    result = apply_plan(actor=teacher, plan=math_plan, assignment=school.assignments["math_5a"])

    assert (result.filled, result.hours_left) == (1, 2)
    assert lessons.last().topic.startswith(("Тема", "Итоговый урок"))


def test_applying_to_another_teachers_journal_is_refused(school, teacher, math_plan):
    save_plan_items(actor=teacher, plan=math_plan, rows=rows(("Числа", 1, "")))

    with pytest.raises(PermissionDenied):
        apply_plan(actor=teacher, plan=math_plan, assignment=school.assignments["russian_5a"])

    assert not school.lessons("russian_5a").exclude(topic="").exists()


def test_applying_to_a_journal_of_another_subject_is_refused(school, teacher, math_plan):
    save_plan_items(actor=teacher, plan=math_plan, rows=rows(("Числа", 1, "")))

    with pytest.raises(ValidationError) as error:
        apply_plan(actor=teacher, plan=math_plan, assignment=school.assignments["english_5a"])

    assert error.value.code == "plan_mismatch"
    assert not school.lessons("english_5a").exclude(topic="").exists()


def test_an_empty_plan_fills_nothing(school, teacher, math_plan):
    with pytest.raises(ValidationError) as error:
        apply_plan(actor=teacher, plan=math_plan, assignment=school.assignments["math_5b"])

    assert error.value.code == "plan_empty"


def test_a_plan_serves_every_group_of_its_parallel(school, teacher, math_plan):
    save_plan_items(actor=teacher, plan=math_plan, rows=rows(("Числа", 1, "")))

    apply_plan(actor=teacher, plan=math_plan, assignment=school.assignments["math_5a"])
    apply_plan(actor=teacher, plan=math_plan, assignment=school.assignments["math_5b"])

    assert school.lessons("math_5a").first().topic == "Числа"
    assert school.lessons("math_5b").first().topic == "Числа"


def test_the_deputy_head_cannot_fill_a_teachers_lessons(region, school, math_plan, teacher):
    save_plan_items(actor=teacher, plan=math_plan, rows=rows(("Числа", 1, "")))

    with pytest.raises(PermissionDenied):
        apply_plan(
            actor=region.member("deputy_head"),
            plan=math_plan,
            assignment=school.assignments["math_5a"],
        )

    assert not school.lessons("math_5a").exclude(topic="").exists()
