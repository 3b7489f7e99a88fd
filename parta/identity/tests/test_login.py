import pytest
from django.urls import reverse

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
