"""«Дневник»: the week, marks by subject and announcements of a student, for them and their parents."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core.testing.personas import PASSWORD, SYSTEM, login_member
from parta.identity.models import DerivedRole, OrgRole
from parta.journal.models import Homework, HomeworkFile, Lesson, Mark, MarkKind, WorkType
from parta.journal.services.cells import save_cell
from parta.school.models import Announcement
from parta.students.services.enrolment import enrol_student, withdraw_student

MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)
WEDNESDAY = date(2026, 11, 25)
FRIDAY = date(2026, 11, 27)
DIARY_PAGES = ["journal:diary", "journal:diary-marks", "journal:diary-announcements"]
STAFF = [
    "admin",
    "director",
    "deputy_head",
    "teacher",
    "hr",
    "secretary",
    "medical",
    "psychologist",
    "tech_staff",
    "other_school_admin",
    "other_school_teacher",
    "municipal_admin",
    "municipal_staff",
    "regional_admin",
]


def url(name, student=None, **params):
    query = {"student": student.pk} if student is not None else {}
    query.update(params)
    base = reverse(name)
    return base + (
        "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else ""
    )


def lesson_on(school, assignment, day):
    return school.lessons(assignment).get(date=day)


def put(region, school, assignment, day, student, text, persona="teacher"):
    """A teacher fills the cell of a student at the lesson of the day."""
    save_cell(
        actor=region.member(persona).acting_as(OrgRole.TEACHER),
        lesson=lesson_on(school, assignment, day),
        student=school.students[student],
        text=text,
        seen="",
    )


def week_lessons(response):
    return {
        (item.lesson.date, item.lesson.period): item
        for day in response.context["week"].days
        for item in day.lessons
    }


def login_pupil(client, school, key):
    return login_member(client, school.students[key].membership.acting_as(DerivedRole.STUDENT))


# --- Who may open whose diary -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "child", "status"),
    [
        ("student", "student", 200),
        ("student", None, 200),
        ("student", "pupil_2", 404),
        ("pupil_2", "pupil_2", 200),
        ("pupil_2", "student", 404),
        ("parent", "student", 200),
        ("parent", "pupil_5b", 200),
        ("parent", None, 200),
        ("parent", "pupil_2", 404),
        ("other_parent", "pupil_2", 200),
        ("other_parent", "student", 404),
        ("other_parent", "pupil_5b", 404),
    ],
)
def test_diary_pages_open_only_own_or_own_children(client, region, school, persona, child, status):
    region.login(client, persona)
    student = school.students[child] if child else None
    for name in DIARY_PAGES:
        assert client.get(url(name, student)).status_code == status, name


def test_staff_and_other_schools_get_404_for_every_diary_page(client, region, school):
    student = school.students["student"]
    for persona in STAFF:
        region.login(client, persona)
        for name in DIARY_PAGES:
            assert client.get(url(name)).status_code == 404, (persona, name)
            assert client.get(url(name, student)).status_code == 404, (persona, name)


def test_anonymous_visitor_is_sent_to_login(client, school):
    response = client.get(url("journal:diary"))
    assert response.status_code == 302
    assert reverse("identity:login") in response["Location"]


def test_a_non_numeric_student_is_404(client, region, school):
    region.login(client, "parent")
    assert client.get(url("journal:diary") + "?student=abc").status_code == 404


def test_parent_switches_between_children(client, region, school):
    # given the parent persona has a child in 5А and another in 5Б
    region.login(client, "parent")
    student, pupil_5b = school.students["student"], school.students["pupil_5b"]
    # when the parent opens each child's diary
    first = client.get(url("journal:diary", student))
    second = client.get(url("journal:diary", pupil_5b))
    # then the switcher offers both and each week holds the child's own class's lessons
    html = first.content.decode()
    assert 'data-testid="diary-switcher"' in html
    assert f'data-testid="diary-child-{student.pk}"' in html
    assert f'data-testid="diary-child-{pupil_5b.pk}"' in html
    first_groups = {
        item.lesson.assignment.group.school_class_id for item in week_lessons(first).values()
    }
    second_groups = {
        item.lesson.assignment.group.school_class_id for item in week_lessons(second).values()
    }
    assert first_groups == {school.class_5a.pk}
    assert second_groups == {school.class_5b.pk}


def test_a_single_child_has_no_switcher(client, region, school):
    region.login(client, "other_parent")
    html = client.get(url("journal:diary")).content.decode()
    assert 'data-testid="diary-switcher"' not in html
    assert client.get(url("journal:diary")).context["child"].student == school.students["pupil_2"]


# --- The week -----------------------------------------------------------------------------------


def test_week_lists_monday_to_saturday_lessons_in_order_with_time_teacher_and_room(
    client, region, school
):
    region.login(client, "student")
    response = client.get(url("journal:diary"))
    week = response.context["week"]
    assert [day.date for day in week.days] == [
        date(2026, 11, day) for day in (23, 24, 25, 26, 27, 28)
    ]
    monday = week.days[0]
    assert [
        (item.lesson.period, item.lesson.assignment.subject.name) for item in monday.lessons
    ] == [(1, "Математика"), (2, "Русский язык"), (3, "Английский язык")]
    first = monday.lessons[0]
    assert (first.bell.starts_at.isoformat(), first.bell.ends_at.isoformat()) == (
        "08:30:00",
        "09:15:00",
    )
    assert first.teacher == region.members["teacher"]
    assert first.lesson.room == "21"
    assert week.days[5].lessons == []
    html = response.content.decode()
    assert "08:30–09:15" in html
    assert f'data-testid="diary-lesson-{first.lesson.pk}"' in html


def test_week_shows_topic_homework_files_marks_attendance_and_distance_details(
    client, region, school
):
    # given a Monday maths lesson with a topic, a control work, homework (common, Anna's own,
    # Boris's own) with a file, Anna's mark; her absence on Tuesday's Russian; a distance lesson
    math = lesson_on(school, "math_5a", MONDAY)
    Lesson.objects.filter(pk=math.pk).update(topic="Дроби", work_type=WorkType.CONTROL)
    put(region, school, "math_5a", MONDAY, "student", "5")
    put(region, school, "russian_5a", TUESDAY, "student", "н", persona="deputy_head")
    common = Homework.objects.create(lesson=math, text="№ 12, 14")
    Homework.objects.create(lesson=math, student=school.students["student"], text="Карточка 3")
    Homework.objects.create(lesson=math, student=school.students["pupil_2"], text="Карточка 7")
    file = HomeworkFile.objects.create(
        homework=common, file="homework/2026/11/drobi.pdf", name="drobi.pdf", size=2048
    )
    Lesson.objects.filter(pk=lesson_on(school, "math_5a", WEDNESDAY).pk).update(
        distance_format=Lesson.DistanceFormat.ONLINE,
        distance_platform="Сферум",
        distance_time="08:30",
    )
    # when Anna opens her week
    region.login(client, "student")
    response = client.get(url("journal:diary"))
    # then the lesson carries everything, and Boris's homework is not hers
    lessons = week_lessons(response)
    monday_math = lessons[(MONDAY, 1)]
    assert monday_math.lesson.topic == "Дроби"
    assert [(mark.value, mark.work_type, mark.weight) for mark in monday_math.marks] == [
        ("5", WorkType.CONTROL, 3)
    ]
    assert [(row.text, row.is_individual) for row in monday_math.homework] == [
        ("№ 12, 14", False),
        ("Карточка 3", True),
    ]
    assert [row.name for row in monday_math.homework[0].files] == ["drobi.pdf"]
    assert lessons[(TUESDAY, 1)].attendance_letter == "Н"
    assert lessons[(WEDNESDAY, 1)].is_distance
    html = response.content.decode()
    assert "Карточка 7" not in html
    assert f"/journal/homework-files/{file.pk}/" in html
    assert 'data-testid="diary-distance"' in html
    assert "Сферум" in html
    assert html.count('data-testid="diary-mark"') == 1
    assert html.count('data-testid="diary-attendance"') == 1


def test_marks_and_absences_of_classmates_stay_out_of_the_week(client, region, school):
    put(region, school, "math_5a", MONDAY, "pupil_2", "2")
    put(region, school, "math_5a", TUESDAY, "pupil_3", "н")
    region.login(client, "student")
    lessons = week_lessons(client.get(url("journal:diary")))
    assert all(not item.marks and item.attendance is None for item in lessons.values())


def test_the_substitute_is_shown_as_the_teacher(client, region, school):
    lesson = lesson_on(school, "math_5a", TUESDAY)
    Lesson.objects.filter(pk=lesson.pk).update(substitute=region.members["deputy_head"])
    region.login(client, "student")
    item = week_lessons(client.get(url("journal:diary")))[(TUESDAY, 2)]
    assert item.teacher == region.members["deputy_head"]


def test_subgroup_lessons_show_only_to_its_members(client, region, school):
    # given English is taught to a subgroup of 5А: Anna and Boris, not Vera (pupil_3)
    def english_days(response):
        return {
            item.lesson.date
            for item in week_lessons(response).values()
            if item.lesson.assignment == school.assignments["english_5a"]
        }

    region.login(client, "student")
    assert english_days(client.get(url("journal:diary"))) == {MONDAY, WEDNESDAY, FRIDAY}
    region.login(client, "pupil_2")
    assert english_days(client.get(url("journal:diary"))) == {MONDAY, WEDNESDAY, FRIDAY}
    login_pupil(client, school, "pupil_3")
    response = client.get(url("journal:diary"))
    assert response.status_code == 200
    assert english_days(response) == set()
    assert week_lessons(response)  # the whole class's lessons are still there


def test_week_navigation_goes_to_the_monday_of_any_date(client, region, school):
    region.login(client, "student")
    student = school.students["student"]
    response = client.get(url("journal:diary", student, week="2026-12-03"))
    week = response.context["week"]
    assert week.starts_on == date(2026, 11, 30)
    assert response.context["previous_url"].endswith("week=2026-11-23")
    assert response.context["next_url"].endswith("week=2026-12-07")
    fallback = client.get(url("journal:diary", student, week="not-a-date"))
    assert fallback.context["week"].starts_on == MONDAY


def test_holidays_show_their_name_instead_of_lessons(client, region, school):
    region.login(client, "student")
    response = client.get(url("journal:diary", week="2026-12-30"))
    days = response.context["week"].days
    assert all(not day.lessons for day in days)
    assert days[2].holiday == "Зимние каникулы"


def test_lessons_generated_after_a_timetable_change_appear(client, region, school):
    # given the timetable changed and the year's lessons are stale
    Lesson.objects.filter(assignment=school.assignments["history_5a"], date__gte=WEDNESDAY).delete()
    school.year.mark_lessons_stale(WEDNESDAY)
    region.login(client, "student")
    # when the diary is opened, then the lessons are brought in step first
    lessons = week_lessons(client.get(url("journal:diary")))
    assert (date(2026, 11, 26), 3) in lessons


# --- A student who left -------------------------------------------------------------------------


def test_parent_of_a_student_who_left_sees_nothing_after_the_last_day(client, region, school):
    # given Anna had marks on Monday and Wednesday, then left on Tuesday
    student = school.students["student"]
    put(region, school, "math_5a", MONDAY, "student", "4")
    put(region, school, "math_5a", WEDNESDAY, "student", "5")
    Announcement.objects.create(
        organization=region.school,
        author=region.members["director"],
        title="До выбытия",
        text="…",
        published_on=MONDAY,
    )
    Announcement.objects.create(
        organization=region.school,
        author=region.members["director"],
        title="После выбытия",
        text="…",
        published_on=WEDNESDAY,
    )
    withdraw_student(actor=SYSTEM, student=student, last_day=TUESDAY)
    # when her mother opens her diary
    region.login(client, "parent")
    response = client.get(url("journal:diary", student))
    # then only Monday and Tuesday remain, and later weeks and announcements are gone
    assert response.status_code == 200
    assert {day for day, _period in week_lessons(response)} == {MONDAY, TUESDAY}
    assert response.context["week"].is_cut
    assert 'data-testid="diary-left"' in response.content.decode()
    assert [a.title for a in response.context["week"].announcements] == ["До выбытия"]
    later = client.get(url("journal:diary", student, week="2026-11-30"))
    assert week_lessons(later) == {}
    marks = client.get(url("journal:diary-marks", student)).context["marks"]
    math = next(row for row in marks.subjects if row.subject.name == "Математика")
    assert [mark.value for mark in math.terms[1].marks] == ["4"]
    listed = client.get(url("journal:diary-announcements", student)).context["page"]
    assert [a.title for a in listed] == ["До выбытия"]
    # and the other child's diary is untouched
    assert week_lessons(client.get(url("journal:diary", school.students["pupil_5b"])))


# --- Marks by subject ---------------------------------------------------------------------------


def test_marks_page_shows_term_marks_weighted_averages_and_period_marks(client, region, school):
    # given two first-quarter maths marks (a control work «3», an answer «5»), one second-quarter
    # mark «4», a first-quarter mark «4» and a year mark «4»
    september = list(school.lessons("math_5a").filter(date__month=9)[:2])
    Lesson.objects.filter(pk=september[0].pk).update(work_type=WorkType.CONTROL)
    for lesson, text in zip(september, ["3", "5"], strict=True):
        save_cell(
            actor=region.member("teacher"),
            lesson=lesson,
            student=school.students["student"],
            text=text,
            seen="",
        )
    put(region, school, "math_5a", MONDAY, "student", "4")
    for kind, number in ((MarkKind.TERM, 1), (MarkKind.YEAR, 0)):
        Mark.objects.create(
            student=school.students["student"],
            assignment=school.assignments["math_5a"],
            kind=kind,
            period_number=number,
            value="4",
            author=region.members["teacher"],
        )
    # when Anna opens her marks
    region.login(client, "student")
    response = client.get(url("journal:diary-marks"))
    # then every subject of her groups is listed with averages per term
    marks = response.context["marks"]
    assert [row.subject.name for row in marks.subjects] == [
        "Английский язык",
        "История",
        "Математика",
        "Русский язык",
    ]
    math = marks.subjects[2]
    first, second = math.terms[0], math.terms[1]
    assert [mark.value for mark in first.marks] == ["3", "5"]
    assert first.average == Decimal("3.50")
    assert first.period_mark == "4"
    assert second.average == Decimal("4.00")
    assert second.period_mark == ""
    assert math.year_mark == "4"
    html = response.content.decode()
    assert september[0].date.strftime("%d.%m.%Y") in html
    assert html.count('data-testid="diary-term-mark"') == 1


def test_marks_page_lists_only_the_subjects_of_the_students_groups(client, region, school):
    login_pupil(client, school, "pupil_3")
    marks = client.get(url("journal:diary-marks")).context["marks"]
    assert "Английский язык" not in [row.subject.name for row in marks.subjects]


# --- Announcements in the diary ------------------------------------------------------------------


def test_diary_shows_the_schools_and_the_own_classs_announcements_newest_first(
    client, region, school
):
    def announce(title, on, school_class=None):
        Announcement.objects.create(
            organization=region.school,
            school_class=school_class,
            author=region.members["director"],
            title=title,
            text="…",
            published_on=on,
        )

    announce("Для всей школы", date(2026, 11, 20))
    announce("Для 5А", date(2026, 11, 23), school.class_5a)
    announce("Для 5Б", date(2026, 11, 24), school.class_5b)
    Announcement.objects.create(
        organization=region.other_school,
        author=region.members["other_school_admin"],
        title="Чужая школа",
        text="…",
        published_on=date(2026, 11, 25),
    )
    region.login(client, "parent")
    student, pupil_5b = school.students["student"], school.students["pupil_5b"]
    week = client.get(url("journal:diary", student)).context["week"]
    assert [a.title for a in week.announcements] == ["Для 5А", "Для всей школы"]
    listed = client.get(url("journal:diary-announcements", pupil_5b)).context["page"]
    assert [a.title for a in listed] == ["Для 5Б", "Для всей школы"]


# --- Query budget -------------------------------------------------------------------------------


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_week_costs_the_same_queries_for_few_or_many_marks_and_any_class_size(
    client, region, school
):
    # given a week with a single mark in a class of three
    put(region, school, "math_5a", MONDAY, "student", "5")
    region.login(client, "student")
    path = url("journal:diary")
    client.get(path)
    few = count_queries(client, path)
    # when the class grows to thirty and the week fills with marks, absences, homework and files
    for number in range(27):
        newcomer = enrol_student(
            actor=SYSTEM,
            school_class=school.class_5a,
            on=date(2026, 9, 1),
            person_fields={
                "last_name": f"Новиков{number}",
                "first_name": "Иван",
                "middle_name": "Иванович",
                "sex": "male",
                "birth_date": date(2015, 3, 1),
            },
            login=f"newcomer.{number}",
            password=PASSWORD,
        )
        save_cell(
            actor=region.member("teacher"),
            lesson=lesson_on(school, "math_5a", MONDAY),
            student=newcomer,
            text="4",
            seen="",
        )
    for day in (TUESDAY, WEDNESDAY):
        put(region, school, "math_5a", day, "student", "45")
        put(region, school, "russian_5a", day, "student", "3 оп", persona="deputy_head")
    for lesson in Lesson.objects.filter(
        assignment__group__school_class=school.class_5a, date__range=(MONDAY, FRIDAY)
    ):
        homework = Homework.objects.create(lesson=lesson, text="Задание")
        HomeworkFile.objects.create(homework=homework, file="homework/x.pdf", name="x.pdf")
        Homework.objects.create(lesson=lesson, student=school.students["student"], text="Своё")
    # then the page costs the same
    many = count_queries(client, path)
    assert many == few


def test_marks_page_costs_the_same_queries_for_few_or_many_marks(client, region, school):
    put(region, school, "math_5a", MONDAY, "student", "5")
    region.login(client, "student")
    path = url("journal:diary-marks")
    client.get(path)
    few = count_queries(client, path)
    for lesson in school.lessons("math_5a").filter(date__lte=WEDNESDAY)[:20]:
        save_cell(
            actor=region.member("teacher"),
            lesson=lesson,
            student=school.students["student"],
            text="45",
            seen="",
        )
    Mark.objects.create(
        student=school.students["student"],
        assignment=school.assignments["math_5a"],
        kind=MarkKind.TERM,
        period_number=1,
        value="4",
        author=region.members["teacher"],
    )
    assert count_queries(client, path) == few
