"""Generated passwords of a class's sheet: hashed at a lower argon2 cost, upgraded at the first
login."""

from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

from parta.identity.models import Account
from parta.identity.services.student_accounts import new_passwords


def argon2_memory(encoded: str) -> int:
    params = encoded.split("$")[3]
    return int(dict(item.split("=") for item in params.split(","))["m"])


def test_a_generated_password_logs_in_and_is_rehashed_at_the_full_cost(client, region, settings):
    # given argon2 as in production and a generated password for the teacher's account
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    account = Account.objects.get(login="teacher")
    [credentials] = new_passwords([account])
    account.refresh_from_db()
    assert identify_hasher(account.password).algorithm == "argon2"
    assert argon2_memory(account.password) == 19_456
    # when the teacher logs in with it
    response = client.post(
        reverse("identity:login"),
        {
            "target": "org",
            "organization": region.school.pk,
            "login": "teacher",
            "password": credentials.password,
        },
    )
    # then the login succeeds, the password must be changed, and the hash has the full cost
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.must_change_password
    assert argon2_memory(account.password) == 102_400
    assert account.check_password(credentials.password)
