import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from parta.core.models import AuditEntry
from parta.core.testing.personas import login_member
from parta.oidc.models import Client, SignIn
from parta.oidc.services import (
    delete_client,
    parse_redirect_uris,
    register_client,
    replace_secret,
    set_client_active,
    update_client,
)

from .flow import exchange, sign_in


def test_redirect_uris_are_kept_in_order_once_each_and_loopback_may_use_http():
    text = (
        "  https://lms.example.org/cb \n\nhttp://localhost:8080/cb\n"
        "http://[::1]/cb\nhttps://lms.example.org/cb\nhttps://lms.example.org/cb?tenant=1"
    )
    assert parse_redirect_uris(text) == [
        "https://lms.example.org/cb",
        "http://localhost:8080/cb",
        "http://[::1]/cb",
        "https://lms.example.org/cb?tenant=1",
    ]


def test_a_redirect_uri_message_names_the_address():
    with pytest.raises(ValidationError) as raised:
        parse_redirect_uris("http://lms.example.org/cb")
    assert "http://lms.example.org/cb" in raised.value.messages[0]


def test_the_services_refuse_anyone_but_the_regional_administrator(region, lms):
    municipal_admin = region.member("municipal_admin")
    before = list(Client.objects.values()), AuditEntry.objects.count()
    calls = [
        lambda: register_client(
            actor=municipal_admin,
            name="X",
            redirect_uris="https://x.example.org/cb",
            client_type=Client.CLIENT_PUBLIC,
            skip_authorization=False,
        ),
        lambda: update_client(
            actor=municipal_admin,
            client=lms,
            name="X",
            redirect_uris="https://x.example.org/cb",
            skip_authorization=True,
        ),
        lambda: set_client_active(actor=municipal_admin, client=lms, active=False),
        lambda: replace_secret(actor=municipal_admin, client=lms),
        lambda: delete_client(actor=municipal_admin, client=lms),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert (list(Client.objects.values()), AuditEntry.objects.count()) == before


def test_switching_off_revokes_every_token_and_counts_them(client, region, regional_admin, lms):
    login_member(client, region.member("teacher"))
    for _ in range(2):
        code, verifier = sign_in(client, lms)
        assert exchange(lms, code, verifier).status_code == 200
    set_client_active(actor=regional_admin, client=lms, active=False)
    assert not get_access_token_model().objects.exists()
    assert not get_refresh_token_model().objects.exists()
    entry = AuditEntry.objects.get(action="oidc.client_deactivated")
    assert entry.after == {"is_active": False, "tokens_revoked": 4}


def test_deleting_a_client_deletes_its_sign_ins(client, region, regional_admin, lms):
    login_member(client, region.member("teacher"))
    code, verifier = sign_in(client, lms)
    exchange(lms, code, verifier)
    assert SignIn.objects.filter(client=lms).exists()
    delete_client(actor=regional_admin, client=lms)
    assert not SignIn.objects.exists()
    assert not get_access_token_model().objects.exists()


def test_a_new_sign_in_clears_the_finished_ones_of_its_cabinet(client, region, lms):
    teacher = region.member("teacher")
    login_member(client, teacher)
    sign_in(client, lms)
    SignIn.objects.update(grant=None)  # as if the code had expired and been cleared away
    sign_in(client, lms)
    assert SignIn.objects.filter(membership=teacher).count() == 1
