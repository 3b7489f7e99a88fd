"""«Пригласить сотрудника»: a single-use link by e-mail, valid for 60 days, with an optional СНИЛС
that only the invited person can match."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parta.core.models import AuditEntry
from parta.identity.converters import UnitKey
from parta.identity.models import Account, Invitation, Membership, OrgRole, Person
from parta.identity.services.invitations import token_hash

SNILS = "11223344595"


def invite(client, region, persona="admin", **fields):
    region.login(client, persona)
    data = {
        "last_name": "Новикова",
        "first_name": "Елена",
        "middle_name": "Олеговна",
        "email": "novikova@example.ru",
        "position": "Учитель физики",
        "roles": [OrgRole.TEACHER],
        **fields,
    }
    url = reverse("identity:invitations", args=[UnitKey("org", region.school.pk)])
    return client.post(url, data)


def link_of_last_mail() -> str:
    return re.search(r"http://testserver(/invitation/[^/\s]+/)", mail.outbox[-1].body).group(1)


@pytest.fixture
def sent(client, region, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, region)
    assert response.status_code == 302
    client.logout()
    return link_of_last_mail()


def accept_new(client, link, **fields):
    data = {
        "birth_date": "05.06.1991",
        "snils": "",
        "login": "novikova.eo",
        "password": "Strong-pass-2026",
        "password_again": "Strong-pass-2026",
        **fields,
    }
    return client.post(link, data)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("admin", True),
        ("director", True),
        ("deputy_head", False),
        ("hr", False),
        ("teacher", False),
        ("other_school_admin", False),
    ],
)
def test_who_may_invite(client, region, persona, allowed):
    response = invite(client, region, persona)
    assert (response.status_code == 302) == allowed
    assert Invitation.objects.exists() == allowed
    if not allowed:
        assert response.status_code in (403, 404)


def test_the_letter_carries_a_link_and_only_its_hash_is_stored(sent):
    invitation = Invitation.objects.get()
    token = sent.split("/")[2]
    assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash
    assert len(token) >= 40
    assert mail.outbox[-1].to == ["novikova@example.ru"]
    assert (invitation.expires_at - invitation.sent_at) == timedelta(days=60)
    assert AuditEntry.objects.filter(action="identity.invitation_sent").exists()


def test_bad_input_changes_nothing(client, region):
    response = invite(client, region, email="не почта", snils="123", last_name="")
    errors = response.context["form"].errors
    assert set(errors) >= {"email", "snils", "last_name"}
    assert not Invitation.objects.exists()


def test_a_new_person_accepts_once(client, region, sent):
    response = accept_new(client, sent)
    assert response.status_code == 302
    person = Person.objects.get(last_name="Новикова")
    membership = Membership.objects.get(person=person, organization=region.school)
    assert membership.position == "Учитель физики" and membership.role_codes == [OrgRole.TEACHER]
    assert Account.objects.get(person=person).check_password("Strong-pass-2026")
    assert Invitation.objects.get().accepted_by == person
    client.logout()
    again = client.get(sent)
    assert again.status_code == 410
    assert accept_new(client, sent, login="other").status_code == 410
    assert Person.objects.filter(last_name="Новикова").count() == 1


def test_a_wrong_link_opens_nothing(client, region, sent):
    assert client.get("/invitation/" + "x" * 43 + "/").status_code == 404


def test_an_expired_link_is_refused_and_can_be_sent_again(
    client, region, sent, django_capture_on_commit_callbacks
):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(sent).status_code == 410
    region.login(client, "admin")
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("identity:invitation-resend", args=[invitation.pk]))
    fresh = link_of_last_mail()
    assert fresh != sent
    client.logout()
    assert client.get(sent).status_code == 404
    assert client.get(fresh).status_code == 200


def test_with_a_snils_only_that_person_can_accept(
    client, region, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, region, snils=SNILS)
    client.logout()
    link = link_of_last_mail()
    response = accept_new(client, link, snils="")
    assert "snils" in response.context["form"].errors
    response = accept_new(client, link, snils="12345678964")
    assert "другой" in response.context["error"]
    assert not Person.objects.filter(last_name="Новикова").exists()
    assert accept_new(client, link, snils=SNILS).status_code == 302
    assert Person.objects.get(last_name="Новикова").snils == SNILS


def test_a_namesake_logged_in_cannot_take_a_snils_invitation(
    client, region, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, region, snils=SNILS)
    link = link_of_last_mail()
    region.login(client, "other_school_teacher")
    response = client.post(link)
    assert response.status_code == 200 and response.context["error"]
    assert Invitation.objects.get().accepted_at is None


def test_a_person_already_in_parta_joins_with_the_same_card(
    client, region, django_capture_on_commit_callbacks
):
    teacher = region.member("other_school_teacher").person
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, region, snils=teacher.snils, last_name=teacher.last_name)
    link = link_of_last_mail()
    region.login(client, "other_school_teacher")
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.filter(person=teacher, organization=region.school).exists()
    assert Person.objects.filter(snils=teacher.snils).count() == 1


def test_a_known_person_is_told_to_log_in_instead_of_a_second_card(client, region, sent):
    teacher = region.member("teacher").person
    Invitation.objects.update(
        last_name=teacher.last_name,
        first_name=teacher.first_name,
        middle_name=teacher.middle_name,
    )
    response = accept_new(client, sent, birth_date=teacher.birth_date.strftime("%d.%m.%Y"))
    assert response.status_code == 200 and response.context["error"]
    assert Invitation.objects.get().accepted_at is None


def test_a_revoked_link_stops_working(client, region, sent):
    region.login(client, "admin")
    client.post(reverse("identity:invitation-revoke", args=[Invitation.objects.get().pk]))
    client.logout()
    assert client.get(sent).status_code == 410


def test_acceptance_is_rate_limited(client, region, sent, settings):
    settings.INVITATION_RATE = "3/h"
    codes = [client.get("/invitation/" + "y" * 43 + "/").status_code for _ in range(4)]
    assert codes[:3] == [404, 404, 404] and codes[3] == 429
    assert client.get(sent).status_code == 429


def test_the_list_shows_every_state(client, region, sent):
    Invitation.objects.create(
        organization=region.school,
        last_name="Старая",
        first_name="Анна",
        email="old@example.ru",
        token_hash="0" * 64,
        invited_by=region.member("admin"),
        sent_at=timezone.now() - timedelta(days=61),
        expires_at=timezone.now() - timedelta(days=1),
    )
    region.login(client, "admin")
    page = client.get(reverse("identity:invitations", args=[UnitKey("org", region.school.pk)]))
    text = page.content.decode()
    assert 'data-status="pending"' in text and 'data-status="expired"' in text
    assert timezone.localdate().strftime("%d.%m.%Y") in text


def test_the_list_costs_the_same_queries_for_more_invitations(client, region):
    region.login(client, "admin")
    url = reverse("identity:invitations", args=[UnitKey("org", region.school.pk)])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add(count: int) -> None:
        now = timezone.now()
        Invitation.objects.bulk_create(
            [
                Invitation(
                    organization=region.school,
                    last_name=f"Фамилия{number}",
                    first_name="Имя",
                    email=f"x{number}@example.ru",
                    token_hash=f"{number:064d}",
                    invited_by=region.member("admin"),
                    sent_at=now,
                    expires_at=now + timedelta(days=60),
                    accepted_by=region.member("teacher").person if number % 2 else None,
                    accepted_at=now if number % 2 else None,
                )
                for number in range(count)
            ]
        )

    add(1)
    few = queries()
    Invitation.objects.all().delete()
    add(30)
    assert queries() == few
