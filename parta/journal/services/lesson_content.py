"""What a teacher writes on the lesson page: topic, kind of work, distance lesson, homework, files.

Seed 004, 3.3.5: the subject teacher enters the topic, the common and individual homework no
later than one day after the lesson, and, when teaching remotely, the format of the distance
lesson (online or offline), the communication platform and the time of the lesson.
"""

from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership
from parta.journal.models import WORK_WEIGHTS, Homework, HomeworkFile, Lesson, Mark, MarkKind
from parta.journal.services.cells import check_lesson_writable, check_student_in_lesson
from parta.students.models import Student

TOPIC_MAX_LENGTH = 500
PLATFORM_MAX_LENGTH = 100
TIME_MAX_LENGTH = 50
HOMEWORK_MAX_LENGTH = 5000
FILE_NAME_MAX_LENGTH = 255
#: Documents, spreadsheets, presentations, pictures and archives a teacher hands out.
ALLOWED_EXTENSIONS = (
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "ods",
    "odp",
    "txt",
    "jpg",
    "jpeg",
    "png",
    "zip",
)
LESSON_FIELDS = ("topic", "work_type", "distance_format", "distance_platform", "distance_time")


def _locked_lesson(*, actor: Membership, lesson: Lesson) -> Lesson:
    """The lesson row locked for the change, once the actor may write it."""
    lesson = (
        Lesson.objects.select_for_update()
        .select_related("assignment__group__school_class__year")
        .get(pk=lesson.pk)
    )
    check_lesson_writable(actor=actor, lesson=lesson)
    return lesson


@transaction.atomic
def update_lesson(
    *,
    actor: Membership,
    lesson: Lesson,
    topic: str,
    work_type: str,
    distance_format: str,
    distance_platform: str,
    distance_time: str,
) -> Lesson:
    """Put the topic, the kind of work and the distance-lesson details of a lesson.

    A new kind of work re-weights the lesson's marks already given (WORK_WEIGHTS)."""
    lesson = _locked_lesson(actor=actor, lesson=lesson)
    errors: dict[str, str] = {}
    if topic and not topic.strip():
        errors["topic"] = _("The topic cannot consist of spaces only.")
    topic = topic.strip()
    if len(topic) > TOPIC_MAX_LENGTH:
        errors["topic"] = _("The topic is too long: at most %(limit)s characters.") % {
            "limit": TOPIC_MAX_LENGTH
        }
    if work_type not in WORK_WEIGHTS:
        errors["work_type"] = _("Choose a kind of work from the list.")
    distance_platform, distance_time = distance_platform.strip(), distance_time.strip()
    if distance_format and distance_format not in Lesson.DistanceFormat.values:
        errors["distance_format"] = _("A distance lesson is either online or offline.")
    elif distance_format:
        # Seed 004, 3.3.5: a distance lesson records its format, platform and time together.
        if not distance_platform:
            errors["distance_platform"] = _("Name the platform the distance lesson is held on.")
        if not distance_time:
            errors["distance_time"] = _("Give the time of the distance lesson.")
    else:
        distance_platform = distance_time = ""
    if len(distance_platform) > PLATFORM_MAX_LENGTH:
        errors["distance_platform"] = _("At most %(limit)s characters.") % {
            "limit": PLATFORM_MAX_LENGTH
        }
    if len(distance_time) > TIME_MAX_LENGTH:
        errors["distance_time"] = _("At most %(limit)s characters.") % {"limit": TIME_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(lesson, LESSON_FIELDS)
    lesson.topic = topic
    lesson.work_type = work_type
    lesson.distance_format = distance_format
    lesson.distance_platform = distance_platform
    lesson.distance_time = distance_time
    changed_before, changed_after = audit.changed(before, audit.snapshot(lesson, LESSON_FIELDS))
    if not changed_after:
        return lesson
    lesson.save(update_fields=[*LESSON_FIELDS, "updated_at"])
    if "work_type" in changed_after:
        changed_after["marks_reweighted"] = Mark.objects.filter(
            lesson=lesson, kind=MarkKind.CURRENT
        ).update(work_type=work_type, weight=WORK_WEIGHTS[work_type])
    audit.record(
        actor=actor,
        action="journal.lesson_updated",
        target=lesson,
        before=changed_before,
        after=changed_after,
        organization_id=lesson.organization_id,
    )
    return lesson


def _delete_stored_files(names: list[str]) -> None:
    """Remove files from the storage once the rows that named them are gone for good."""
    if not names:
        return
    storage = HomeworkFile._meta.get_field("file").storage

    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def save_homework(
    *, actor: Membership, lesson: Lesson, text: str, student: Student | None = None
) -> Homework | None:
    """Put the common homework of a lesson, or one student's individual homework.

    Empty text deletes the homework and its files."""
    lesson = _locked_lesson(actor=actor, lesson=lesson)
    text = text.strip()
    if len(text) > HOMEWORK_MAX_LENGTH:
        raise ValidationError(
            _("The homework is too long: at most %(limit)s characters.")
            % {"limit": HOMEWORK_MAX_LENGTH},
            code="homework_too_long",
        )
    if student is not None:
        check_student_in_lesson(student=student, lesson=lesson)
    homework = Homework.objects.filter(lesson=lesson, student=student).order_by("id").first()
    before = homework.text if homework else ""
    if before == text:
        return homework
    whom = {"student": str(student)} if student else {}
    if not text:
        assert homework is not None
        names = list(homework.files.values_list("file", flat=True))
        homework.delete()
        _delete_stored_files(names)
        homework = None
    elif homework is None:
        homework = Homework.objects.create(lesson=lesson, student=student, text=text)
    else:
        homework.text = text
        homework.save(update_fields=["text"])
    audit.record(
        actor=actor,
        action="journal.homework_saved",
        target=lesson,
        before={**whom, "homework": before},
        after={**whom, "homework": text},
        organization_id=lesson.organization_id,
    )
    return homework


def _original_name(uploaded_file: UploadedFile) -> str:
    """The file's own name without any folders, short enough to keep with its extension."""
    name = PurePath((uploaded_file.name or "").replace("\\", "/")).name.strip()
    if len(name) > FILE_NAME_MAX_LENGTH:
        suffix = PurePath(name).suffix[:20]
        name = name[: FILE_NAME_MAX_LENGTH - len(suffix)] + suffix
    return name


def _check_file(uploaded_file: UploadedFile, name: str) -> None:
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("Files of this kind cannot be attached. Allowed: %(extensions)s.")
            % {"extensions": ", ".join(ALLOWED_EXTENSIONS)},
            code="file_extension",
        )
    if not uploaded_file.size:
        raise ValidationError(_("The file is empty."), code="file_empty")
    limit = settings.HOMEWORK_FILE_MAX_BYTES
    if uploaded_file.size > limit:
        raise ValidationError(
            _("The file is too big: %(size)s, at most %(limit)s.")
            % {"size": filesizeformat(uploaded_file.size), "limit": filesizeformat(limit)},
            code="file_too_big",
        )


@transaction.atomic
def attach_homework_file(
    *, actor: Membership, homework: Homework, uploaded_file: UploadedFile
) -> HomeworkFile:
    """Attach a file to homework; it is stored under an unguessable name, served by the app."""
    lesson = _locked_lesson(actor=actor, lesson=homework.lesson)
    name = _original_name(uploaded_file)
    _check_file(uploaded_file, name)
    record = HomeworkFile(homework=homework, name=name, size=uploaded_file.size)
    extension = PurePath(name).suffix.lower()
    record.file.save(f"{uuid4().hex}{extension}", uploaded_file, save=False)
    try:
        record.save()
        audit.record(
            actor=actor,
            action="journal.homework_file_added",
            target=lesson,
            after={
                **({"student": str(homework.student)} if homework.student_id else {}),
                "file": name,
                "size": record.size,
            },
            organization_id=lesson.organization_id,
        )
    except Exception:
        # The row is not written: the stored file must not stay behind.
        record.file.storage.delete(record.file.name)
        raise
    return record


@transaction.atomic
def remove_homework_file(*, actor: Membership, file: HomeworkFile) -> None:
    """Detach a file from homework and remove it from the storage."""
    homework = file.homework
    lesson = _locked_lesson(actor=actor, lesson=homework.lesson)
    name, stored = file.name, file.file.name
    file.delete()
    _delete_stored_files([stored])
    audit.record(
        actor=actor,
        action="journal.homework_file_removed",
        target=lesson,
        before={
            **({"student": str(homework.student)} if homework.student_id else {}),
            "file": name,
        },
        organization_id=lesson.organization_id,
    )
