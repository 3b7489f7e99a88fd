"""Merging two cards of one person: nothing is lost, one account remains (seed 000, прил. 3)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parta.core.models import AuditEntry
from parta.core.testing.personas import PASSWORD, SYSTEM
from parta.identity.models import Account, Membership, OrgRole, Person
from parta.identity.services.merge import merge_people
from parta.identity.services.staff import add_staff_member


def duplicate_card(region, persona, unit, login, roles=(OrgRole.TEACHER,), shout=False, **fields):
    """A second card of the persona's person, as «Добавить» makes when the namesake is confirmed
    (`shout`: the surname typed in capitals)."""
    person = region.members[persona].person
    person_fields = {
        "last_name": person.last_name.upper() if shout else person.last_name,
        "first_name": person.first_name,
        "middle_name": person.middle_name,
        "birth_date": person.birth_date,
        **fields,
    }
    return add_staff_member(
        actor=SYSTEM,
        unit=unit,
        person_fields=person_fields,
        login=login,
        password=PASSWORD,
        must_change_password=False,
        roles=list(roles),
        confirm_namesake=True,
    )


def roles_of(membership):
    return set(membership.role_rows.values_list("role", flat=True))


def test_cabinets_in_two_organisations_end_up_on_one_card_with_one_login(region):
    teacher = region.members["teacher"]
    copy = duplicate_card(region, "teacher", region.other_school, "teacher.copy")
    people = Person.objects.count()

    merge_people(
        actor=region.member("municipal_admin"), survivor=teacher.person, duplicate=copy.person
    )

    cabinets = Membership.objects.filter(person=teacher.person)
    assert {cabinet.organization_id for cabinet in cabinets} == {
        region.school.pk,
        region.other_school.pk,
    }
    assert Person.objects.count() == people - 1
    assert not Person.objects.filter(pk=copy.person_id).exists()
    assert list(Account.objects.filter(person=teacher.person).values_list("login", flat=True)) == [
        "teacher"
    ]
    assert not Account.objects.filter(login="teacher.copy").exists()


def test_audit_log_keeps_the_whole_merged_card(region):
    teacher = region.members["teacher"]
    copy = duplicate_card(
        region, "teacher", region.other_school, "teacher.copy", shout=True, email="copy@example.ru"
    )
    merge_people(
        actor=region.member("municipal_admin"), survivor=teacher.person, duplicate=copy.person
    )
    entry = AuditEntry.objects.get(action="identity.people_merged")
    card = entry.before["duplicate"]
    assert card["id"] == copy.person_id
    assert card["login"] == "teacher.copy"
    assert card["email"] == "copy@example.ru"
    assert card["last_name"] == teacher.person.last_name.upper()
    assert card["memberships"][0]["unit"] == "Школа № 2"
    assert card["memberships"][0]["roles"] == [OrgRole.TEACHER]
    assert entry.after["dropped_login"] == "teacher.copy"
    assert entry.organization_id == region.other_school.pk


def test_cabinets_in_one_organisation_are_folded_with_roles_and_subjects_combined(region):
    teacher = Membership.objects.get(pk=region.members["teacher"].pk)
    teacher.subjects.add(region.subjects["Математика"])
    copy = duplicate_card(
        region,
        "teacher",
        region.school,
        "teacher.copy",
        roles=[OrgRole.DEPUTY_HEAD, OrgRole.PSYCHOLOGIST],
    )
    copy.subjects.add(region.subjects["Физика"], region.subjects["Математика"])
    copy.position = "Завуч"
    copy.save()
    teacher.position = ""
    teacher.save()

    merge_people(actor=region.member("admin"), survivor=teacher.person, duplicate=copy.person)

    cabinets = Membership.objects.filter(person=teacher.person, organization=region.school)
    assert cabinets.count() == 1
    cabinet = cabinets.get()
    assert roles_of(cabinet) == {OrgRole.TEACHER, OrgRole.DEPUTY_HEAD, OrgRole.PSYCHOLOGIST}
    assert set(cabinet.subjects.values_list("name", flat=True)) == {"Математика", "Физика"}
    assert cabinet.position == "Завуч"
    assert not Membership.objects.filter(pk=copy.pk).exists()


def test_head_flag_of_the_merged_card_is_kept(region):
    teacher = region.members["teacher"]
    copy = duplicate_card(region, "teacher", region.school, "teacher.copy")
    Membership.objects.filter(pk=region.members["director"].pk).update(is_director=False)
    Membership.objects.filter(pk=copy.pk).update(is_director=True)

    merge_people(actor=region.member("admin"), survivor=teacher.person, duplicate=copy.person)

    cabinet = Membership.objects.get(person=teacher.person, organization=region.school)
    assert cabinet.is_director
    assert Membership.objects.filter(organization=region.school, is_director=True).count() == 1


def test_head_of_a_branch_keeps_the_branch_head_flag_after_the_merge(region):
    director = region.members["director"]
    copy = duplicate_card(region, "director", region.branch, "director.branch")
    Membership.objects.filter(pk=copy.pk).update(is_director=True)

    merge_people(
        actor=region.member("municipal_admin"), survivor=director.person, duplicate=copy.person
    )

    heads = Membership.objects.filter(person=director.person, is_director=True)
    assert {head.organization_id for head in heads} == {region.school.pk, region.branch.pk}


def test_empty_fields_of_the_kept_card_are_filled_from_the_merged_one(region):
    teacher = region.members["teacher"]
    copy = duplicate_card(
        region,
        "teacher",
        region.school,
        "teacher.copy",
        email="teacher@example.ru",
        phone="+7 900 000-00-00",
        passport_series="7501",
        passport_number="123456",
    )
    Person.objects.filter(pk=teacher.person_id).update(email="", phone="")

    merge_people(actor=region.member("admin"), survivor=teacher.person, duplicate=copy.person)

    person = Person.objects.get(pk=teacher.person_id)
    assert person.email == "teacher@example.ru"
    assert person.phone == "+7 900 000-00-00"
    assert (person.passport_series, person.passport_number) == ("7501", "123456")
    assert person.snils == teacher.person.snils
    assert person.last_name == teacher.person.last_name


def test_snils_of_the_merged_card_moves_to_a_kept_card_without_one(region):
    teacher = region.members["teacher"]
    snils = teacher.person.snils
    Person.objects.filter(pk=teacher.person_id).update(snils="")
    copy = duplicate_card(region, "teacher", region.school, "teacher.copy", snils=snils)

    merge_people(actor=region.member("admin"), survivor=teacher.person, duplicate=copy.person)

    assert Person.objects.get(pk=teacher.person_id).snils == snils


def test_kept_card_without_an_account_takes_over_the_merged_login(region):
    teacher = region.members["teacher"]
    copy = duplicate_card(region, "teacher", region.school, "teacher.copy")
    Account.objects.filter(person=teacher.person).delete()

    merge_people(actor=region.member("admin"), survivor=teacher.person, duplicate=copy.person)

    assert Account.objects.get(person=teacher.person).login == "teacher.copy"


def test_school_admin_cannot_merge_a_card_whose_cabinets_are_in_another_school(region):
    teacher = region.members["teacher"]
    copy = duplicate_card(region, "teacher", region.other_school, "teacher.copy")
    with pytest.raises(PermissionDenied):
        merge_people(actor=region.member("admin"), survivor=teacher.person, duplicate=copy.person)
    assert Person.objects.filter(pk=copy.person_id).exists()
    assert Membership.objects.get(pk=copy.pk).person_id == copy.person_id
    assert Account.objects.filter(login="teacher.copy").exists()
    assert not AuditEntry.objects.filter(action="identity.people_merged").exists()


def test_other_municipality_cannot_merge(region):
    teacher = region.members["teacher"]
    copy = duplicate_card(region, "teacher", region.school, "teacher.copy")
    with pytest.raises(PermissionDenied):
        merge_people(
            actor=region.member("south_admin"), survivor=teacher.person, duplicate=copy.person
        )
    assert Person.objects.filter(pk=copy.person_id).exists()


def test_cards_of_two_different_people_are_not_merged(region):
    teacher = region.members["teacher"]
    other = region.members["deputy_head"]
    with pytest.raises(ValidationError) as error:
        merge_people(actor=region.member("admin"), survivor=other.person, duplicate=teacher.person)
    assert error.value.code == "not_same_person"
    assert Membership.objects.get(pk=teacher.pk).person_id == teacher.person_id


def test_own_card_cannot_be_merged_away(region):
    admin = region.members["admin"]
    copy = duplicate_card(region, "admin", region.school, "admin.copy", roles=[])
    with pytest.raises(ValidationError) as error:
        merge_people(actor=region.member("admin"), survivor=copy.person, duplicate=admin.person)
    assert error.value.code == "own_card"
    merge_people(actor=region.member("admin"), survivor=admin.person, duplicate=copy.person)
    assert not Person.objects.filter(pk=copy.person_id).exists()
