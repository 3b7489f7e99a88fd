"""Publishing announcements: who may, for which class, and what is refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parta.core.models import AuditEntry
from parta.identity.models import OrgRole
from parta.school.models import AcademicYear, Announcement, SchoolClass
from parta.school.policies import can_publish_announcement
from parta.school.services.announcements import publish_announcement

LEADERS = ["admin", "director", "deputy_head"]
NOT_PUBLISHERS = [
    "hr",
    "secretary",
    "medical",
    "psychologist",
    "tech_staff",
    "other_school_admin",
    "other_school_teacher",
    "municipal_admin",
    "municipal_head",
    "regional_admin",
    "student",
    "parent",
]


def publish(region, persona, school_class=None, title="Собрание", text="В пятницу в 18:00."):
    return publish_announcement(
        actor=region.member(persona),
        organization=region.school,
        title=title,
        text=text,
        school_class=school_class,
    )


@pytest.mark.parametrize("persona", LEADERS)
def test_leaders_publish_for_the_school_and_any_class(region, school, persona):
    member = region.member(persona)
    assert can_publish_announcement(member, region.school)
    assert can_publish_announcement(member, region.school, school.class_5a)
    assert can_publish_announcement(member, region.school, school.class_5b)


def test_a_teacher_publishes_only_for_the_class_they_lead(region, school):
    teacher = region.member("teacher")
    assert can_publish_announcement(teacher, region.school, school.class_5a)
    assert not can_publish_announcement(teacher, region.school, school.class_5b)
    assert not can_publish_announcement(teacher, region.school)
    # the deputy head leads 5Б, and as a teacher may publish only there
    deputy_as_teacher = region.member("deputy_head").acting_as(OrgRole.TEACHER)
    assert can_publish_announcement(deputy_as_teacher, region.school, school.class_5b)
    assert not can_publish_announcement(deputy_as_teacher, region.school, school.class_5a)


@pytest.mark.parametrize("persona", NOT_PUBLISHERS)
def test_others_may_not_publish(region, school, persona):
    member = region.member(persona)
    assert not can_publish_announcement(member, region.school)
    assert not can_publish_announcement(member, region.school, school.class_5a)
    with pytest.raises(PermissionDenied):
        publish(region, persona, school.class_5a)
    assert not Announcement.objects.exists()


def test_a_class_of_another_school_is_refused(region, school):
    other_year = AcademicYear.objects.create(
        organization=region.other_school,
        starts_on=school.year.starts_on,
        ends_on=school.year.ends_on,
    )
    foreign = SchoolClass.objects.create(
        year=other_year, organization=region.other_school, grade=5, letter="А"
    )
    assert not can_publish_announcement(region.member("director"), region.school, foreign)
    with pytest.raises(PermissionDenied):
        publish(region, "director", foreign)
    assert not Announcement.objects.exists()


def test_director_publishes_a_school_announcement_today_and_it_is_audited(region, school, today):
    announcement = publish(region, "director", title="  Собрание  ")
    assert announcement.title == "Собрание"
    assert announcement.school_class is None
    assert announcement.published_on == today
    assert announcement.author == region.members["director"]
    entry = AuditEntry.objects.get(action="school.announcement_published")
    assert entry.target_id == announcement.pk
    assert entry.organization_id == region.school.pk
    assert entry.after == {"title": "Собрание", "school_class": ""}


def test_teacher_publishes_for_own_class(region, school):
    announcement = publish(region, "teacher", school.class_5a)
    assert announcement.school_class == school.class_5a
    assert AuditEntry.objects.get(action="school.announcement_published").after == {
        "title": "Собрание",
        "school_class": "5А",
    }


@pytest.mark.parametrize(
    ("title", "text", "code"),
    [
        ("", "Текст", "title_missing"),
        ("   ", "Текст", "title_missing"),
        ("Заголовок", "  ", "text_missing"),
        ("З" * 201, "Текст", "title_too_long"),
        ("Заголовок", "Т" * 5001, "text_too_long"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(region, school, title, text, code):
    with pytest.raises(ValidationError) as raised:
        publish(region, "director", title=title, text=text)
    assert code in [error.code for errors in raised.value.error_dict.values() for error in errors]
    assert not Announcement.objects.exists()
    assert not AuditEntry.objects.filter(action="school.announcement_published").exists()


def test_a_class_of_an_archived_year_is_refused(region, school):
    AcademicYear.objects.filter(pk=school.year.pk).update(is_archived=True)
    school.class_5a.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        publish(region, "director", SchoolClass.objects.get(pk=school.class_5a.pk))
    assert "school_class" in raised.value.error_dict
    assert not Announcement.objects.exists()
