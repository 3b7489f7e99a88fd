from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parta.core.models import AuditEntry
from parta.core.testing.personas import PASSWORD, SYSTEM, valid_snils
from parta.identity.models import Account, Membership, OrgRole, Person
from parta.identity.selectors import staff as staff_selectors
from parta.identity.services.reads import record_personal_data_view
from parta.identity.services.staff import (
    add_staff_member,
    check_duplicates,
    delete_staff_member,
    import_staff_member,
    set_archived,
)


def person_fields(**overrides):
    return {
        "last_name": "Орлова",
        "first_name": "Анна",
        "middle_name": "Юрьевна",
        "birth_date": date(1988, 3, 14),
        "snils": valid_snils(500_000_001),
        **overrides,
    }


def add(region, actor="admin", unit=None, **overrides):
    login = overrides.pop("login", "orlova.a")
    roles = overrides.pop("roles", [OrgRole.TEACHER])
    return add_staff_member(
        actor=region.member(actor) if actor else SYSTEM,
        unit=unit or region.school,
        person_fields=person_fields(**overrides),
        login=login,
        password=PASSWORD,
        must_change_password=True,
        roles=roles,
    )


def test_taken_snils_names_the_person_to_import(region):
    teacher = region.members["other_school_teacher"]
    with pytest.raises(ValidationError) as caught:
        add(region, snils=teacher.person.snils)
    [error] = caught.value.error_dict["snils"]
    assert error.code == "snils_taken"
    assert error.params["person_id"] == teacher.person_id
    assert teacher.person.full_name in caught.value.message_dict["snils"][0]
    assert not Account.objects.filter(login="orlova.a").exists()


def test_namesake_in_other_letter_case_is_found_on_any_database(region):
    teacher = region.members["teacher"].person
    lookalike = Person(
        last_name=teacher.last_name.upper(),
        first_name=teacher.first_name.lower(),
        middle_name=teacher.middle_name,
        birth_date=teacher.birth_date,
    )
    duplicate = check_duplicates(lookalike)
    assert duplicate is not None
    assert duplicate.person.pk == teacher.pk
    assert not duplicate.by_snils


def test_possible_duplicate_is_refused_unless_confirmed(region):
    teacher = region.members["teacher"].person
    same = {
        "last_name": teacher.last_name,
        "first_name": teacher.first_name,
        "middle_name": teacher.middle_name,
        "birth_date": teacher.birth_date,
        "snils": "",
    }
    with pytest.raises(ValidationError) as caught:
        add(region, **same)
    assert caught.value.code == "possible_duplicate"
    assert caught.value.params["person_id"] == teacher.pk
    created = add_staff_member(
        actor=region.member("admin"),
        unit=region.school,
        person_fields=person_fields(**same),
        login="namesake",
        password=PASSWORD,
        must_change_password=True,
        roles=[],
        confirm_namesake=True,
    )
    assert created.person_id != teacher.pk


def test_hr_adds_staff_but_cannot_tick_roles(region):
    with pytest.raises(PermissionDenied):
        add(region, actor="hr")
    membership = add(region, actor="hr", roles=[])
    assert membership.role_codes == []


def test_personal_data_view_is_logged_for_allowed_roles_only(region):
    teacher = region.members["teacher"]
    entry = record_personal_data_view(actor=region.member("secretary"), membership=teacher)
    assert entry.action == "identity.personal_data_viewed"
    assert entry.target_id == teacher.person_id
    assert entry.organization_id == region.school.pk
    with pytest.raises(PermissionDenied):
        record_personal_data_view(actor=region.member("deputy_head"), membership=teacher)
    assert AuditEntry.objects.filter(action="identity.personal_data_viewed").count() == 1


def test_import_restores_an_archived_membership_instead_of_a_second_one(region):
    source = region.members["other_school_teacher"]
    admin = region.member("admin")
    imported = import_staff_member(actor=admin, unit=region.school, person=source.person)
    set_archived(actor=admin, membership=imported, archived=True)
    again = import_staff_member(actor=admin, unit=region.school, person=source.person)
    assert again.pk == imported.pk
    assert not again.is_archived
    with pytest.raises(ValidationError) as caught:
        import_staff_member(actor=admin, unit=region.school, person=source.person)
    assert caught.value.code == "already_member"


def test_import_needs_the_right_in_the_target_unit(region):
    source = region.members["other_school_teacher"]
    with pytest.raises(PermissionDenied):
        import_staff_member(
            actor=region.member("deputy_head"), unit=region.school, person=source.person
        )
    assert not Membership.objects.filter(organization=region.school, person=source.person)


def test_nobody_archives_or_deletes_themselves(region):
    admin = region.member("admin")
    with pytest.raises(ValidationError):
        set_archived(actor=admin, membership=admin, archived=True)
    with pytest.raises(ValidationError):
        delete_staff_member(actor=admin, membership=admin)


def test_delete_keeps_the_person_and_account_used_elsewhere(region):
    source = region.members["other_school_teacher"]
    admin = region.member("admin")
    imported = import_staff_member(actor=admin, unit=region.school, person=source.person)
    delete_staff_member(actor=admin, membership=imported)
    assert Person.objects.filter(pk=source.person_id).exists()
    assert Account.objects.filter(person_id=source.person_id).exists()


def test_import_sources_are_the_regions_organisations_for_a_school(region):
    admin = region.member("admin")
    schools = staff_selectors.import_sources(viewer=admin, unit=region.school, kind="school")
    assert region.other_school in schools
    assert region.south_school in schools
    assert region.school not in schools
    assert staff_selectors.import_sources(viewer=admin, unit=region.school, kind="authority") == []
    assert (
        staff_selectors.import_source(
            viewer=admin, unit=region.school, kind="authority", pk=region.north.pk
        )
        is None
    )
    teacher = region.member("teacher")
    assert staff_selectors.import_sources(viewer=teacher, unit=region.school, kind="school") == []


def test_import_cabinet_of_person_skips_this_unit_and_archived_cabinets(region):
    admin = region.member("admin")
    source = region.members["other_school_teacher"]
    cabinet = staff_selectors.import_cabinet_of_person(
        viewer=admin, unit=region.school, person_id=source.person_id
    )
    assert cabinet.pk == source.pk
    own = region.members["teacher"]
    assert (
        staff_selectors.import_cabinet_of_person(
            viewer=admin, unit=region.school, person_id=own.person_id
        )
        is None
    )


def test_import_brings_position_subjects_and_roles_but_not_administrator(region):
    from parta.identity.models import Membership, OrgRole
    from parta.identity.services.staff import import_staff_member

    source = Membership.objects.get(pk=region.members["other_school_admin"].pk)
    source.position = "Учитель физики"
    source.save(update_fields=["position"])
    source.subjects.set([region.subjects["Физика"]])
    source.role_rows.create(role=OrgRole.TEACHER)
    imported = import_staff_member(
        actor=region.member("admin"), unit=region.school, person=source.person, source=source
    )
    assert imported.position == "Учитель физики"
    assert [s.name for s in imported.subjects.all()] == ["Физика"]
    assert imported.role_codes == [OrgRole.TEACHER]
    assert imported.person_id == source.person_id
