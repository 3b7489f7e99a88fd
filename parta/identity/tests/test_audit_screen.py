"""«Журнал изменений»: who may read it, how it reads, and what it hides."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core import audit
from parta.core.models import AuditEntry
from parta.core.testing.personas import STAFF_PERSONAS, SYSTEM, valid_snils
from parta.identity import policies
from parta.identity.models import DerivedRole, Membership
from parta.identity.services.directors import set_director
from parta.identity.services.organizations import update_organization_card
from parta.identity.services.staff import update_staff_member
from parta.identity.views.audit import changes_of

SCHOOL_AUDIT_READERS = {"admin", "director", "municipal_admin", "regional_admin"}
NORTH_AUDIT_READERS = {"municipal_admin", "regional_admin"}


@pytest.fixture(autouse=True)
def _empty_log(region):
    """The persona region is built through audited services: start each test from a clean log."""
    AuditEntry.objects.all().delete()


def audit_url(unit):
    return reverse("identity:audit", args=[unit])


def record(region, count, action="identity.staff_updated"):
    target = Membership.objects.get(pk=region.members["teacher"].pk)
    for number in range(count):
        audit.record(
            actor=SYSTEM,
            action=action,
            target=target,
            before={"position": f"Учитель {number}"},
            after={"position": f"Учитель {number + 1}"},
            organization_id=region.school.pk,
        )


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_school_audit_log_opens_for_its_administrator_head_and_authority_administrators(
    client, region, persona
):
    region.login(client, persona)
    response = client.get(audit_url(region.school))
    assert response.status_code == (200 if persona in SCHOOL_AUDIT_READERS else 404)


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_authority_audit_log_opens_for_its_administrators(client, region, persona):
    region.login(client, persona)
    response = client.get(audit_url(region.north))
    assert response.status_code == (200 if persona in NORTH_AUDIT_READERS else 404)


def test_operator_sees_the_card_but_not_the_audit_log(client, region):
    region.login(client, "municipal_operator")
    assert client.get(reverse("identity:org-card", args=[region.school.pk])).status_code == 200
    assert client.get(audit_url(region.school)).status_code == 404


def test_entries_read_when_who_what_and_before_after(client, region):
    teacher = region.members["teacher"]
    set_director(actor=region.member("admin"), organization=region.school, membership=teacher)
    region.login(client, "admin")
    response = client.get(audit_url(region.school))
    page = response.content.decode()
    row = response.context["rows"][0]
    assert row.entry.action == "orgs.director_set"
    assert row.action == "Выбран руководитель ОО"
    assert row.changes[0].before == region.members["director"].person.full_name
    assert row.changes[0].after == teacher.person.full_name
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", page)
    assert region.members["admin"].person.short_name in page
    assert f"{region.members['director'].person.full_name} → {teacher.person.full_name}" in page


def test_log_is_newest_first_and_paged(client, region):
    record(region, 51)
    region.login(client, "admin")
    first = client.get(audit_url(region.school))
    rows = first.context["rows"]
    assert len(rows) == 50
    assert rows[0].changes[0].after == "Учитель 51"
    second = client.get(audit_url(region.school), {"page": 2})
    assert [row.changes[0].after for row in second.context["rows"]] == ["Учитель 1"]


def test_log_is_filtered_by_action(client, region):
    record(region, 3)
    update_organization_card(
        actor=region.member("admin"), organization=region.school, fields={"phone": "123"}
    )
    region.login(client, "admin")
    response = client.get(audit_url(region.school), {"action": "orgs.card_updated"})
    assert [row.entry.action for row in response.context["rows"]] == ["orgs.card_updated"]
    assert response.context["rows"][0].changes[0].field == "Телефон"


def test_unknown_action_filter_shows_everything(client, region):
    record(region, 2)
    region.login(client, "admin")
    response = client.get(audit_url(region.school), {"action": "no.such"})
    assert len(response.context["rows"]) == 2


def test_log_shows_only_its_own_unit(client, region):
    set_director(
        actor=region.member("other_school_admin"),
        organization=region.other_school,
        membership=region.members["other_school_teacher"],
    )
    region.login(client, "admin")
    assert client.get(audit_url(region.school)).context["rows"] == []


def _change_snils(region):
    teacher = Membership.objects.get(pk=region.members["teacher"].pk)
    old = teacher.person.snils
    new = valid_snils(123_456_789)
    update_staff_member(
        actor=region.member("admin"),
        membership=teacher,
        person_fields={"snils": new, "passport_series": "7501", "passport_number": "123456"},
        membership_fields={},
    )
    return old, new


def test_personal_data_is_shown_to_roles_that_may_see_it(client, region):
    old, new = _change_snils(region)
    region.login(client, "admin")
    response = client.get(audit_url(region.school))
    changes = {change.field: change for change in response.context["rows"][0].changes}
    assert changes["СНИЛС"].after == f"{new[:3]}-{new[3:6]}-{new[6:9]} {new[9:]}"
    assert changes["Номер паспорта"].after == "123456"
    assert not response.context["masked"]


def test_personal_data_is_masked_for_roles_without_it(client, region, monkeypatch):
    old, new = _change_snils(region)
    monkeypatch.setitem(
        policies.ORGANIZATION_RIGHTS,
        DerivedRole.DIRECTOR,
        policies.ORGANIZATION_RIGHTS[DerivedRole.DIRECTOR] - {policies.Action.VIEW_PERSONAL_DATA},
    )
    region.login(client, "director")
    response = client.get(audit_url(region.school))
    changes = {change.field: change for change in response.context["rows"][0].changes}
    assert changes["СНИЛС"].before == f"***-***-*** {old[9:]}"
    assert changes["СНИЛС"].after == f"***-***-*** {new[9:]}"
    assert changes["Номер паспорта"].after == "***"
    page = response.content.decode()
    assert new not in page and "123456" not in page


def test_merged_card_is_shown_field_by_field_and_masked(region):
    entry = AuditEntry(
        action="identity.people_merged",
        before={
            "duplicate": {
                "last_name": "Иванов",
                "snils": valid_snils(1_234_567),
                "passport_series": "7501",
                "birth_date": "1980-03-01",
                "memberships": [{"unit": "Школа № 2", "roles": ["teacher"], "is_director": True}],
            },
            "email": "",
        },
        after={"email": "a@example.ru", "dropped_login": "ivanov2"},
    )
    changes = {change.field: change for change in changes_of(entry, masked=True)}
    assert changes["Присоединённая карточка: Фамилия"].before == "Иванов"
    assert changes["Присоединённая карточка: СНИЛС"].before.startswith("***-***-***")
    assert changes["Присоединённая карточка: Серия паспорта"].before == "***"
    assert changes["Присоединённая карточка: Дата рождения"].before == "01.03.1980"
    cabinets = changes["Присоединённая карточка: Кабинеты"].before
    assert "Школа № 2" in cabinets and "Педагог" in cabinets
    assert (changes["Электронная почта"].before, changes["Электронная почта"].after) == (
        "—",
        "a@example.ru",
    )
    assert changes["Логин, который перестал действовать"].after == "ivanov2"


def test_audit_page_costs_the_same_for_2_and_25_entries(client, region):
    region.login(client, "admin")
    record(region, 2)
    with CaptureQueriesContext(connection) as small:
        client.get(audit_url(region.school))
    record(region, 23)
    with CaptureQueriesContext(connection) as large:
        response = client.get(audit_url(region.school))
    assert len(response.context["rows"]) == 25
    assert len(small) == len(large)


def test_health_and_psychological_notes_are_masked_even_for_personal_data_readers(region):
    # a change of a student card's health, social and psychological sections, and of an address
    entry = AuditEntry(
        action="students.card_changed",
        before={"psychological_notes": "", "health_group": "2", "residence_address": "ул. А"},
        after={
            "psychological_notes": "Тревожность",
            "health_group": "3",
            "social_categories": ["large_family"],
            "residence_address": "ул. Б",
        },
    )
    unmasked = {change.field: change for change in changes_of(entry, masked=False)}
    masked = {change.field: change for change in changes_of(entry, masked=True)}
    # the special categories never show, whoever reads the log
    for changes in (unmasked, masked):
        shown = " ".join(f"{change.before} {change.after}" for change in changes.values())
        assert "Тревожность" not in shown and "large_family" not in shown
        assert " 3 " not in f" {shown} "
    # an address is personal data: shown to its readers only
    assert "ул. Б" in " ".join(change.after for change in unmasked.values())
    assert "ул. Б" not in " ".join(change.after for change in masked.values())
