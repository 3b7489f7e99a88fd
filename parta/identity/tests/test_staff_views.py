from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.core.testing.personas import PASSWORD, SYSTEM, valid_snils
from parta.identity.models import Account, Membership, MembershipRole, OrgRole, Person
from parta.identity.services.staff import add_staff_member
from parta.orgs.models import Organization

NEW_PASSWORD = "Novyj-parol-2026"


def list_url(unit):
    return reverse("identity:staff-list", args=[unit])


def add_url(unit):
    return reverse("identity:staff-add", args=[unit])


def import_url(unit):
    return reverse("identity:staff-import", args=[unit])


def card_url(membership):
    return reverse("identity:staff-card", args=[membership.pk])


def password_url(membership):
    return reverse("identity:staff-password", args=[membership.pk])


def archive_url(membership):
    return reverse("identity:staff-archive", args=[membership.pk])


def delete_url(membership):
    return reverse("identity:staff-delete", args=[membership.pk])


def db_state():
    """Everything a staff screen could write, to compare before and after a refused request."""
    return {
        "people": list(Person.objects.order_by("pk").values()),
        "accounts": list(
            Account.objects.order_by("pk").values("pk", "login", "password", "must_change_password")
        ),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "roles": list(MembershipRole.objects.order_by("pk").values()),
        "subjects": list(Membership.subjects.through.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
    }


def add_data(region, **overrides):
    data = {
        "last_name": "Новикова",
        "first_name": "Ольга",
        "middle_name": "Сергеевна",
        "birth_date": "07.10.1990",
        "sex": "female",
        "citizenship": "RU",
        "snils": valid_snils(300_000_001),
        "passport_series": "",
        "passport_number": "",
        "passport_issued_on": "",
        "passport_issued_by": "",
        "email": "novikova@example.org",
        "phone": "",
        "login": "novikova.o",
        "password": "Strong-pass-2026",
        "must_change_password": "on",
        "roles": [OrgRole.TEACHER],
        "position": "Учитель математики",
        "subjects": [region.subjects["Математика"].pk],
        "starts_on": "01.09.2025",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def card_data(membership, **overrides):
    person = membership.person
    data = {
        "form": "card",
        "last_name": person.last_name.upper(),
        "first_name": person.first_name,
        "middle_name": person.middle_name,
        "birth_date": person.birth_date.strftime("%d.%m.%Y") if person.birth_date else "",
        "sex": person.sex,
        "citizenship": person.citizenship,
        "snils": person.snils,
        "email": person.email,
        "phone": person.phone,
        "position": membership.position,
        "roles": membership.role_codes,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def new_staff(unit, login, *, roles=(OrgRole.TEACHER,), number=0, **person):
    fields = {
        "last_name": "Тестов",
        "first_name": "Тест",
        "middle_name": "Тестович",
        "birth_date": date(1985, 5, 5),
        "snils": valid_snils(400_000_000 + number) if number else "",
        **person,
    }
    return add_staff_member(
        actor=SYSTEM,
        unit=unit,
        person_fields=fields,
        login=login,
        password=PASSWORD,
        must_change_password=False,
        roles=list(roles),
    )


# The role × screen matrix --------------------------------------------------------------------

SCREENS = ("list", "card", "add", "password", "archive", "delete", "import")

#: persona → expected status per screen (archive is a POST that redirects when allowed).
MATRIX = {
    "admin": (200, 200, 200, 200, 302, 200, 200),
    "hr": (200, 200, 200, 403, 302, 403, 200),
    "director": (200, 200, 403, 403, 403, 403, 403),
    "deputy_head": (200, 200, 403, 403, 403, 403, 403),
    "secretary": (200, 200, 403, 403, 403, 403, 403),
    "teacher": (404, 404, 404, 404, 404, 404, 404),
    "medical": (404, 404, 404, 404, 404, 404, 404),
    "other_school_admin": (404, 404, 404, 404, 404, 404, 404),
    "municipal_admin": (200, 200, 200, 200, 302, 200, 200),
    "municipal_head": (200, 200, 403, 403, 403, 403, 403),
    "municipal_operator": (404, 404, 404, 404, 404, 404, 404),
    "events_coordinator": (404, 404, 404, 404, 404, 404, 404),
    "south_admin": (404, 404, 404, 404, 404, 404, 404),
    "regional_admin": (200, 200, 200, 200, 302, 200, 200),
}
CASES = [
    (persona, screen, statuses[index])
    for persona, statuses in MATRIX.items()
    for index, screen in enumerate(SCREENS)
]


def open_screen(client, region, screen):
    school = region.school
    target = region.members["teacher"]
    if screen == "list":
        return client.get(list_url(school))
    if screen == "card":
        return client.get(card_url(target))
    if screen == "add":
        return client.get(add_url(school))
    if screen == "password":
        return client.get(password_url(target))
    if screen == "archive":
        return client.post(archive_url(target), {"archived": "1"})
    if screen == "delete":
        return client.get(delete_url(target))
    return client.get(import_url(school))


@pytest.mark.parametrize(("persona", "screen", "status"), CASES)
def test_staff_screens_follow_the_role_matrix(client, region, persona, screen, status):
    region.login(client, persona)
    assert open_screen(client, region, screen).status_code == status


def write_requests(region):
    school = region.school
    target = region.members["teacher"]
    source = region.members["other_school_teacher"]
    return [
        (add_url(school), add_data(region)),
        (card_url(target), card_data(target, position="Завхоз", last_name="Изменённый")),
        (card_url(target), {"form": "login", "login": "changed.login"}),
        (
            password_url(target),
            {
                "password": NEW_PASSWORD,
                "password_again": NEW_PASSWORD,
                "must_change_password": "on",
            },
        ),
        (archive_url(target), {"archived": "1"}),
        (delete_url(target), {}),
        (import_url(school), {"source": f"org-{region.other_school.pk}", "members": [source.pk]}),
    ]


@pytest.mark.parametrize(
    "persona",
    [
        "teacher",
        "deputy_head",
        "director",
        "other_school_admin",
        "municipal_head",
        "municipal_operator",
        "south_admin",
    ],
)
def test_writes_by_denied_personas_leave_the_database_unchanged(client, region, persona):
    region.login(client, persona)
    before = db_state()
    for url, data in write_requests(region):
        assert client.post(url, data).status_code in (403, 404), url
    assert db_state() == before


def test_hr_cannot_set_passwords_delete_or_tick_roles(client, region):
    region.login(client, "hr")
    target = region.members["teacher"]
    before = db_state()
    new_password = {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    assert client.post(password_url(target), new_password).status_code == 403
    assert client.post(delete_url(target), {}).status_code == 403
    assert client.post(card_url(target), {"form": "login", "login": "x.y"}).status_code == 403
    assert db_state() == before
    page = client.get(add_url(region.school))
    assert "roles" not in page.context["form"].fields


def test_outsider_cannot_open_a_card_by_guessing_its_id(client, region):
    region.login(client, "other_school_admin")
    assert client.get(card_url(region.members["admin"])).status_code == 404
    assert client.get(reverse("identity:staff-card", args=[999_999])).status_code == 404


# The list -------------------------------------------------------------------------------------


def test_list_shows_staff_with_roles_positions_subjects_and_buttons(client, region):
    teacher = region.members["teacher"]
    teacher.subjects.set([region.subjects["Физика"]])
    region.login(client, "admin")
    response = client.get(list_url(region.school))
    html = response.content.decode()
    assert response.status_code == 200
    assert card_url(teacher) in html
    assert "teacher" in html  # the login column
    assert "Физика" in html
    assert 'class="badge director"' in html
    assert add_url(region.school) in html
    assert import_url(region.school) in html
    assert 'class="list stack"' in html
    assert response.context["active_section"] == "manage"


def test_list_hides_add_and_import_from_read_only_roles(client, region):
    region.login(client, "deputy_head")
    html = client.get(list_url(region.school)).content.decode()
    assert add_url(region.school) not in html
    assert import_url(region.school) not in html


def test_list_filters_by_search_role_director_and_archive(client, region):
    region.login(client, "admin")
    teacher = region.members["teacher"]
    director = region.members["director"]

    def people(**params):
        page = client.get(list_url(region.school), params).context["page"]
        return {member.pk for member in page}

    assert people(q=teacher.person.last_name) >= {teacher.pk}
    assert region.members["hr"].pk not in people(q=teacher.person.last_name)
    assert people(q="hr") == {region.members["hr"].pk}
    assert people(role="director") == {director.pk}
    assert teacher.pk in people(role="teacher")
    assert region.members["hr"].pk not in people(role="teacher")
    Membership.objects.filter(pk=teacher.pk).update(is_archived=True)
    assert teacher.pk not in people()
    assert people(archived="1") == {teacher.pk}


def test_list_pages_with_numbers(client, region, settings):
    settings.PARTA_STAFF_PAGE_SIZE = 4
    region.login(client, "admin")
    first = client.get(list_url(region.school))
    assert len(first.context["page"].object_list) == 4
    assert "?page=2" in first.content.decode()
    third = client.get(list_url(region.school), {"page": 3, "q": ""})
    assert third.context["page"].number == 3


def test_authority_staff_list_uses_authority_roles(client, region):
    region.login(client, "municipal_admin")
    response = client.get(list_url(region.north))
    assert response.status_code == 200
    role_codes = [code for code, _label in response.context["form"].fields["role"].choices]
    assert "operator" in role_codes
    assert "director" not in role_codes
    assert region.members["municipal_head"].pk in {m.pk for m in response.context["page"]}


def organisation_with_staff(region, name, count, offset):
    organization = Organization.objects.create(
        region=region.region,
        municipality=region.school.municipality,
        authority=region.north,
        kind=Organization.Kind.SCHOOL,
        short_name=name,
        full_name=name,
    )
    for index in range(count):
        member = new_staff(
            organization,
            f"{name.lower()}.{index}",
            roles=(OrgRole.TEACHER, OrgRole.DEPUTY_HEAD) if index % 2 else (OrgRole.TEACHER,),
            number=offset + index,
            last_name=f"Фамилия{offset + index:04d}",
        )
        member.subjects.set(list(region.subjects.values())[: 1 + index % 3])
        if index == 0:
            member.is_director = True
            member.save(update_fields=["is_director"])
    return organization


def test_staff_list_costs_the_same_queries_for_3_and_40_staff(
    client, region, django_assert_num_queries
):
    small = organisation_with_staff(region, "small", 3, 1000)
    large = organisation_with_staff(region, "large", 40, 2000)
    region.login(client, "municipal_admin")
    client.get(list_url(small))  # warm the session and caches
    with CaptureQueriesContext(connection) as small_queries:
        small_page = client.get(list_url(small))
    assert len(small_page.context["page"].object_list) == 3
    with django_assert_num_queries(len(small_queries)):
        large_page = client.get(list_url(large))
    assert len(large_page.context["page"].object_list) == 40


# Add ------------------------------------------------------------------------------------------


def test_admin_adds_a_teacher_with_roles_subjects_and_first_login_change(client, region):
    region.login(client, "admin")
    response = client.post(add_url(region.school), add_data(region))
    membership = Membership.objects.get(person__account__login="novikova.o")
    assert response.status_code == 302
    assert response["Location"] == card_url(membership)
    assert membership.organization_id == region.school.pk
    assert membership.role_codes == [OrgRole.TEACHER]
    assert [s.name for s in membership.subjects.all()] == ["Математика"]
    assert membership.starts_on == date(2025, 9, 1)
    person = membership.person
    assert person.birth_date == date(1990, 10, 7)
    assert person.account.must_change_password
    assert person.account.check_password("Strong-pass-2026")
    assert AuditEntry.objects.filter(action="identity.staff_added", target_id=membership.pk)


def test_add_form_ticks_first_login_change_by_default(client, region):
    region.login(client, "admin")
    form = client.get(add_url(region.school)).context["form"]
    assert form["must_change_password"].value() is True
    assert set(form.fields["roles"].choices) == set(OrgRole.choices)


def bad_snils():
    good = valid_snils(123_456_789)
    return good[:-1] + str((int(good[-1]) + 1) % 10)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"snils": "bad"}, "snils"),
        ({"snils": "checksum"}, "snils"),
        ({"birth_date": "01.01.2099"}, "birth_date"),
        ({"birth_date": "2099-31-31"}, "birth_date"),
        ({"last_name": ""}, "last_name"),
        ({"middle_name": ""}, "middle_name"),
        ({"login": "teacher"}, "login"),
        ({"password": "12345678"}, "password"),
        ({"passport_series": "12a4"}, "passport_series"),
    ],
)
def test_bad_input_on_add_is_shown_on_the_field_and_nothing_is_saved(
    client, region, overrides, field
):
    if overrides.get("snils") == "checksum":
        overrides = {"snils": bad_snils()}
    region.login(client, "admin")
    before = db_state()
    response = client.post(add_url(region.school), add_data(region, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert db_state() == before


def test_taken_snils_is_refused_with_a_link_to_import_that_person(client, region):
    teacher = region.members["other_school_teacher"]
    region.login(client, "admin")
    before = db_state()
    response = client.post(add_url(region.school), add_data(region, snils=teacher.person.snils))
    assert response.status_code == 200
    assert "snils" in response.context["form"].errors
    link = f"{import_url(region.school)}?person={teacher.person_id}"
    assert link in response.content.decode()
    assert db_state() == before
    page = client.get(link)
    assert page.context["source"] == region.other_school
    assert teacher.pk in page.context["ticked"]
    assert teacher.pk in {cabinet.pk for cabinet in page.context["page"]}


def namesake_of(member):
    person = member.person
    return {
        "last_name": person.last_name.upper(),
        "first_name": person.first_name,
        "middle_name": person.middle_name,
        "birth_date": person.birth_date.strftime("%d.%m.%Y"),
        "snils": "",
    }


def test_namesake_is_refused_then_imported_instead_sharing_person_and_login(client, region):
    teacher = region.members["teacher"]
    region.login(client, "other_school_admin")
    before = db_state()
    data = add_data(region, login="second.card", **namesake_of(teacher))
    response = client.post(add_url(region.other_school), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="possible-duplicate"' in html
    assert "Школа № 1" in html
    assert 'name="confirm_namesake"' in html
    duplicate = response.context["duplicate"]
    assert duplicate["import_cabinet"].pk == teacher.pk
    assert db_state() == before

    response = client.post(
        import_url(region.other_school),
        {"source": duplicate["source_key"], "members": [teacher.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == list_url(region.other_school)
    imported = Membership.objects.get(organization=region.other_school, person=teacher.person)
    assert imported.person_id == teacher.person_id
    assert Account.objects.filter(person=teacher.person).count() == 1
    assert Person.objects.count() == len(before["people"])
    assert not Account.objects.filter(login="second.card").exists()
    assert AuditEntry.objects.filter(action="identity.staff_imported", target_id=imported.pk)


def test_namesake_confirmed_as_a_different_person_is_created(client, region):
    teacher = region.members["teacher"]
    region.login(client, "admin")
    data = add_data(region, login="namesake", confirm_namesake="on", **namesake_of(teacher))
    data["last_name"] = teacher.person.last_name
    response = client.post(add_url(region.other_school), data)
    assert response.status_code == 404  # another school's add page is not the admin's
    response = client.post(add_url(region.school), data)
    assert response.status_code == 302
    created = Account.objects.get(login="namesake").person
    assert created.pk != teacher.person_id


def test_authority_add_form_offers_authority_roles_and_no_subjects(client, region):
    region.login(client, "municipal_admin")
    form = client.get(add_url(region.north)).context["form"]
    assert ("operator", "Оператор") in [
        (c, str(label)) for c, label in form.fields["roles"].choices
    ]
    assert "subjects" not in form.fields
    data = add_data(region, login="uo.staff", roles=["staff"])
    data.pop("subjects")
    assert client.post(add_url(region.north), data).status_code == 302
    membership = Membership.objects.get(person__account__login="uo.staff")
    assert membership.authority_id == region.north.pk
    assert membership.role_codes == ["staff"]


# The card -------------------------------------------------------------------------------------


def test_admin_edits_the_card_and_roles(client, region):
    teacher = region.members["teacher"]
    region.login(client, "admin")
    data = card_data(
        teacher,
        position="Учитель физики",
        roles=[OrgRole.TEACHER, OrgRole.DEPUTY_HEAD],
        subjects=[region.subjects["Физика"].pk],
        phone="+7 900 000-00-00",
    )
    response = client.post(card_url(teacher), data)
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.position == "Учитель физики"
    assert teacher.role_codes == [OrgRole.DEPUTY_HEAD, OrgRole.TEACHER]
    assert [s.name for s in teacher.subjects.all()] == ["Физика"]
    assert teacher.person.phone == "+7 900 000-00-00"
    assert AuditEntry.objects.filter(action="identity.staff_updated", target_id=teacher.pk)


def test_card_errors_are_shown_on_the_fields(client, region):
    teacher = region.members["teacher"]
    region.login(client, "admin")
    before = db_state()
    response = client.post(card_url(teacher), card_data(teacher, birth_date="01.01.2099"))
    assert response.status_code == 200
    assert "birth_date" in response.context["form"].errors
    taken = region.members["hr"].person.snils
    response = client.post(card_url(teacher), card_data(teacher, snils=taken))
    assert "snils" in response.context["form"].errors
    assert db_state()["people"] == before["people"]


def test_nobody_edits_their_own_roles(client, region):
    admin = region.login(client, "admin")
    response = client.get(card_url(admin))
    assert "roles" not in response.context["form"].fields
    assert response.context["can_archive"] is False
    assert response.context["can_delete"] is False
    client.post(card_url(admin), card_data(admin, roles=[OrgRole.TEACHER]))
    assert Membership.objects.get(pk=admin.pk).role_codes == [OrgRole.ADMIN]


def test_hr_edits_the_card_but_not_the_roles(client, region):
    teacher = region.members["teacher"]
    region.login(client, "hr")
    response = client.get(card_url(teacher))
    assert "roles" not in response.context["form"].fields
    data = card_data(teacher, position="Педагог", roles=[OrgRole.ADMIN])
    assert client.post(card_url(teacher), data).status_code == 302
    teacher.refresh_from_db()
    assert teacher.position == "Педагог"
    assert teacher.role_codes == [OrgRole.TEACHER]


def test_admin_corrects_the_login(client, region):
    teacher = region.members["teacher"]
    region.login(client, "admin")
    response = client.post(card_url(teacher), {"form": "login", "login": " Teacher.New "})
    assert response.status_code == 302
    assert region.account("teacher").login == "teacher.new"
    response = client.post(card_url(teacher), {"form": "login", "login": "admin"})
    assert "login" in response.context["login_form"].errors
    assert region.account("teacher").login == "teacher.new"


def test_card_lists_the_persons_other_cabinets(client, region):
    teacher = region.members["other_school_teacher"]
    region.login(client, "admin")
    client.post(
        import_url(region.school),
        {"source": f"org-{region.other_school.pk}", "members": [teacher.pk]},
    )
    imported = Membership.objects.get(organization=region.school, person=teacher.person)
    html = client.get(card_url(imported)).content.decode()
    assert 'data-testid="other-cabinets"' in html
    assert "Школа № 2" in html


def set_passport(member):
    Person.objects.filter(pk=member.person_id).update(
        passport_series="4510", passport_number="123456", passport_issued_by="ОВД"
    )


@pytest.mark.parametrize("persona", ["admin", "secretary", "director", "municipal_admin"])
def test_personal_data_in_full_is_logged(client, region, persona):
    teacher = region.members["teacher"]
    set_passport(teacher)
    region.login(client, persona)
    html = client.get(card_url(teacher)).content.decode()
    assert teacher.person.snils_display in html or teacher.person.snils in html
    assert "123456" in html
    entry = AuditEntry.objects.get(action="identity.personal_data_viewed")
    assert entry.target_type == "identity.Person"
    assert entry.target_id == teacher.person_id
    assert entry.organization_id == region.school.pk


@pytest.mark.parametrize("persona", ["deputy_head", "municipal_head"])
def test_personal_data_is_masked_for_roles_without_the_right(client, region, persona):
    teacher = region.members["teacher"]
    set_passport(teacher)
    region.login(client, persona)
    response = client.get(card_url(teacher))
    html = response.content.decode()
    assert response.context["form"] is None
    assert teacher.person.snils_masked in html
    assert teacher.person.snils_display not in html
    assert teacher.person.snils not in html
    assert "123456" not in html
    assert not AuditEntry.objects.filter(action="identity.personal_data_viewed").exists()


def test_read_only_card_has_no_action_buttons(client, region):
    deputy = region.login(client, "deputy_head")
    response = client.get(card_url(region.members["teacher"]))
    html = response.content.decode()
    assert response.context["membership"].pk == deputy.pk  # the header shows the viewer
    assert response.context["staff"].pk == region.members["teacher"].pk
    assert 'data-testid="staff-card-readonly"' in html
    assert password_url(region.members["teacher"]) not in html
    assert delete_url(region.members["teacher"]) not in html
    assert 'data-testid="archive"' not in html


# Password, archive, delete -------------------------------------------------------------------


def test_admin_sets_a_password_that_must_be_changed_at_first_login(client, region):
    teacher = region.members["teacher"]
    region.login(client, "admin")
    form = client.get(password_url(teacher)).context["form"]
    assert form["must_change_password"].value() is True
    data = {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD, "must_change_password": "on"}
    response = client.post(password_url(teacher), data, follow=True)
    assert response.redirect_chain[-1][0] == card_url(teacher)
    assert any("teacher" in str(message) for message in response.context["messages"])
    account = region.account("teacher")
    assert account.must_change_password
    assert account.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="identity.password_set", target_id=account.pk).exists()


@pytest.mark.parametrize(
    ("password", "again", "field"),
    [
        ("12345678", "12345678", "password"),
        ("short", "short", "password"),
        ("A-b-c-1234", "x", "password_again"),
    ],
)
def test_weak_or_mistyped_password_is_refused(client, region, password, again, field):
    teacher = region.members["teacher"]
    region.login(client, "admin")
    response = client.post(password_url(teacher), {"password": password, "password_again": again})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert region.account("teacher").check_password(PASSWORD)


def test_archive_and_restore(client, region):
    teacher = region.members["teacher"]
    region.login(client, "admin")
    response = client.post(archive_url(teacher), {"archived": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == card_url(teacher)
    assert Membership.objects.get(pk=teacher.pk).is_archived
    assert 'data-testid="restore"' in response.content.decode()
    archived = client.get(list_url(region.school), {"archived": "1"}).context["page"]
    assert [member.pk for member in archived] == [teacher.pk]
    client.post(archive_url(teacher), {"archived": "0"})
    assert not Membership.objects.get(pk=teacher.pk).is_archived
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"identity.staff_archived", "identity.staff_restored"} <= actions


def test_archive_needs_post(client, region):
    region.login(client, "admin")
    assert client.get(archive_url(region.members["teacher"])).status_code == 405


def test_director_cannot_be_archived(client, region):
    director = region.members["director"]
    region.login(client, "admin")
    response = client.post(archive_url(director), {"archived": "1"}, follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any(message.startswith("Это руководитель ОО") for message in messages)
    assert not Membership.objects.get(pk=director.pk).is_archived


def test_delete_of_the_director_is_blocked_with_the_reason(client, region):
    director = region.members["director"]
    region.login(client, "admin")
    page = client.get(delete_url(director))
    assert page.context["blockers"]
    assert 'data-testid="delete-blocked"' in page.content.decode()
    before = db_state()
    response = client.post(delete_url(director))
    assert response.status_code == 200
    assert response.context["errors"]
    assert db_state()["memberships"] == before["memberships"]


def test_delete_of_a_teacher_with_subjects_is_blocked_and_offers_the_archive(client, region):
    teacher = region.members["teacher"]
    teacher.subjects.set([region.subjects["История"]])
    region.login(client, "admin")
    page = client.get(delete_url(teacher))
    html = page.content.decode()
    assert "История" in html
    assert 'data-testid="archive-instead"' in html
    client.post(delete_url(teacher))
    assert Membership.objects.filter(pk=teacher.pk).exists()


def test_delete_of_a_card_made_by_mistake_removes_person_and_login(client, region):
    mistake = new_staff(region.school, "mistake")
    region.login(client, "admin")
    page = client.get(delete_url(mistake))
    assert 'data-testid="delete-confirm"' in page.content.decode()
    response = client.post(delete_url(mistake))
    assert response.status_code == 302
    assert response["Location"] == list_url(region.school)
    assert not Membership.objects.filter(pk=mistake.pk).exists()
    assert not Person.objects.filter(pk=mistake.person_id).exists()
    assert not Account.objects.filter(login="mistake").exists()
    assert AuditEntry.objects.filter(action="identity.staff_deleted", target_id=mistake.pk)


def test_delete_keeps_a_person_who_works_elsewhere(client, region):
    source = region.members["other_school_teacher"]
    region.login(client, "admin")
    client.post(
        import_url(region.school),
        {"source": f"org-{region.other_school.pk}", "members": [source.pk]},
    )
    imported = Membership.objects.get(organization=region.school, person=source.person)
    assert client.post(delete_url(imported)).status_code == 302
    assert not Membership.objects.filter(pk=imported.pk).exists()
    assert Account.objects.filter(person=source.person).exists()
    assert Membership.objects.filter(pk=source.pk).exists()


def test_nobody_deletes_their_own_card(client, region):
    admin = region.login(client, "admin")
    assert client.post(delete_url(admin)).status_code == 403
    assert Membership.objects.filter(pk=admin.pk).exists()


# Import from another organisation -------------------------------------------------------------


def test_import_lists_any_organisation_of_the_region_by_kind(client, region):
    region.login(client, "admin")
    page = client.get(import_url(region.school))
    choices = dict(page.context["form"].fields["source"].choices)
    assert f"org-{region.other_school.pk}" in choices
    assert f"org-{region.south_school.pk}" in choices  # another municipality: seed 000 allows it
    assert f"org-{region.school.pk}" not in choices
    kinds = dict(page.context["form"].fields["kind"].choices)
    assert "authority" not in kinds
    authorities = client.get(import_url(region.school), {"kind": "authority"})
    assert dict(authorities.context["form"].fields["source"].choices).keys() == {""}
    refused = client.post(
        import_url(region.school),
        {
            "source": f"authority-{region.north.pk}",
            "members": [region.members["municipal_staff"].pk],
        },
    )
    assert refused.status_code == 404


def test_authority_imports_from_authorities_and_organisations(client, region):
    region.login(client, "municipal_admin")
    page = client.get(import_url(region.north))
    assert page.context["form"]["kind"].value() == "authority"
    sources = dict(page.context["form"].fields["source"].choices)
    assert f"authority-{region.south.pk}" in sources
    assert f"authority-{region.ministry.pk}" in sources
    assert f"authority-{region.north.pk}" not in sources
    schools = client.get(import_url(region.north), {"kind": "school"})
    assert f"org-{region.school.pk}" in dict(schools.context["form"].fields["source"].choices)


def test_import_lists_the_source_staff_and_attaches_the_chosen_keeping_the_login(client, region):
    source = region.members["other_school_teacher"]
    other_admin = region.members["other_school_admin"]
    region.login(client, "admin")
    query = {"kind": "school", "source": f"org-{region.other_school.pk}"}
    page = client.get(import_url(region.school), query)
    listed = {cabinet.pk for cabinet in page.context["page"]}
    assert {source.pk, other_admin.pk} <= listed
    searched = client.get(import_url(region.school), {**query, "q": source.person.last_name})
    assert other_admin.pk not in {cabinet.pk for cabinet in searched.context["page"]} or (
        other_admin.person.last_name == source.person.last_name
    )
    accounts = Account.objects.count()
    response = client.post(
        import_url(region.school),
        {"source": query["source"], "members": [source.pk, other_admin.pk]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == list_url(region.school)
    assert any("2" in str(message) for message in response.context["messages"])
    assert (
        Membership.objects.filter(
            organization=region.school, person_id__in=[source.person_id, other_admin.person_id]
        ).count()
        == 2
    )
    assert Account.objects.count() == accounts
    again = client.get(import_url(region.school), query)
    assert source.pk not in {cabinet.pk for cabinet in again.context["page"]}


def test_import_refreshes_with_htmx_as_a_fragment(client, region):
    region.login(client, "admin")
    response = client.get(
        import_url(region.school),
        {"kind": "school", "source": f"org-{region.other_school.pk}"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-testid="import-list"' in html
    assert response["Vary"].endswith("HX-Request") or "HX-Request" in response["Vary"]


def test_import_ignores_rows_that_are_not_from_the_chosen_source(client, region):
    region.login(client, "admin")
    stranger = region.members["south_admin"]
    before = db_state()
    response = client.post(
        import_url(region.school),
        {"source": f"org-{region.other_school.pk}", "members": [stranger.pk]},
    )
    assert response.status_code == 302
    assert db_state() == before


def test_import_into_an_authority_from_another_authority(client, region):
    head = region.members["south_admin"]
    region.login(client, "municipal_admin")
    page = client.get(
        import_url(region.north), {"kind": "authority", "source": f"authority-{region.south.pk}"}
    )
    assert head.pk in {cabinet.pk for cabinet in page.context["page"]}
    client.post(
        import_url(region.north), {"source": f"authority-{region.south.pk}", "members": [head.pk]}
    )
    assert Membership.objects.filter(authority=region.north, person=head.person).exists()
