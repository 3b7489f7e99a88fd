import pytest
from django.urls import reverse
from django.utils.http import urlencode

from parta.core.testing.personas import PASSWORD


def post_login(client, region, login, password=PASSWORD, unit=None, target="org"):
    unit = unit or region.school
    field = "organization" if target == "org" else "authority"
    return client.post(
        reverse("identity:login"),
        {"target": target, field: unit.pk, "login": login, "password": password},
    )


def test_teacher_logs_in_to_own_school_and_sees_cabinet_and_role(client, region):
    response = post_login(client, region, "teacher")
    assert response.status_code == 302
    page = client.get(reverse("web:home"))
    assert page.status_code == 200
    assert "Школа № 1" in page.content.decode()


@pytest.mark.parametrize(
    ("target", "lands"),
    [
        ("/manage/", "/manage/"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/", "/"),
    ],
)
def test_next_leads_only_to_parta_pages(client, region, target, lands):
    response = client.post(
        reverse("identity:login") + "?" + urlencode({"next": target}),
        {
            "target": "org",
            "organization": region.school.pk,
            "login": "teacher",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302 and response["Location"] == lands


def test_login_is_case_insensitive(client, region):
    assert post_login(client, region, "  TEACHER ").status_code == 302


def test_wrong_password_shows_russian_message_and_stays_anonymous(client, region):
    response = post_login(client, region, "teacher", password="wrong")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_login_into_a_school_without_a_cabinet_is_refused(client, region):
    response = post_login(client, region, "teacher", unit=region.other_school)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_authority_staff_log_in_through_the_authority_tab(client, region):
    response = post_login(client, region, "municipal.head", unit=region.north, target="authority")
    assert response.status_code == 302


def test_repeated_failures_lock_the_login(client, region, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, region, "teacher", password="wrong")
    response = post_login(client, region, "teacher")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", ["web:home", "identity:profile"])
def test_anonymous_is_sent_to_login(client, db, path):
    response = client.get(reverse(path))
    assert response.status_code == 302
    assert reverse("identity:login") in response["Location"]


def test_must_change_password_holds_every_page_until_changed(client, region):
    account = region.account("teacher")
    account.must_change_password = True
    account.save(update_fields=["must_change_password"])
    post_login(client, region, "teacher")
    held = client.get(reverse("identity:profile"))["Location"]
    assert held == reverse("identity:first-password") + "?next=%2Fprofile%2F"
    response = client.post(
        held,
        {
            "old_password": PASSWORD,
            "new_password": "Novyj-parol-2026",
            "new_password_again": "Novyj-parol-2026",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("identity:profile")
    account.refresh_from_db()
    assert not account.must_change_password
    assert account.check_password("Novyj-parol-2026")
    assert client.get(reverse("web:home")).status_code == 200


def test_first_password_change_rejects_weak_password_and_keeps_old(client, region):
    account = region.account("teacher")
    account.must_change_password = True
    account.save(update_fields=["must_change_password"])
    post_login(client, region, "teacher")
    response = client.post(
        reverse("identity:first-password"),
        {"old_password": PASSWORD, "new_password": "12345678", "new_password_again": "12345678"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    account.refresh_from_db()
    assert account.must_change_password
    assert account.check_password(PASSWORD)


def test_person_with_two_roles_switches_role_without_logging_in_again(client, region):
    deputy = region.login(client, "deputy_head")
    home = client.get(reverse("web:home"))
    assert home.context["membership"].active_role == "deputy_head"
    response = client.post(
        reverse("identity:choose-cabinet"), {"membership": deputy.pk, "role": "teacher"}
    )
    assert response.status_code == 302
    assert client.get(reverse("web:home")).context["membership"].active_role == "teacher"


def test_switching_to_a_role_one_does_not_hold_is_refused(client, region):
    teacher = region.login(client, "teacher")
    response = client.post(
        reverse("identity:choose-cabinet"), {"membership": teacher.pk, "role": "admin"}
    )
    assert response.status_code == 404
    assert client.get(reverse("web:home")).context["membership"].active_role == "teacher"


def test_switching_to_someone_elses_cabinet_is_refused(client, region):
    region.login(client, "teacher")
    other = region.members["admin"]
    response = client.post(
        reverse("identity:choose-cabinet"), {"membership": other.pk, "role": "admin"}
    )
    assert response.status_code == 404


def test_logout_ends_the_session(client, region):
    region.login(client, "teacher")
    assert client.post(reverse("identity:logout")).status_code == 302
    assert client.get(reverse("web:home")).status_code == 302


def test_session_ends_with_the_browser_unless_stay_signed_in(client, region, settings):
    post_login(client, region, "teacher")
    assert client.session.get_expire_at_browser_close()
    client.logout()
    client.post(
        reverse("identity:login"),
        {
            "target": "org",
            "organization": region.school.pk,
            "login": "teacher",
            "password": PASSWORD,
            "remember": "on",
        },
    )
    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == settings.SESSION_REMEMBER_SECONDS


def test_organisation_search_on_the_login_page_finds_russian_names_in_any_case(client, region):
    response = client.get(reverse("identity:login-organizations"), {"q": "школа № 2"})
    html = response.content.decode()
    assert "Школа № 2" in html
    assert "Школа № 1" not in html
    assert "<html" not in html


def test_director_enters_as_head_of_the_organisation_by_default(client, region):
    post_login(client, region, "director")
    assert client.get(reverse("web:home")).context["membership"].active_role == "director"


def test_lockout_message_says_for_how_many_minutes_in_russian(client, region, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, region, "teacher", password="wrong")
    response = post_login(client, region, "teacher")
    assert "вход заблокирован на 15 минут." in response.content.decode()


def test_wrong_password_message_is_russian(client, region):
    response = post_login(client, region, "teacher", password="wrong")
    assert "Неверный логин или пароль" in response.content.decode()


def test_authority_tab_lists_the_ministry_first(client, region):
    response = client.get(reverse("identity:login"), {"target": "authority"})
    choices = [str(a) for a in response.context["form"].fields["authority"].queryset]
    assert choices[0] == region.ministry.short_name
