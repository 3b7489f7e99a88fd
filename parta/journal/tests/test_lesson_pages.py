"""The lesson page and the homework file download: who sees what, what a write changes."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core.testing.personas import SYSTEM, login_member
from parta.core.testing.school import YEAR_START
from parta.identity.models import DerivedRole
from parta.journal.models import Homework, HomeworkFile, Lesson, Mark
from parta.journal.services.cells import save_cell
from parta.journal.services.lesson_content import attach_homework_file, save_homework
from parta.students.services.enrolment import enrol_student

ALLOWED_TO_VIEW = ["teacher", "deputy_head", "director", "admin"]
DENIED = [
    "hr",
    "secretary",
    "medical",
    "psychologist",
    "tech_staff",
    "student",
    "parent",
    "other_school_teacher",
    "other_school_admin",
    "municipal_staff",
    "regional_admin",
]


@pytest.fixture
def lesson(school) -> Lesson:
    return school.last_lesson_before("math_5a")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def lesson_url(lesson: Lesson) -> str:
    return reverse("journal:lesson", args=[lesson.pk])


def _attach(region, lesson, *, student=None, name="task.pdf", content=b"%PDF test"):
    teacher = region.member("teacher")
    homework = save_homework(actor=teacher, lesson=lesson, text="Задание", student=student)
    return attach_homework_file(
        actor=teacher, homework=homework, uploaded_file=SimpleUploadedFile(name, content)
    )


def _login_student(client, school, key):
    member = school.students[key].membership
    return login_member(client, member.acting_as(DerivedRole.STUDENT))


# --- the lesson page -----------------------------------------------------------------------------


def test_teacher_sees_the_lesson_header_and_the_form(client, region, school, lesson):
    # given
    region.login(client, "teacher")
    # when
    response = client.get(lesson_url(lesson))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="lesson-form"' in html
    assert "09:25–10:10" in html  # Tuesday's mathematics is the 2nd lesson
    assert lesson.room in html
    assert response.context["page"].can_edit
    assert response.context["page"].deadline == date(2026, 11, 25)  # Tue 24.11 + 1 working day


@pytest.mark.parametrize("persona", ["deputy_head", "director", "admin"])
def test_school_leaders_read_the_lesson_without_a_form(client, region, school, lesson, persona):
    # given
    region.login(client, persona)
    # when
    response = client.get(lesson_url(lesson))
    # then
    assert response.status_code == 200
    assert 'data-testid="lesson-readonly"' in response.content.decode()
    assert not response.context["page"].can_edit


def test_class_teacher_reads_another_teachers_lesson_of_the_class(client, region, school):
    # given: the teacher persona is the class teacher of 5А, Russian is the deputy head's
    lesson = school.last_lesson_before("russian_5a")
    region.login(client, "teacher")
    # when
    response = client.get(lesson_url(lesson))
    # then
    assert response.status_code == 200
    assert not response.context["page"].can_edit


@pytest.mark.parametrize("persona", DENIED)
def test_others_get_404_on_the_lesson_page(client, region, school, lesson, persona):
    # given
    region.login(client, persona)
    # when
    response = client.get(lesson_url(lesson))
    # then
    assert response.status_code == 404


def test_teacher_saves_the_lesson(client, region, school, lesson):
    # given
    region.login(client, "teacher")
    # when
    response = client.post(
        lesson_url(lesson),
        {
            "topic": "Сложение дробей",
            "work_type": "control",
            "distance_format": "online",
            "distance_platform": "Сферум",
            "distance_time": "08:30",
        },
    )
    # then
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.topic, lesson.work_type, lesson.distance_format) == (
        "Сложение дробей",
        "control",
        "online",
    )


def test_distance_lesson_without_platform_shows_an_error_and_saves_nothing(
    client, region, school, lesson
):
    # given
    region.login(client, "teacher")
    # when
    response = client.post(
        lesson_url(lesson),
        {"topic": "Дроби", "work_type": "answer", "distance_format": "online"},
        headers={"HX-Request": "true"},
    )
    # then
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="field has-error"') == 2
    assert 'name="distance_platform"' in html
    lesson.refresh_from_db()
    assert lesson.topic == ""


def test_htmx_save_returns_the_section(client, region, school, lesson):
    # given
    region.login(client, "teacher")
    # when
    response = client.post(
        lesson_url(lesson),
        {"topic": "Дроби", "work_type": "answer"},
        headers={"HX-Request": "true"},
    )
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="lesson-done"' in html
    assert "<html" not in html


@pytest.mark.parametrize(("persona", "status"), [("deputy_head", 403), ("student", 404)])
def test_denied_lesson_writes_change_nothing(client, region, school, lesson, persona, status):
    # given
    region.login(client, persona)
    # when
    response = client.post(lesson_url(lesson), {"topic": "Чужая тема", "work_type": "answer"})
    homework = client.post(
        reverse("journal:lesson-homework", args=[lesson.pk]), {"text": "Чужое задание"}
    )
    # then
    assert (response.status_code, homework.status_code) == (status, status)
    lesson.refresh_from_db()
    assert lesson.topic == ""
    assert not Homework.objects.exists()


def test_teacher_gives_common_and_individual_homework(client, region, school, lesson):
    # given
    region.login(client, "teacher")
    url = reverse("journal:lesson-homework", args=[lesson.pk])
    pupil = school.students["pupil_3"]
    # when
    client.post(url, {"text": "№ 12"})
    client.post(url, {"text": "Карточка 2", "student": pupil.pk, "individual": "1"})
    # then
    assert {(homework.student_id, homework.text) for homework in Homework.objects.all()} == {
        (None, "№ 12"),
        (pupil.pk, "Карточка 2"),
    }
    page = client.get(lesson_url(lesson)).content.decode()
    assert f'data-testid="homework-student-{pupil.pk}"' in page


def test_individual_homework_without_a_student_keeps_the_common_one(client, region, school, lesson):
    # given
    region.login(client, "teacher")
    save_homework(actor=region.member("teacher"), lesson=lesson, text="№ 12")
    # when
    response = client.post(
        reverse("journal:lesson-homework", args=[lesson.pk]),
        {"text": "Карточка", "student": "", "individual": "1"},
    )
    # then
    assert response.status_code == 400
    assert [homework.text for homework in Homework.objects.all()] == ["№ 12"]


def test_individual_homework_for_a_student_outside_the_group_is_refused(
    client, region, school, lesson
):
    # given
    region.login(client, "teacher")
    # when
    response = client.post(
        reverse("journal:lesson-homework", args=[lesson.pk]),
        {"text": "Карточка", "student": school.students["pupil_5b"].pk},
    )
    # then
    assert response.status_code == 400
    assert response.context["homework_errors"]
    assert not Homework.objects.exists()


def test_teacher_uploads_and_removes_a_file(client, region, school, lesson, media):
    # given
    region.login(client, "teacher")
    homework = save_homework(actor=region.member("teacher"), lesson=lesson, text="См. файл")
    # when
    response = client.post(
        reverse("journal:lesson-file-add", args=[lesson.pk, homework.pk]),
        {"file": SimpleUploadedFile("Контрольная.docx", b"docx data")},
    )
    # then
    assert response.status_code == 302
    attached = HomeworkFile.objects.get()
    assert attached.name == "Контрольная.docx"
    page = client.get(lesson_url(lesson)).content.decode()
    assert reverse("journal:homework-file", args=[attached.pk]) in page
    # when
    response = client.post(reverse("journal:lesson-file-remove", args=[lesson.pk, attached.pk]))
    # then
    assert response.status_code == 302
    assert not HomeworkFile.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "code_word"),
    [("big.pdf", b"x" * 11, "big"), ("virus.exe", b"MZ", "exe")],
)
def test_bad_upload_shows_a_message_and_stores_nothing(
    client, region, school, lesson, media, settings, name, content, code_word
):
    # given
    settings.HOMEWORK_FILE_MAX_BYTES = 10
    region.login(client, "teacher")
    homework = save_homework(actor=region.member("teacher"), lesson=lesson, text="См. файл")
    # when
    response = client.post(
        reverse("journal:lesson-file-add", args=[lesson.pk, homework.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )
    # then
    assert response.status_code == 400
    assert response.context["file_errors"]
    assert 'data-testid="file-errors"' in response.content.decode()
    assert not HomeworkFile.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_lesson_page_costs_the_same_for_3_and_30_students(client, region, school, lesson, media):
    # given: 3 students, common and individual homework with files, marks
    teacher = region.member("teacher")
    _attach(region, lesson)
    _attach(region, lesson, student=school.students["student"])
    save_cell(actor=teacher, lesson=lesson, student=school.students["student"], text="5", seen="")
    region.login(client, "teacher")
    url = lesson_url(lesson)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    # given: 30 students, more individual homework and files
    for number in range(27):
        student = enrol_student(
            actor=SYSTEM,
            school_class=school.class_5a,
            on=YEAR_START,
            person_fields={
                "last_name": f"Ученик{number:02d}",
                "first_name": "Иван",
                "middle_name": "Иванович",
                "sex": "male",
                "birth_date": date(2015, 3, 1),
            },
        )
        if number < 5:
            _attach(region, lesson, student=student, name=f"card{number}.pdf")
            save_cell(actor=teacher, lesson=lesson, student=student, text="4", seen="")
    assert len(client.get(url).context["page"].students) == 30
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    # then
    assert len(small.captured_queries) == len(large.captured_queries)
    assert Mark.objects.filter(lesson=lesson).count() == 6


# --- the homework file download ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher", 200),
        ("deputy_head", 200),
        ("director", 200),
        ("student", 200),
        ("pupil_2", 200),
        ("parent", 200),
        ("other_parent", 200),
        ("hr", 404),
        ("other_school_teacher", 404),
        ("other_school_admin", 404),
        ("municipal_staff", 404),
    ],
)
def test_common_homework_file_download(client, region, school, media, persona, status):
    # given
    attached = _attach(region, school.last_lesson_before("math_5a"), name="Задачи.pdf")
    region.login(client, persona)
    # when
    response = client.get(reverse("journal:homework-file", args=[attached.pk]))
    # then
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"%PDF test"
        assert "attachment" in response["Content-Disposition"]
        assert (
            "filename*=utf-8''%D0%97%D0%B0%D0%B4%D0%B0%D1%87%D0%B8.pdf"
            in (response["Content-Disposition"])
        )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher", 200),
        ("deputy_head", 200),
        ("student", 200),
        ("parent", 200),
        ("pupil_2", 404),
        ("other_parent", 404),
    ],
)
def test_individual_homework_file_opens_only_for_its_student(
    client, region, school, media, persona, status
):
    # given
    lesson = school.last_lesson_before("math_5a")
    attached = _attach(region, lesson, student=school.students["student"])
    region.login(client, persona)
    # when
    response = client.get(reverse("journal:homework-file", args=[attached.pk]))
    # then
    assert response.status_code == status


@pytest.mark.parametrize(("key", "status"), [("pupil_5b", 404), ("pupil_3", 404), ("pupil_2", 200)])
def test_students_outside_the_group_get_404(client, region, school, media, key, status):
    # given: the English subgroup of 5А holds the student persona and pupil_2, not pupil_3
    attached = _attach(region, school.last_lesson_before("english_5a"))
    _login_student(client, school, key)
    # when
    response = client.get(reverse("journal:homework-file", args=[attached.pk]))
    # then
    assert response.status_code == status


def test_missing_file_on_disk_gives_404(client, region, school, media):
    # given
    attached = _attach(region, school.last_lesson_before("math_5a"))
    attached.file.storage.delete(attached.file.name)
    region.login(client, "teacher")
    # when
    response = client.get(reverse("journal:homework-file", args=[attached.pk]))
    # then
    assert response.status_code == 404
