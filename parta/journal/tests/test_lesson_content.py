"""Services of the lesson page: topic, kind of work, distance lesson, homework and its files."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parta.core.models import AuditEntry
from parta.journal.models import Homework, HomeworkFile, Lesson, Mark, WorkType
from parta.journal.services.cells import save_cell
from parta.journal.services.lesson_content import (
    attach_homework_file,
    remove_homework_file,
    save_homework,
    update_lesson,
)

LESSON_DEFAULTS = {
    "topic": "Дроби",
    "work_type": WorkType.ANSWER,
    "distance_format": "",
    "distance_platform": "",
    "distance_time": "",
}


@pytest.fixture
def lesson(school) -> Lesson:
    return school.last_lesson_before("math_5a")


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _update(region, lesson, persona="teacher", **fields):
    return update_lesson(
        actor=region.member(persona), lesson=lesson, **{**LESSON_DEFAULTS, **fields}
    )


def _stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_teacher_sets_topic_and_distance_lesson(region, lesson):
    # when
    _update(
        region,
        lesson,
        topic="  Сложение дробей ",
        distance_format=Lesson.DistanceFormat.ONLINE,
        distance_platform="Сферум",
        distance_time="08:30–09:10",
    )
    # then
    lesson.refresh_from_db()
    assert lesson.topic == "Сложение дробей"
    assert (lesson.distance_format, lesson.distance_platform, lesson.distance_time) == (
        "online",
        "Сферум",
        "08:30–09:10",
    )
    entry = AuditEntry.objects.get(action="journal.lesson_updated", target_id=lesson.pk)
    assert entry.after["topic"] == "Сложение дробей"
    assert entry.before["topic"] == ""


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"topic": "   "}, "topic"),
        ({"topic": "т" * 501}, "topic"),
        ({"work_type": "essay"}, "work_type"),
        ({"distance_format": "radio"}, "distance_format"),
        ({"distance_format": "online", "distance_time": "10:00"}, "distance_platform"),
        ({"distance_format": "offline", "distance_platform": "Сферум"}, "distance_time"),
    ],
)
def test_bad_lesson_fields_are_refused_and_nothing_is_saved(region, lesson, fields, field):
    # when
    with pytest.raises(ValidationError) as error:
        _update(region, lesson, **fields)
    # then
    assert field in error.value.message_dict
    lesson.refresh_from_db()
    assert lesson.topic == ""
    assert lesson.distance_format == ""
    assert not AuditEntry.objects.filter(action="journal.lesson_updated").exists()


def test_in_class_lesson_drops_platform_and_time(region, lesson):
    # when
    _update(region, lesson, distance_platform="Сферум", distance_time="10:00")
    # then
    lesson.refresh_from_db()
    assert (lesson.distance_platform, lesson.distance_time) == ("", "")


def test_changing_kind_of_work_reweights_the_lessons_marks(region, school, lesson):
    # given
    teacher = region.member("teacher")
    save_cell(actor=teacher, lesson=lesson, student=school.students["student"], text="5", seen="")
    save_cell(actor=teacher, lesson=lesson, student=school.students["pupil_2"], text="3", seen="")
    # when
    _update(region, lesson, work_type=WorkType.CONTROL)
    # then
    marks = Mark.objects.filter(lesson=lesson)
    assert {(mark.work_type, mark.weight) for mark in marks} == {("control", 3)}
    entry = AuditEntry.objects.get(action="journal.lesson_updated", target_id=lesson.pk)
    assert entry.before["work_type"] == "answer"
    assert entry.after["work_type"] == "control"
    assert entry.after["marks_reweighted"] == 2


def test_only_the_lessons_teacher_updates_it(region, lesson):
    # when / then
    with pytest.raises(PermissionDenied):
        _update(region, lesson, persona="deputy_head")
    lesson.refresh_from_db()
    assert lesson.topic == ""


def test_closed_term_refuses_lesson_changes(region, school, lesson):
    # given
    term = school.terms[1]
    term.closed_at = timezone.now()
    term.save()
    # when
    with pytest.raises(ValidationError) as error:
        _update(region, lesson)
    # then
    assert error.value.code == "journal_closed"
    lesson.refresh_from_db()
    assert lesson.topic == ""


def test_common_homework_is_created_changed_and_deleted(region, lesson):
    # given
    teacher = region.member("teacher")
    # when
    save_homework(actor=teacher, lesson=lesson, text="№ 12, 13")
    save_homework(actor=teacher, lesson=lesson, text="№ 14")
    # then
    homework = Homework.objects.get(lesson=lesson)
    assert (homework.text, homework.student) == ("№ 14", None)
    # when
    save_homework(actor=teacher, lesson=lesson, text="  ")
    # then
    assert not Homework.objects.filter(lesson=lesson).exists()
    audits = AuditEntry.objects.filter(action="journal.homework_saved").order_by("id")
    assert [entry.after["homework"] for entry in audits] == ["№ 12, 13", "№ 14", ""]


def test_individual_homework_for_a_student_of_the_group(region, school, lesson):
    # given
    student = school.students["pupil_2"]
    # when
    save_homework(actor=region.member("teacher"), lesson=lesson, text="Карточка 3", student=student)
    # then
    homework = Homework.objects.get(lesson=lesson)
    assert homework.student == student


def test_individual_homework_for_a_student_of_another_class_is_refused(region, school, lesson):
    # when
    with pytest.raises(ValidationError) as error:
        save_homework(
            actor=region.member("teacher"),
            lesson=lesson,
            text="Карточка 3",
            student=school.students["pupil_5b"],
        )
    # then
    assert error.value.code == "student_not_in_group"
    assert not Homework.objects.exists()


def test_homework_of_another_teachers_lesson_is_refused(region, school):
    # given
    lesson = school.last_lesson_before("russian_5a")
    # when
    with pytest.raises(PermissionDenied):
        save_homework(actor=region.member("teacher"), lesson=lesson, text="Упр. 5")
    # then
    assert not Homework.objects.exists()


def test_file_is_attached_stored_and_removed(region, lesson, media):
    # given
    teacher = region.member("teacher")
    homework = save_homework(actor=teacher, lesson=lesson, text="См. файл")
    upload = SimpleUploadedFile("Задачи к уроку.pdf", b"%PDF-1.4 test")
    # when
    attached = attach_homework_file(actor=teacher, homework=homework, uploaded_file=upload)
    # then
    attached.refresh_from_db()
    assert attached.name == "Задачи к уроку.pdf"
    assert attached.size == len(b"%PDF-1.4 test")
    assert attached.file.name.startswith("homework/")
    assert "Задачи" not in attached.file.name
    assert [path.read_bytes() for path in _stored_files(media)] == [b"%PDF-1.4 test"]
    assert AuditEntry.objects.filter(action="journal.homework_file_added").exists()
    # when
    remove_homework_file(actor=teacher, file=attached)
    # then
    assert not HomeworkFile.objects.exists()
    assert AuditEntry.objects.get(action="journal.homework_file_removed").before["file"] == (
        "Задачи к уроку.pdf"
    )


def test_removing_homework_removes_its_files(
    region, lesson, media, django_capture_on_commit_callbacks
):
    # given
    teacher = region.member("teacher")
    homework = save_homework(actor=teacher, lesson=lesson, text="См. файл")
    attach_homework_file(
        actor=teacher, homework=homework, uploaded_file=SimpleUploadedFile("a.txt", b"text")
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        save_homework(actor=teacher, lesson=lesson, text="")
    # then
    assert not HomeworkFile.objects.exists()
    assert _stored_files(media) == []


def test_too_big_file_is_refused(region, lesson, media, settings):
    # given
    settings.HOMEWORK_FILE_MAX_BYTES = 10
    teacher = region.member("teacher")
    homework = save_homework(actor=teacher, lesson=lesson, text="См. файл")
    # when
    with pytest.raises(ValidationError) as error:
        attach_homework_file(
            actor=teacher, homework=homework, uploaded_file=SimpleUploadedFile("a.pdf", b"x" * 11)
        )
    # then
    assert error.value.code == "file_too_big"
    assert not HomeworkFile.objects.exists()
    assert _stored_files(media) == []


@pytest.mark.parametrize("name", ["run.exe", "script.js", "page.html", "noextension", "a.pdf.sh"])
def test_file_of_a_bad_kind_is_refused(region, lesson, media, name):
    # given
    teacher = region.member("teacher")
    homework = save_homework(actor=teacher, lesson=lesson, text="См. файл")
    # when
    with pytest.raises(ValidationError) as error:
        attach_homework_file(
            actor=teacher, homework=homework, uploaded_file=SimpleUploadedFile(name, b"data")
        )
    # then
    assert error.value.code == "file_extension"
    assert not HomeworkFile.objects.exists()
    assert _stored_files(media) == []


def test_other_teacher_cannot_remove_a_file(region, school, lesson, media):
    # given
    homework = save_homework(actor=region.member("teacher"), lesson=lesson, text="См. файл")
    attached = attach_homework_file(
        actor=region.member("teacher"),
        homework=homework,
        uploaded_file=SimpleUploadedFile("a.txt", b"text"),
    )
    # when
    with pytest.raises(PermissionDenied):
        remove_homework_file(actor=region.member("deputy_head"), file=attached)
    # then
    assert HomeworkFile.objects.filter(pk=attached.pk).exists()
    assert len(_stored_files(media)) == 1
