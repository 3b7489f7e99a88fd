"""The whole role × action × unit matrix of `policies.can`, written out by hand.

Sources: seed 000, приложение 1 (the authority roles: «Администратору – доступен весь функционал»;
«Начальнику – доступны все отчеты, … просмотр личных кабинетов подведомственных организаций …
Отсутствует возможность управления учетными записями»; «Сотруднику» the same without
announcements; «Оператору – доступны только отчеты и возможность просмотра личных кабинетов
подведомственных организаций без доступа к карточкам пользователей»; the two coordinators view the
cabinets without the cards), приложения 2–3 (a school's administrator manages its own staff; one
account, a separate cabinet per organisation, so a school's staff have no rights in its branch),
and DESIGN.md's table of users for the organisation roles.
"""

import pytest

from parta.core.testing.personas import STAFF_PERSONAS
from parta.identity.models import OrgRole
from parta.identity.policies import (
    Action,
    can,
    can_edit_staff_member,
    organizations_where,
    visible_authorities,
    visible_organizations,
)
from parta.orgs.models import Authority, Organization

A = Action
NOTHING: frozenset[Action] = frozenset()
EVERYTHING = frozenset(Action)
CABINET = frozenset({A.VIEW_CARD})
#: The reports include the Gosuslugi readiness report.
REPORTS = frozenset({A.VIEW_REPORTS, A.VIEW_LOGIN_READINESS})
REPORTS_AND_CABINET = CABINET | REPORTS
#: Начальник and Сотрудник: reports, cabinets and the users' cards, read-only.
READ_AND_REPORTS = frozenset({A.VIEW_CARD, A.LIST_STAFF, A.VIEW_STAFF}) | REPORTS

ORGANIZATIONS = ("school", "branch", "other_school", "south_school")
AUTHORITIES = ("north", "south", "ministry")
UNITS = ORGANIZATIONS + AUTHORITIES
#: A director is chosen on an organisation's card; an authority has none.
ORGANIZATION_ONLY = frozenset({A.SET_DIRECTOR})


def only(**rights: frozenset[Action]) -> dict[str, frozenset[Action]]:
    """The persona's rights per unit; every unit not named: nothing."""
    return {unit: rights.get(unit, NOTHING) for unit in UNITS}


NORTH_ORGANIZATIONS = ("school", "branch", "other_school")

#: persona → unit → the actions `can` allows there.
EXPECTED: dict[str, dict[str, frozenset[Action]]] = {
    "admin": only(school=EVERYTHING),
    "director": only(
        school=frozenset(
            {
                A.LIST_STAFF,
                A.VIEW_STAFF,
                A.VIEW_PERSONAL_DATA,
                A.VIEW_AUDIT,
                A.VIEW_CARD,
                A.INVITE_STAFF,
            }
        )
        | REPORTS
    ),
    "deputy_head": only(school=frozenset({A.LIST_STAFF, A.VIEW_STAFF, A.VIEW_CARD}) | REPORTS),
    "teacher": only(school=CABINET),
    "hr": only(
        school=frozenset(
            {
                A.LIST_STAFF,
                A.VIEW_STAFF,
                A.ADD_STAFF,
                A.EDIT_STAFF,
                A.ARCHIVE_STAFF,
                A.IMPORT_STAFF,
                A.VIEW_PERSONAL_DATA,
                A.VIEW_CARD,
            }
        )
    ),
    "secretary": only(
        school=frozenset({A.LIST_STAFF, A.VIEW_STAFF, A.VIEW_PERSONAL_DATA, A.VIEW_CARD})
    ),
    "medical": only(school=CABINET),
    "psychologist": only(school=CABINET),
    "tech_staff": only(school=CABINET),
    "other_school_admin": only(other_school=EVERYTHING),
    "other_school_teacher": only(other_school=CABINET),
    "municipal_admin": only(
        school=EVERYTHING, branch=EVERYTHING, other_school=EVERYTHING, north=EVERYTHING
    ),
    "municipal_head": only(
        **dict.fromkeys(NORTH_ORGANIZATIONS, READ_AND_REPORTS), north=READ_AND_REPORTS
    ),
    "municipal_staff": only(
        **dict.fromkeys(NORTH_ORGANIZATIONS, READ_AND_REPORTS), north=READ_AND_REPORTS
    ),
    "municipal_operator": only(
        **dict.fromkeys(NORTH_ORGANIZATIONS, REPORTS_AND_CABINET), north=REPORTS_AND_CABINET
    ),
    "events_coordinator": only(**dict.fromkeys(NORTH_ORGANIZATIONS, CABINET), north=CABINET),
    "gifted_coordinator": only(**dict.fromkeys(NORTH_ORGANIZATIONS, CABINET), north=CABINET),
    "south_admin": only(south_school=EVERYTHING, south=EVERYTHING),
    "regional_admin": only(**dict.fromkeys(UNITS, EVERYTHING)),
}


def applicable(unit_name: str) -> frozenset[Action]:
    return EVERYTHING - ORGANIZATION_ONLY if unit_name in AUTHORITIES else EVERYTHING


def test_the_table_covers_every_persona():
    assert set(EXPECTED) == set(STAFF_PERSONAS)


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_role_may_do_exactly_what_the_table_says(region, persona):
    member = region.member(persona)
    wrong = []
    for unit_name in UNITS:
        unit = getattr(region, unit_name)
        for action in sorted(applicable(unit_name)):
            expected = action in EXPECTED[persona][unit_name]
            if can(member, action, unit) != expected:
                wrong.append(
                    f"{unit_name}: {action} should be {'allowed' if expected else 'denied'}"
                )
    assert not wrong, f"{persona} ({member.active_role}):\n" + "\n".join(wrong)


def names(queryset) -> set[str]:
    return {unit.short_name for unit in queryset}


def organization_names(region, unit_names) -> set[str]:
    return {getattr(region, name).short_name for name in unit_names}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_list_filter_agrees_with_can_for_every_action(region, persona):
    member = region.member(persona)
    for action in Action:
        allowed = {
            name for name in ORGANIZATIONS if action in EXPECTED[persona][name]
        }  # what the table grants
        listed = names(Organization.objects.filter(organizations_where(member, action)))
        assert listed == organization_names(region, allowed), f"{persona}, {action}"


@pytest.mark.parametrize(
    ("persona", "organizations", "authorities"),
    [
        ("admin", ["school"], []),
        ("teacher", ["school"], []),
        ("other_school_admin", ["other_school"], []),
        ("municipal_admin", ["school", "branch", "other_school"], ["north"]),
        ("municipal_operator", ["school", "branch", "other_school"], ["north"]),
        ("events_coordinator", ["school", "branch", "other_school"], ["north"]),
        ("south_admin", ["south_school"], ["south"]),
        ("regional_admin", list(ORGANIZATIONS), list(AUTHORITIES)),
    ],
)
def test_cabinets_a_role_may_open(region, persona, organizations, authorities):
    member = region.member(persona)
    visible = names(Organization.objects.filter(visible_organizations(member)))
    assert visible == organization_names(region, organizations)
    assert names(Authority.objects.filter(visible_authorities(member))) == {
        getattr(region, name).short_name for name in authorities
    }


def test_organization_admin_has_no_rights_in_another_school_or_its_own_branch(region):
    admin = region.member("admin")
    for unit in (region.branch, region.other_school, region.south_school, region.north):
        assert not any(can(admin, action, unit) for action in Action), unit


def test_municipal_authority_sees_only_its_own_organisations(region):
    operator = region.member("municipal_operator")
    assert can(operator, A.VIEW_REPORTS, region.other_school)
    assert not can(operator, A.VIEW_REPORTS, region.south_school)
    assert not can(operator, A.VIEW_CARD, region.south)
    assert not can(operator, A.VIEW_CARD, region.ministry)


def test_operator_and_coordinators_open_cabinets_without_the_users_cards(region):
    for persona in ("municipal_operator", "events_coordinator", "gifted_coordinator"):
        member = region.member(persona)
        assert can(member, A.VIEW_CARD, region.school), persona
        for action in (A.LIST_STAFF, A.VIEW_STAFF, A.VIEW_PERSONAL_DATA):
            assert not can(member, action, region.school), (persona, action)


def test_head_and_employee_read_cards_but_manage_no_accounts(region):
    manage = {A.ADD_STAFF, A.EDIT_STAFF, A.EDIT_ROLES, A.SET_PASSWORD, A.DELETE_STAFF}
    for persona in ("municipal_head", "municipal_staff"):
        member = region.member(persona)
        for unit in (region.school, region.north):
            assert can(member, A.VIEW_STAFF, unit)
            assert can(member, A.VIEW_REPORTS, unit)
            assert not any(can(member, action, unit) for action in manage), (persona, unit)


def test_rights_follow_the_role_the_session_acts_in(region):
    deputy = region.member("deputy_head")
    assert can(deputy, A.LIST_STAFF, region.school)
    as_teacher = region.member("deputy_head").acting_as(OrgRole.TEACHER)
    assert not can(as_teacher, A.LIST_STAFF, region.school)
    assert can(as_teacher, A.VIEW_CARD, region.school)
    director_as_teacher = region.member("director").acting_as(OrgRole.TEACHER)
    assert not can(director_as_teacher, A.VIEW_AUDIT, region.school)


def test_administrator_cannot_change_own_roles_but_can_change_others(region):
    admin = region.member("admin")
    assert not can_edit_staff_member(admin, region.member("admin"), A.EDIT_ROLES)
    assert can_edit_staff_member(admin, region.member("admin"), A.EDIT_STAFF)
    assert can_edit_staff_member(admin, region.member("teacher"), A.EDIT_ROLES)
    assert not can_edit_staff_member(admin, region.member("other_school_teacher"), A.EDIT_ROLES)
    municipal = region.member("municipal_admin")
    assert can_edit_staff_member(municipal, region.member("teacher"), A.EDIT_ROLES)
    assert not can_edit_staff_member(municipal, region.member("municipal_admin"), A.EDIT_ROLES)


def test_archived_member_may_do_nothing_anywhere(region):
    member = region.member("municipal_admin")
    member.is_archived = True
    for unit_name in UNITS:
        assert not any(can(member, action, getattr(region, unit_name)) for action in Action)


def test_archived_member_lists_no_organisations(region):
    for persona in ("admin", "municipal_admin"):
        member = region.member(persona)
        member.is_archived = True
        listed = Organization.objects.filter(organizations_where(member, A.LIST_STAFF))
        assert not listed.exists(), persona
