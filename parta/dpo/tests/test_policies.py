"""Who each member is for an application, who opens it, and which lists they see."""

import pytest

from parta.dpo import policies
from parta.dpo.models import Application
from parta.dpo.states import ActorKind
from parta.identity.models import OrgRole


@pytest.mark.parametrize(
    ("member", "kind"),
    [
        ("teacher", ActorKind.APPLICANT),
        ("director", ActorKind.DIRECTOR),
        ("dpo_staff", ActorKind.DPO_STAFF),
        ("teacher_2", ActorKind.NOBODY),
        ("admin", ActorKind.NOBODY),
        ("deputy_head", ActorKind.NOBODY),
        ("other_director", ActorKind.NOBODY),
        ("other_school_teacher", ActorKind.NOBODY),
        ("far_dpo_staff", ActorKind.NOBODY),
        ("municipal_admin", ActorKind.NOBODY),
        ("regional_admin", ActorKind.NOBODY),
    ],
)
def test_who_the_member_is_for_a_teachers_application(campaign, member, kind):
    application = campaign.apply("teacher")
    actor = campaign.member(member)
    assert policies.actor_kind(actor, application) == kind
    assert policies.can_view(actor, application) is (kind != ActorKind.NOBODY)
    assert policies.can_comment(actor, application) is (kind != ActorKind.NOBODY)
    visible = Application.objects.filter(policies.visible_applications(actor))
    assert list(visible) == ([application] if kind != ActorKind.NOBODY else [])


def test_the_director_working_as_a_teacher_is_not_the_director(campaign):
    application = campaign.apply("teacher")
    director = campaign.member("director").acting_as(OrgRole.TEACHER)
    assert policies.actor_kind(director, application) == ActorKind.NOBODY
    assert not Application.objects.filter(policies.managed_applications(director)).exists()


def test_the_directors_own_application_is_approved_in_the_directors_role(campaign):
    application = campaign.apply("director")
    director = campaign.member("director")
    assert policies.actor_kind(director, application) == ActorKind.DIRECTOR
    assert policies.actor_kind(director.acting_as(OrgRole.TEACHER), application) == (
        ActorKind.APPLICANT
    )


def test_dpo_staff_applying_are_applicants_and_never_enrol_themselves(campaign):
    application = campaign.apply("dpo_staff")
    assert policies.actor_kind(campaign.member("dpo_staff"), application) == ActorKind.APPLICANT


def test_an_archived_member_is_nobody(campaign):
    application = campaign.apply("teacher")
    teacher = campaign.member("teacher")
    teacher.is_archived = True
    assert policies.actor_kind(teacher, application) == ActorKind.NOBODY
    assert not policies.can_apply(teacher)


@pytest.mark.parametrize(
    ("member", "allowed"),
    [("teacher", True), ("director", True), ("dpo_staff", True), ("municipal_admin", False)],
)
def test_staff_of_an_organisation_apply_and_authority_staff_do_not(campaign, member, allowed):
    assert policies.can_apply(campaign.member(member)) is allowed


def test_each_member_sees_their_own_list(campaign):
    teacher = campaign.apply("teacher")
    teacher_2 = campaign.apply("teacher_2")
    other = campaign.apply("other_school_teacher")

    def listed(member, scope):
        return set(Application.objects.filter(scope(campaign.member(member))))

    assert listed("teacher", policies.own_applications) == {teacher}
    assert listed("teacher", policies.managed_applications) == set()
    assert listed("director", policies.managed_applications) == {teacher, teacher_2}
    assert listed("other_director", policies.managed_applications) == {other}
    assert listed("dpo_staff", policies.managed_applications) == {teacher, teacher_2, other}
    assert listed("far_dpo_staff", policies.visible_applications) == set()
    assert listed("admin", policies.visible_applications) == set()
