"""Parents on the student's card: adding (new or known person), relation, removal, the parent's
card; a parent of children in two schools keeps one person and one login."""

from datetime import date

import pytest
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import SYSTEM, valid_snils
from parta.identity.models import Account, Membership, Person
from parta.students.models import Guardianship
from parta.students.services.enrolment import add_guardian, create_student


def add_url(student):
    return reverse("students:guardian-add", args=[student.pk])


def guardian_data(**extra):
    data = {
        "relation": "father",
        "last_name": "Васильев",
        "first_name": "Олег",
        "middle_name": "Петрович",
        "birth_date": "05.06.1984",
        "sex": "male",
        "snils": "",
        "phone": "+7 900 111-22-33",
        "email": "",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("secretary", 200),
        ("hr", 200),
        ("admin", 200),
        ("deputy_head", 403),
        ("psychologist", 403),
        ("medical", 403),
        ("teacher", 403),
        ("other_school_admin", 404),
        ("parent", 404),
    ],
)
def test_add_guardian_page_access(client, region, school, persona, status):
    region.login(client, persona)
    assert client.get(add_url(school.students["student"])).status_code == status


def test_secretary_adds_a_new_parent(client, region, school):
    region.login(client, "secretary")
    student = school.students["pupil_3"]
    response = client.post(add_url(student), guardian_data())
    assert response.status_code == 302
    link = Guardianship.objects.get(student=student)
    assert link.relation == "father"
    assert link.guardian.phone == "+7 900 111-22-33"
    assert Membership.objects.filter(
        person=link.guardian, organization=region.school, kind="guardian"
    ).exists()
    assert AuditEntry.objects.filter(action="students.guardian_added", target_id=link.pk).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (guardian_data(snils="112-233-445 96"), "snils"),
        (guardian_data(birth_date="01.01.2031"), "birth_date"),
        (guardian_data(last_name=""), "last_name"),
        (guardian_data(relation="uncle"), "relation"),
    ],
)
def test_bad_parent_input_adds_nobody(client, region, school, data, field):
    region.login(client, "secretary")
    people = Person.objects.count()
    response = client.post(add_url(school.students["pupil_3"]), data)
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()
    assert Person.objects.count() == people
    assert not Guardianship.objects.filter(student=school.students["pupil_3"]).exists()


def test_parent_of_children_in_two_schools_has_one_person_and_one_login(client, region, school):
    """The parent persona (two children in Школа № 1) gets a child in Школа № 2."""
    parent = region.members["parent"].person
    parent.snils = valid_snils(345_678_901)
    parent.save()
    child = create_student(
        actor=SYSTEM,
        organization=region.other_school,
        person_fields={
            "last_name": "Алексеев",
            "first_name": "Пётр",
            "middle_name": "Сергеевич",
            "sex": "male",
            "birth_date": date(2012, 2, 2),
        },
    )
    region.login(client, "other_school_admin")
    data = guardian_data(
        relation="mother",
        last_name="Алексеева",
        first_name="Ольга",
        middle_name="Викторовна",
        birth_date="02.04.1988",
        sex="female",
        snils=parent.snils,
    )
    response = client.post(add_url(child), data)
    assert 'data-testid="use-person"' in response.content.decode()
    assert not Guardianship.objects.filter(student=child).exists()
    response = client.post(add_url(child), {**data, "use_person": parent.pk})
    assert response.status_code == 302
    assert Guardianship.objects.get(student=child).guardian == parent
    assert Person.objects.filter(last_name="Алексеева", first_name="Ольга").count() == 1
    assert Account.objects.filter(person=parent).count() == 1
    cabinets = Membership.objects.filter(person=parent, kind="guardian")
    assert sorted(cabinets.values_list("organization_id", flat=True)) == sorted(
        [region.school.pk, region.other_school.pk]
    )


def test_namesake_parent_is_offered_and_may_be_confirmed_new(client, region, school):
    region.login(client, "secretary")
    data = guardian_data(
        relation="mother",
        last_name="Алексеева",
        first_name="Ольга",
        middle_name="Викторовна",
        birth_date="02.04.1988",
        sex="female",
    )
    student = school.students["pupil_3"]
    response = client.post(add_url(student), data)
    assert 'data-testid="possible-duplicate"' in response.content.decode()
    assert not Guardianship.objects.filter(student=student).exists()
    response = client.post(add_url(student), {**data, "confirm_new": "on"})
    assert response.status_code == 302
    assert Person.objects.filter(last_name="Алексеева", first_name="Ольга").count() == 2


def test_known_parent_linked_twice_is_refused(client, region, school):
    region.login(client, "secretary")
    parent = region.members["parent"].person
    data = guardian_data(
        last_name=parent.last_name,
        first_name=parent.first_name,
        middle_name=parent.middle_name,
        birth_date=parent.birth_date.strftime("%d.%m.%Y"),
        sex="female",
        use_person=parent.pk,
    )
    response = client.post(add_url(school.students["student"]), data)
    assert response.status_code == 400
    assert Guardianship.objects.filter(guardian=parent).count() == 2


def test_relation_change_and_removal_are_audited(client, region, school):
    region.login(client, "secretary")
    link = school.students["pupil_2"].guardianships.get()
    response = client.post(
        reverse("students:guardian-relation", args=[link.pk]), {"relation": "guardian"}
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.relation == "guardian"
    entry = AuditEntry.objects.get(action="students.guardian_relation_changed")
    assert (entry.before, entry.after) == ({"relation": "father"}, {"relation": "guardian"})
    client.post(reverse("students:guardian-relation", args=[link.pk]), {"relation": "uncle"})
    link.refresh_from_db()
    assert link.relation == "guardian"
    response = client.post(reverse("students:guardian-remove", args=[link.pk]))
    assert response.status_code == 302
    assert not Guardianship.objects.filter(pk=link.pk).exists()
    assert Person.objects.filter(pk=link.guardian_id).exists()
    assert AuditEntry.objects.filter(action="students.guardian_removed").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("deputy_head", 403),
        ("teacher", 403),
        ("medical", 403),
        ("other_school_admin", 404),
        ("parent", 404),
    ],
)
def test_others_neither_change_nor_remove_parents(client, region, school, persona, status):
    region.login(client, persona)
    link = school.students["pupil_2"].guardianships.get()
    assert (
        client.post(
            reverse("students:guardian-relation", args=[link.pk]), {"relation": "other"}
        ).status_code
        == status
    )
    assert client.post(reverse("students:guardian-remove", args=[link.pk])).status_code == status
    link.refresh_from_db()
    assert link.relation == "father"


@pytest.mark.parametrize(
    ("persona", "status", "documents"),
    [
        ("secretary", 200, True),
        ("admin", 200, True),
        ("deputy_head", 200, False),
        ("medical", 200, False),
        ("teacher", 200, False),
        ("tech_staff", 404, False),
        ("other_school_admin", 404, False),
        ("parent", 404, False),
    ],
)
def test_guardian_card_by_role(client, region, school, persona, status, documents):
    parent = region.members["parent"].person
    parent.snils = valid_snils(345_678_901)
    parent.save()
    region.login(client, persona)
    response = client.get(reverse("students:guardian", args=[parent.pk]))
    assert response.status_code == status
    if status == 200:
        content = response.content.decode()
        assert ('data-testid="guardian-documents"' in content) == documents
        assert (parent.snils_display in content) == documents
        logged = AuditEntry.objects.filter(action="students.guardian_documents_viewed").exists()
        assert logged == documents


def test_guardian_card_lists_the_children_of_this_school(client, region, school):
    parent = region.members["parent"].person
    region.login(client, "secretary")
    content = client.get(reverse("students:guardian", args=[parent.pk])).content.decode()
    for key in ("student", "pupil_5b"):
        assert f'data-testid="child-{school.students[key].pk}"' in content
    region.login(client, "teacher")
    content = client.get(reverse("students:guardian", args=[parent.pk])).content.decode()
    assert f'data-testid="child-{school.students["student"].pk}"' in content
    assert f'data-testid="child-{school.students["pupil_5b"].pk}"' not in content


def test_card_lists_several_parents_with_links(client, region, school):
    student = school.students["student"]
    add_guardian(
        actor=SYSTEM,
        student=student,
        relation="father",
        person_fields={"last_name": "Алексеев", "first_name": "Сергей", "has_no_middle_name": True},
    )
    region.login(client, "secretary")
    content = client.get(reverse("students:card", args=[student.pk])).content.decode()
    for link in student.guardianships.all():
        assert reverse("students:guardian", args=[link.guardian_id]) in content
