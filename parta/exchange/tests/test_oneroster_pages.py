"""The OneRoster page: who may use it, the download, an upload's check and its application."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.core.testing.personas import STAFF_PERSONAS
from parta.exchange.models import ImportRun
from parta.exchange.tests.test_oneroster_import import hand_files, zipped
from parta.exchange.tests.test_oneroster_round_trip import roster_state
from parta.students.models import Student

ALL_PERSONAS = [*STAFF_PERSONAS, "student", "parent"]
EXCHANGERS = {"secretary", "hr", "admin"}
#: Школа № 2's administrator works with their own school, which has no academic year.
OWN_SCHOOL_ONLY = "other_school_admin"


def upload(client, content: bytes):
    return client.post(
        reverse("exchange:oneroster-upload"),
        {"file": SimpleUploadedFile("roster.zip", content, content_type="application/zip")},
    )


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_page_and_export_are_for_the_schools_card_keepers(client, region, school, persona):
    region.login(client, persona)
    expected = 200 if persona in EXCHANGERS else 404

    page = client.get(reverse("exchange:oneroster"))
    download = client.get(reverse("exchange:oneroster-export"))

    if persona == OWN_SCHOOL_ONLY:
        assert page.status_code == 200 and b'data-testid="no-year"' in page.content
        assert download.status_code == 302
        return
    assert page.status_code == expected
    assert download.status_code == expected
    if expected == 200:
        assert b'data-testid="oneroster-upload"' in page.content
        assert download["Content-Type"] == "application/zip"


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_upload_and_apply_are_for_the_schools_card_keepers(client, region, school, persona):
    region.login(client, persona)
    before = roster_state(region.school)

    response = upload(client, zipped(hand_files()))

    if persona == OWN_SCHOOL_ONLY:
        run = ImportRun.objects.get()
        assert (run.organization, run.status) == (region.other_school, ImportRun.Status.REFUSED)
        assert roster_state(region.school) == before
        return
    if persona not in EXCHANGERS:
        assert response.status_code == 404
        assert not ImportRun.objects.exists()
        return
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.status == ImportRun.Status.CHECKED
    assert roster_state(region.school) == before
    applied = client.post(reverse("exchange:oneroster-apply", args=[run.pk]))
    run.refresh_from_db()
    assert applied.status_code == 302 and run.status == ImportRun.Status.APPLIED
    assert Student.objects.filter(person__last_name="Дмитриев").exists()


def test_other_schools_admin_cannot_open_or_apply_an_upload(client, region, school):
    region.login(client, "secretary")
    upload(client, zipped(hand_files()))
    run = ImportRun.objects.get()
    region.login(client, "other_school_admin")

    assert client.get(reverse("exchange:oneroster-run", args=[run.pk])).status_code == 404
    assert client.post(reverse("exchange:oneroster-apply", args=[run.pk])).status_code == 404
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED


def test_a_bad_upload_shows_its_diagnostics_and_writes_nothing(client, region, school):
    region.login(client, "secretary")
    files = hand_files()
    del files["users.csv"]
    before = roster_state(region.school)

    response = upload(client, zipped(files))
    page = client.get(response["Location"])

    assert ImportRun.objects.get().status == ImportRun.Status.REFUSED
    assert b'data-code="missing_file"' in page.content
    assert b'data-testid="run-apply"' not in page.content
    assert roster_state(region.school) == before


def test_the_checked_upload_page_lists_the_changes_with_the_apply_button(client, region, school):
    region.login(client, "secretary")

    page = client.get(upload(client, zipped(hand_files()))["Location"])

    assert b'data-kind="student_created"' in page.content
    assert b'data-testid="run-apply"' in page.content


def test_the_page_costs_the_same_for_few_and_many_uploads(client, region, school):
    region.login(client, "secretary")
    url = reverse("exchange:oneroster")
    upload(client, zipped(hand_files()))
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _number in range(5):
        upload(client, b"not a zip")
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)
