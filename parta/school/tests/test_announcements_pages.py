"""«Объявления» for the school's staff: the list for everyone with the structure in view, the
form for those who may publish."""

from datetime import date

import pytest
from django.urls import reverse

from parta.school.models import Announcement

PAGE = "/school/announcements/"
READERS = ["hr", "secretary", "medical", "psychologist", "tech_staff"]
PUBLISHERS = ["admin", "director", "deputy_head", "teacher"]
OUTSIDERS = [
    "student",
    "pupil_2",
    "parent",
    "other_parent",
    "municipal_admin",
    "municipal_head",
    "municipal_staff",
    "municipal_operator",
    "regional_admin",
]


@pytest.fixture
def posted(region, school):
    """One announcement of Школа № 1 for 5А."""
    return Announcement.objects.create(
        organization=region.school,
        school_class=school.class_5a,
        author=region.members["teacher"],
        title="Экскурсия",
        text="Сбор у школы в 9:00.",
        published_on=date(2026, 11, 20),
    )


def test_the_url_name(school):
    assert reverse("school:announcements") == PAGE


@pytest.mark.parametrize("persona", PUBLISHERS + READERS)
def test_school_staff_see_the_list(client, region, posted, persona):
    region.login(client, persona)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="announcement-{posted.pk}"' in html
    has_form = 'data-testid="announcement-form"' in html
    assert has_form == (persona in PUBLISHERS)


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_students_parents_and_authorities_get_404(client, region, posted, persona):
    region.login(client, persona)
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {"title": "Т", "text": "Т"}).status_code == 404
    assert Announcement.objects.count() == 1


def test_another_schools_staff_see_only_their_own_school(client, region, posted):
    region.login(client, "other_school_admin")
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Экскурсия" not in response.content.decode()


def test_the_teacher_is_offered_only_the_class_they_lead(client, region, school):
    region.login(client, "teacher")
    form = client.get(PAGE).context["form"]
    assert list(form.fields["school_class"].queryset) == [school.class_5a]
    assert form.fields["school_class"].required


def test_a_leader_may_choose_the_whole_school_or_any_class(client, region, school):
    region.login(client, "deputy_head")
    form = client.get(PAGE).context["form"]
    assert set(form.fields["school_class"].queryset) == {school.class_5a, school.class_5b}
    assert not form.fields["school_class"].required


def test_director_publishes_for_the_whole_school(client, region, school):
    region.login(client, "director")
    response = client.post(PAGE, {"title": "Каникулы", "text": "С 28 декабря.", "school_class": ""})
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert (announcement.title, announcement.school_class) == ("Каникулы", None)


def test_teacher_publishes_for_own_class(client, region, school):
    region.login(client, "teacher")
    response = client.post(
        PAGE, {"title": "Собрание", "text": "В пятницу.", "school_class": school.class_5a.pk}
    )
    assert response.status_code == 302
    assert Announcement.objects.get().school_class == school.class_5a


def test_teacher_cannot_publish_for_another_class(client, region, school):
    region.login(client, "teacher")
    response = client.post(
        PAGE, {"title": "Собрание", "text": "В пятницу.", "school_class": school.class_5b.pk}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["school_class"]
    assert not Announcement.objects.exists()


@pytest.mark.parametrize("persona", READERS)
def test_readers_cannot_publish(client, region, school, persona):
    region.login(client, persona)
    response = client.post(PAGE, {"title": "Собрание", "text": "В пятницу.", "school_class": ""})
    assert response.status_code == 403
    assert not Announcement.objects.exists()


def test_an_empty_title_is_refused_and_nothing_is_saved(client, region, school):
    region.login(client, "director")
    response = client.post(PAGE, {"title": "   ", "text": "Текст", "school_class": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert not Announcement.objects.exists()


def test_the_list_is_newest_first(client, region, school, posted):
    Announcement.objects.create(
        organization=region.school,
        author=region.members["director"],
        title="Новое",
        text="…",
        published_on=date(2026, 11, 24),
    )
    region.login(client, "secretary")
    titles = [a.title for a in client.get(PAGE).context["board"].page]
    assert titles == ["Новое", "Экскурсия"]
