"""Управление → Ученики: the list, the card by role, section edits, «Добавить» and duplicates."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import SYSTEM, valid_snils
from parta.core.testing.school import YEAR_START
from parta.identity.models import Person
from parta.students.models import Student
from parta.students.policies import CardSection
from parta.students.services.cards import add_student
from parta.students.services.enrolment import add_guardian, create_student, enrol_student

LIST = reverse("students:list")
ADD = reverse("students:add")

SCHOOL_STAFF = ["admin", "director", "deputy_head", "hr", "secretary", "medical", "psychologist"]
OUTSIDERS = [
    "tech_staff",
    "student",
    "parent",
    "municipal_admin",
    "regional_admin",
]

#: Sections each persona reads (R) and edits (W) on a card of a 5А student (the teacher persona
#: is the class teacher of 5А).
SECTIONS = {
    "secretary": ("main guardians documents address", "main guardians documents address"),
    "hr": ("main guardians documents address", "main guardians documents address"),
    "admin": ("main guardians documents address", "main guardians documents address"),
    "deputy_head": ("main guardians address social", ""),
    "director": ("main guardians address social", ""),
    "psychologist": ("main guardians social psychology", "social psychology"),
    "medical": ("main guardians health", "health"),
    "teacher": ("main guardians address social", ""),
}


def card_url(student):
    return reverse("students:card", args=[student.pk])


def section_url(student, section):
    return reverse("students:card-section", args=[student.pk, section])


def person_data(**extra):
    data = {
        "last_name": "Дмитриева",
        "first_name": "Дарья",
        "middle_name": "Игоревна",
        "birth_date": "03.04.2016",
        "sex": "female",
        "snils": "",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("persona", [*SCHOOL_STAFF, "teacher"])
def test_school_staff_open_the_list(client, region, school, persona):
    region.login(client, persona)
    response = client.get(LIST)
    assert response.status_code == 200
    rows = [
        key
        for key in school.students
        if f'data-testid="student-row-{school.students[key].pk}"'.encode() in response.content
    ]
    if persona == "teacher":
        assert rows == ["student", "pupil_2", "pupil_3"]
    else:
        assert len(rows) == 5


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_others_do_not_open_the_list(client, region, school, persona):
    region.login(client, persona)
    assert client.get(LIST).status_code == 404


@pytest.mark.parametrize("persona", ["other_school_admin", "other_school_teacher"])
def test_another_school_lists_none_of_these_students(client, region, school, persona):
    region.login(client, persona)
    response = client.get(LIST, {"status": "all"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_list_filters_by_class_status_and_surname(client, region, school):
    region.login(client, "secretary")
    student = school.students["student"]
    newcomer = create_student(
        actor=SYSTEM,
        organization=region.school,
        person_fields={**person_data(), "birth_date": date(2016, 4, 3)},
    )

    def shown(**query):
        content = client.get(LIST, query).content
        return {
            pk
            for pk in Student.objects.values_list("pk", flat=True)
            if f'data-testid="student-row-{pk}"'.encode() in content
        }

    assert shown(school_class=school.class_5b.pk) == {
        school.students["pupil_5b"].pk,
        school.students["pupil_5b_2"].pk,
    }
    assert shown(grade=5) == {s.pk for s in school.students.values()}
    assert shown(status="not_enrolled") == {newcomer.pk}
    assert shown(q="алексеев") == {student.pk, school.students["pupil_5b"].pk}
    assert len(shown(status="all")) == 6
    assert shown(status="left") == set()


def test_list_toolbar_links_follow_the_policies(client, region, school):
    region.login(client, "admin")
    content = client.get(LIST, {"school_class": school.class_5a.pk}).content.decode()
    assert 'data-testid="student-add"' in content
    assert reverse("students:class-accounts", args=[school.class_5a.pk]) in content
    assert f"/exchange/batch/?school_class={school.class_5a.pk}" in content
    region.login(client, "deputy_head")
    content = client.get(LIST, {"school_class": school.class_5a.pk}).content.decode()
    assert 'data-testid="student-add"' not in content
    assert 'data-testid="class-passwords"' not in content
    assert 'data-testid="batch-menu"' not in content


def _enrol(school, count, prefix):
    for index in range(count):
        student = enrol_student(
            actor=SYSTEM,
            school_class=school.class_5b,
            on=YEAR_START,
            person_fields={
                "last_name": f"{prefix}{index:02d}",
                "first_name": "Иван",
                "middle_name": "Петрович",
                "sex": "male",
                "birth_date": date(2015, 3, 1),
            },
            login=f"many.{index}",
            password="x",
        )
        add_guardian(
            actor=SYSTEM,
            student=student,
            relation="mother",
            person_fields={
                "last_name": f"Мать{prefix}{index}",
                "first_name": "Анна",
                "has_no_middle_name": True,
            },
        )


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_list_costs_the_same_for_5_and_60_students(client, region, school):
    region.login(client, "secretary")
    small = _queries(client, LIST)
    _enrol(school, 55, "Ученик")
    assert _queries(client, LIST) == small
    assert _queries(client, f"{LIST}?page=2") == small


def test_card_costs_the_same_with_more_classes_and_parents(client, region, school):
    region.login(client, "secretary")
    student = school.students["pupil_3"]
    small = _queries(client, card_url(student))
    for index in range(4):
        add_guardian(
            actor=SYSTEM,
            student=student,
            relation="other",
            person_fields={
                "last_name": f"Родственник{index}",
                "first_name": "Иван",
                "has_no_middle_name": True,
            },
        )
    assert _queries(client, card_url(student)) == small


@pytest.mark.parametrize("persona", list(SECTIONS))
def test_each_role_sees_and_edits_its_sections(client, region, school, persona):
    region.login(client, persona)
    response = client.get(card_url(school.students["student"]))
    assert response.status_code == 200
    content = response.content.decode()
    readable, writable = (set(value.split()) for value in SECTIONS[persona])
    for section in CardSection:
        assert (f'data-testid="section-{section}"' in content) == (section in readable), section
        has_form = f'data-testid="form-{section}"' in content or (
            section == CardSection.GUARDIANS and 'data-testid="guardian-add"' in content
        )
        assert has_form == (section in writable), section


@pytest.mark.parametrize(
    "persona",
    ["teacher", "tech_staff", "other_school_admin", "parent", "student", "municipal_admin"],
)
def test_card_of_another_class_or_school_is_404(client, region, school, persona):
    region.login(client, persona)
    assert client.get(card_url(school.students["pupil_5b"])).status_code == 404


SECTION_POSTS = {
    "main": {
        **person_data(
            last_name="Алексеева",
            first_name="Анна",
            middle_name="Сергеевна",
            birth_date="10.01.2015",
        ),
        "citizenship": "RU",
        "phone": "+7 900 000-00-00",
    },
    "documents": {"snils": "112-233-445 95", "personal_file_number": "А-15"},
    "address": {"registration_address": "ул. Ленина, 1", "residence_address": ""},
    "health": {
        "health_group": "2",
        "physical_education_group": "main",
        "disability": "",
        "health_notes": "",
    },
    "social": {"social_categories": ["large_family"]},
    "psychology": {"psychological_notes": "Наблюдение"},
}


@pytest.mark.parametrize("persona", list(SECTIONS))
@pytest.mark.parametrize("section", list(SECTION_POSTS))
def test_section_saves_only_for_its_writers(client, region, school, persona, section):
    region.login(client, persona)
    student = school.students["student"]
    before = AuditEntry.objects.filter(action="students.card_updated").count()
    response = client.post(section_url(student, section), SECTION_POSTS[section])
    writable = section in SECTIONS[persona][1].split()
    assert response.status_code == (302 if writable else 403)
    after = AuditEntry.objects.filter(action="students.card_updated").count()
    assert after == before + (1 if writable else 0)


def test_section_edit_is_audited_with_the_changed_fields_only(client, region, school):
    region.login(client, "medical")
    student = school.students["student"]
    client.post(section_url(student, "health"), SECTION_POSTS["health"])
    student.refresh_from_db()
    assert student.health_group == "2"
    entry = AuditEntry.objects.get(action="students.card_updated")
    assert entry.before == {"health_group": "", "physical_education_group": ""}
    assert entry.after == {"health_group": "2", "physical_education_group": "main"}


def test_main_section_corrects_the_person(client, region, school):
    region.login(client, "secretary")
    student = school.students["student"]
    client.post(section_url(student, "main"), SECTION_POSTS["main"])
    student.person.refresh_from_db()
    assert student.person.phone == "+7 900 000-00-00"
    assert AuditEntry.objects.get(action="students.card_updated").after == {
        "phone": "+7 900 000-00-00"
    }


@pytest.mark.parametrize(
    ("section", "data", "field"),
    [
        ("documents", {"snils": "112-233-445 96"}, "snils"),
        ("main", {**SECTION_POSTS["main"], "birth_date": "01.01.2030"}, "birth_date"),
        ("main", {**SECTION_POSTS["main"], "last_name": ""}, "last_name"),
        ("main", {**SECTION_POSTS["main"], "birth_date": "2015-01-10"}, "birth_date"),
        ("social", {"social_categories": ["unknown"]}, "social_categories"),
    ],
)
def test_bad_section_input_changes_nothing(client, region, school, section, data, field):
    region.login(client, "secretary" if section != "social" else "psychologist")
    student = school.students["student"]
    person_before = Person.objects.filter(pk=student.person_id).values().get()
    response = client.post(section_url(student, section), data)
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()
    assert response.context["card_sections"]
    assert Person.objects.filter(pk=student.person_id).values().get() == person_before
    assert not AuditEntry.objects.filter(action="students.card_updated").exists()


def test_snils_of_another_person_is_refused(client, region, school):
    region.login(client, "secretary")
    taken = region.members["teacher"].person.snils
    student = school.students["student"]
    response = client.post(section_url(student, "documents"), {"snils": taken})
    assert response.status_code == 400
    student.person.refresh_from_db()
    assert student.person.snils == ""


@pytest.mark.parametrize(
    ("persona", "logged"),
    [
        ("secretary", ["documents"]),
        ("medical", ["health"]),
        ("psychologist", ["psychology"]),
        ("deputy_head", None),
    ],
)
def test_reading_sensitive_sections_is_logged(client, region, school, persona, logged):
    region.login(client, persona)
    client.get(card_url(school.students["student"]))
    entry = AuditEntry.objects.filter(action="students.card_data_viewed").first()
    assert (entry.after["sections"] if entry else None) == logged


def test_card_shows_classes_with_dates(client, region, school):
    region.login(client, "secretary")
    response = client.get(card_url(school.students["student"]))
    content = response.content.decode()
    assert "01.09.2026" in content
    assert 'data-testid="section-history"' in content
    assert response.context["history"] == []


# --- «Добавить» ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("secretary", 200),
        ("hr", 200),
        ("admin", 200),
        ("deputy_head", 403),
        ("medical", 403),
        ("teacher", 403),
        ("parent", 404),
    ],
)
def test_add_page_access(client, region, school, persona, status):
    region.login(client, persona)
    assert client.get(ADD).status_code == status


def test_add_creates_a_card_without_a_class(client, region, school):
    region.login(client, "secretary")
    response = client.post(
        ADD, person_data(snils="112-233-445 95", login="dmitrieva.di", password="Dlinnyi-parol-7")
    )
    student = Student.objects.get(person__last_name="Дмитриева")
    assert response.status_code == 302
    assert response.url == card_url(student)
    assert student.person.snils == "11223344595"
    assert not student.enrolments.exists()
    assert student.person.account.login == "dmitrieva.di"
    assert student.person.account.must_change_password
    assert AuditEntry.objects.filter(
        action="students.student_card_created", target_id=student.pk
    ).exists()
    assert AuditEntry.objects.filter(action="students.account_created").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (person_data(snils="112-233-445 96"), "snils"),
        (person_data(birth_date="01.01.2030"), "birth_date"),
        (person_data(last_name=""), "last_name"),
        (person_data(middle_name=""), "middle_name"),
        (person_data(login="dmitrieva", password=""), "password"),
        (person_data(login="dmitrieva", password="123"), "password"),
        (person_data(login="teacher", password="Dlinnyi-parol-7"), "login"),
    ],
)
def test_bad_input_adds_nobody(client, region, school, data, field):
    region.login(client, "secretary")
    people = Person.objects.count()
    response = client.post(ADD, data)
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()
    assert 'class="errorlist' in response.content.decode()
    assert Person.objects.count() == people


def test_same_snils_is_refused_with_a_link_to_the_person(client, region, school):
    student = school.students["pupil_3"]
    student.person.snils = valid_snils(123_456_789)
    student.person.save()
    region.login(client, "secretary")
    people = Person.objects.count()
    response = client.post(ADD, person_data(snils=student.person.snils))
    content = response.content.decode()
    assert 'data-testid="possible-duplicate"' in content
    assert card_url(student) in content
    assert 'name="confirm_new"' not in content
    response = client.post(ADD, person_data(snils=student.person.snils, confirm_new="on"))
    assert Person.objects.count() == people


def test_namesake_may_be_confirmed_as_a_new_person(client, region, school):
    region.login(client, "secretary")
    existing = school.students["student"].person
    data = person_data(
        last_name="Алексеева", first_name="Анна", middle_name="Сергеевна", birth_date="10.01.2015"
    )
    response = client.post(ADD, data)
    assert 'data-testid="possible-duplicate"' in response.content.decode()
    assert Person.objects.filter(last_name="Алексеева", first_name="Анна").count() == 1
    response = client.post(ADD, {**data, "confirm_new": "on"})
    assert response.status_code == 302
    assert (
        Person.objects.filter(last_name="Алексеева", first_name="Анна")
        .exclude(pk=existing.pk)
        .exists()
    )


def test_student_from_another_school_keeps_their_person(client, region, school):
    other = create_student(
        actor=SYSTEM,
        organization=region.other_school,
        person_fields={**person_data(), "birth_date": date(2016, 4, 3)},
    )
    region.login(client, "secretary")
    response = client.post(ADD, person_data())
    assert 'data-testid="use-person"' in response.content.decode()
    response = client.post(ADD, {**person_data(), "use_person": other.person_id})
    assert response.status_code == 302
    here = Student.objects.get(organization=region.school, person=other.person)
    assert response.url == card_url(here)
    assert Person.objects.filter(last_name="Дмитриева").count() == 1


def test_a_person_not_found_cannot_be_used(client, region, school):
    region.login(client, "secretary")
    stranger = region.members["teacher"].person
    response = client.post(ADD, {**person_data(), "use_person": stranger.pk})
    assert response.status_code == 400
    assert not Student.objects.filter(person=stranger).exists()


def test_service_refuses_without_the_right(region, school):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        add_student(
            actor=region.member("deputy_head"),
            organization=region.school,
            person_fields={**person_data(), "birth_date": date(2016, 4, 3)},
        )


def test_card_keeps_the_sites_sections_in_the_header_and_shows_a_dash_for_empty_dates(
    client, region, school
):
    # given a student with no passport and no birth certificate dates
    region.login(client, "secretary")
    student = school.students["student"]
    # when the secretary opens the card
    response = client.get(reverse("students:card", args=[student.pk]))
    html = response.content.decode()
    # then the header still lists the site's sections, not the card's
    header = html.split('<nav class="sections"', 1)[1].split("</nav>", 1)[0]
    assert reverse("web:manage") in header
    assert "#section-" not in header
    # and an empty date reads as a dash, never as «None»
    documents = html.split('data-testid="values-documents"', 1)[1].split("</dl>", 1)[0]
    assert "None" not in documents
