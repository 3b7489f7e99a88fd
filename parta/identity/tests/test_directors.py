"""The head of an organisation is chosen on its card from its own current staff (seed 000, п. 3)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parta.core.models import AuditEntry
from parta.identity.models import DerivedRole, Membership
from parta.identity.services.directors import set_director
from parta.identity.services.staff import import_staff_member


def director_pk(organization):
    return (
        Membership.objects.filter(organization=organization, is_director=True)
        .values_list("pk", flat=True)
        .first()
    )


def test_administrator_chooses_a_new_head_and_the_old_one_loses_the_flag(region):
    teacher = region.members["teacher"]
    set_director(actor=region.member("admin"), organization=region.school, membership=teacher)
    assert director_pk(region.school) == teacher.pk
    assert not Membership.objects.get(pk=region.members["director"].pk).is_director
    assert DerivedRole.DIRECTOR in Membership.objects.get(pk=teacher.pk).available_roles


def test_choice_is_audited_with_both_names(region):
    teacher = region.members["teacher"]
    set_director(actor=region.member("admin"), organization=region.school, membership=teacher)
    entry = AuditEntry.objects.get(action="orgs.director_set")
    assert entry.organization_id == region.school.pk
    assert entry.before == {"director": region.members["director"].person.full_name}
    assert entry.after == {"director": teacher.person.full_name}


def test_choosing_the_current_head_again_changes_and_records_nothing(region):
    director = Membership.objects.get(pk=region.members["director"].pk)
    set_director(actor=region.member("admin"), organization=region.school, membership=director)
    assert not AuditEntry.objects.filter(action="orgs.director_set").exists()


def test_head_can_be_cleared(region):
    set_director(actor=region.member("admin"), organization=region.school, membership=None)
    assert director_pk(region.school) is None


@pytest.mark.parametrize("persona", ["other_school_teacher", "municipal_head"])
def test_staff_of_another_unit_cannot_become_head(region, persona):
    stranger = region.members[persona]
    with pytest.raises(ValidationError) as error:
        set_director(actor=region.member("admin"), organization=region.school, membership=stranger)
    assert error.value.message_dict["director"]
    assert director_pk(region.school) == region.members["director"].pk
    assert not Membership.objects.get(pk=stranger.pk).is_director


def test_archived_staff_member_cannot_become_head(region):
    teacher = Membership.objects.get(pk=region.members["teacher"].pk)
    teacher.is_archived = True
    teacher.save()
    with pytest.raises(ValidationError):
        set_director(actor=region.member("admin"), organization=region.school, membership=teacher)
    assert director_pk(region.school) == region.members["director"].pk


@pytest.mark.parametrize("persona", ["municipal_admin", "regional_admin"])
def test_authority_administrators_choose_heads_of_subordinate_organisations(region, persona):
    teacher = region.members["other_school_teacher"]
    set_director(actor=region.member(persona), organization=region.other_school, membership=teacher)
    assert director_pk(region.other_school) == teacher.pk


@pytest.mark.parametrize(
    "persona",
    [
        "director",
        "deputy_head",
        "hr",
        "teacher",
        "municipal_head",
        "south_admin",
        "other_school_admin",
    ],
)
def test_other_roles_cannot_choose_the_head(region, persona):
    with pytest.raises(PermissionDenied):
        set_director(
            actor=region.member(persona),
            organization=region.school,
            membership=region.members["teacher"],
        )
    assert director_pk(region.school) == region.members["director"].pk


def test_head_imported_into_the_branch_is_chosen_there_with_one_account(region):
    """Seed 000, п. 2–3: one account for the head, linked to the branch's cabinet too."""
    director = region.members["director"]
    branch_cabinet = import_staff_member(
        actor=region.member("municipal_admin"), unit=region.branch, person=director.person
    )
    set_director(
        actor=region.member("municipal_admin"),
        organization=region.branch,
        membership=branch_cabinet,
    )
    assert director_pk(region.branch) == branch_cabinet.pk
    assert director_pk(region.school) == director.pk
    cabinets = Membership.objects.filter(person=director.person, is_director=True)
    assert cabinets.count() == 2
