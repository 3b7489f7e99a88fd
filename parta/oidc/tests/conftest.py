import pytest

from parta.core.testing.personas import PASSWORD, SYSTEM, valid_snils
from parta.identity.models import OrgRole
from parta.identity.services.staff import add_staff_member
from parta.oidc.models import Client
from parta.oidc.services import register_client

REDIRECT_URI = "https://lms.example.org/oidc/callback"


@pytest.fixture
def regional_admin(region):
    return region.member("regional_admin")


@pytest.fixture
def lms(regional_admin):
    """A confidential client with the consent screen; `.secret` is its secret in plain text."""
    registered = register_client(
        actor=regional_admin,
        name="LMS",
        redirect_uris=REDIRECT_URI,
        client_type=Client.CLIENT_CONFIDENTIAL,
        skip_authorization=False,
    )
    registered.client.secret = registered.secret
    return registered.client


@pytest.fixture
def math_teacher(region):
    """A teacher of Школа № 1 with a position, two subjects and an e-mail on the card."""
    return add_staff_member(
        actor=SYSTEM,
        unit=region.school,
        person_fields={
            "last_name": "Орлова",
            "first_name": "Анна",
            "middle_name": "Сергеевна",
            "snils": valid_snils(400_000_001),
            "email": "orlova@school1.example.org",
        },
        login="orlova",
        password=PASSWORD,
        must_change_password=False,
        roles=[OrgRole.TEACHER],
        position="Учитель математики и физики",
        subjects=[region.subjects["Математика"], region.subjects["Физика"]],
    ).acting_as(OrgRole.TEACHER)
