"""Logins of a class: «Создать учётные записи», «Сформировать новые пароли», the sheet printed
once; generated logins and passwords."""

import re
from datetime import date

import pytest
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import SYSTEM
from parta.core.testing.school import YEAR_START
from parta.identity.models import Account, Person
from parta.identity.services.student_accounts import (
    PASSWORD_ALPHABET,
    generated_logins,
    login_base,
    readable_password,
)
from parta.students.services.enrolment import add_guardian, enrol_student


def accounts_url(school_class):
    return reverse("students:class-accounts", args=[school_class.pk])


def _without_logins(school):
    """5А gets a new student and a new parent of pupil_3, neither with a login."""
    enrol_student(
        actor=SYSTEM,
        school_class=school.class_5a,
        on=YEAR_START,
        person_fields={
            "last_name": "Яковлева",
            "first_name": "Яна",
            "middle_name": "Олеговна",
            "birth_date": date(2015, 8, 8),
        },
    )
    add_guardian(
        actor=SYSTEM,
        student=school.students["pupil_3"],
        relation="mother",
        person_fields={
            "last_name": "Васильева",
            "first_name": "Елена",
            "middle_name": "Ивановна",
            "birth_date": date(1986, 3, 3),
        },
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("teacher", 200),  # class teacher of 5А
        ("secretary", 403),
        ("deputy_head", 403),
        ("director", 403),
        ("psychologist", 403),
        ("other_school_admin", 404),
        ("parent", 404),
        ("municipal_admin", 404),
    ],
)
def test_class_accounts_access(client, region, school, persona, status):
    _without_logins(school)
    region.login(client, persona)
    assert client.get(accounts_url(school.class_5a)).status_code == status
    before = Account.objects.count()
    assert client.post(accounts_url(school.class_5a), {"action": "create"}).status_code == status
    assert (Account.objects.count() > before) == (status == 200)


def test_teacher_of_another_class_may_not(client, region, school):
    region.login(client, "teacher")
    assert client.get(accounts_url(school.class_5b)).status_code in (403, 404)


def test_create_accounts_prints_the_sheet_once(client, region, school):
    _without_logins(school)
    region.login(client, "teacher")
    response = client.post(accounts_url(school.class_5a), {"action": "create"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    content = response.content.decode()
    pupil = Person.objects.get(last_name="Яковлева")
    mother = Person.objects.get(first_name="Елена", last_name="Васильева")
    logins = re.findall(r'data-testid="sheet-login">([^<]+)<', content)
    passwords = re.findall(r'data-testid="sheet-password">([^<]+)<', content)
    assert sorted(logins) == ["iakovleva.io", "vasileva.ei"]
    for person in (pupil, mother):
        account = Account.objects.get(person=person)
        assert account.must_change_password
        password = passwords[logins.index(account.login)]
        assert account.check_password(password)
        assert password not in account.password
    entries = AuditEntry.objects.filter(action="students.account_created")
    assert entries.count() == 2
    assert all(password not in str(entry.after) for entry in entries for password in passwords)
    again = client.get(accounts_url(school.class_5a)).content.decode()
    assert all(password not in again for password in passwords)
    response = client.post(accounts_url(school.class_5a), {"action": "create"})
    assert 'data-testid="sheet-empty"' in response.content.decode()


def test_new_passwords_for_the_chosen_people(client, region, school):
    region.login(client, "admin")
    student = school.students["student"].person
    old = Account.objects.get(person=student).password
    other = Account.objects.get(person=school.students["pupil_2"].person).password
    response = client.post(
        accounts_url(school.class_5a), {"action": "reset", "people": [student.pk]}
    )
    assert response.status_code == 200
    assert Account.objects.get(person=student).password != old
    assert Account.objects.get(person=student).must_change_password
    assert Account.objects.get(person=school.students["pupil_2"].person).password == other
    assert AuditEntry.objects.filter(action="students.password_reset").count() == 1


def test_new_passwords_for_everybody_by_default(client, region, school):
    region.login(client, "teacher")
    response = client.post(accounts_url(school.class_5a), {"action": "reset"})
    content = response.content.decode()
    # student, pupil_2, pupil_3 have logins; the parent and other_parent too.
    assert content.count('data-testid="sheet-password"') == 5
    assert AuditEntry.objects.filter(action="students.password_reset").count() == 5


def test_a_parent_who_works_at_a_school_keeps_their_password(client, region, school):
    teacher = region.members["deputy_head"].person
    add_guardian(
        actor=SYSTEM, student=school.students["pupil_3"], relation="father", person=teacher
    )
    old = Account.objects.get(person=teacher).password
    region.login(client, "teacher")
    client.post(accounts_url(school.class_5a), {"action": "reset"})
    assert Account.objects.get(person=teacher).password == old
    response = client.post(
        accounts_url(school.class_5a), {"action": "reset", "people": [teacher.pk]}
    )
    assert response.status_code == 400
    assert Account.objects.get(person=teacher).password == old


def test_people_of_another_class_cannot_be_chosen(client, region, school):
    region.login(client, "admin")
    stranger = school.students["pupil_5b"].person
    old = Account.objects.get(person=stranger).password
    response = client.post(
        accounts_url(school.class_5a), {"action": "reset", "people": [stranger.pk]}
    )
    assert response.status_code == 400
    assert Account.objects.get(person=stranger).password == old
    assert not AuditEntry.objects.filter(action="students.password_reset").exists()


def test_logins_are_transliterated_and_unique(db):
    people = [
        Person(pk=1, last_name="Алексеева", first_name="Анна", middle_name="Сергеевна"),
        Person(pk=2, last_name="Алексеева", first_name="Алла", middle_name="Семёновна"),
        Person(pk=3, last_name="Щукин-Юрьев", first_name="Ёж", has_no_middle_name=True),
    ]
    assert login_base(people[0]) == "alekseeva.as"
    assert login_base(people[2]) == "shchukiniurev.e"
    assert generated_logins(people) == {1: "alekseeva.as", 2: "alekseeva.as2", 3: "shchukiniurev.e"}


def test_logins_skip_taken_ones(region, school):
    person = Person(pk=10**6, last_name="Алексеева", first_name="Анна", middle_name="Сергеевна")
    Account.objects.filter(login="student").update(login="alekseeva.as")
    assert generated_logins([person]) == {person.pk: "alekseeva.as2"}


def test_passwords_are_readable_and_random():
    passwords = {readable_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        assert len(password) >= 10
        assert set(password) <= set(PASSWORD_ALPHABET)
        assert not set(password) & set("0O1lIi")
