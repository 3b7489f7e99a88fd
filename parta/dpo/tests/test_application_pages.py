"""«Записаться», «Заявки» in the three modes with bulk actions, an application's page with its
buttons and comments, and a group's .xlsx export; who may open what."""

from io import BytesIO

import pytest
from django.contrib.messages import constants, get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parta.core.testing.personas import login_member
from parta.dpo import services
from parta.dpo.models import Application, Comment
from parta.dpo.selectors.applications import PAGE_SIZE
from parta.identity.models import OrgRole

Status = Application.Status


def login(client, campaign, name):
    if name == "director_as_teacher":
        member = campaign.region.member("director").acting_as(OrgRole.TEACHER)
    elif name in campaign.members or name in campaign.region.members:
        member = campaign.member(name)
    else:
        return campaign.region.login(client, name)
    return login_member(client, member)


def errors(response):
    return [m for m in get_messages(response.wsgi_request) if m.level == constants.ERROR]


def successes(response):
    return [m for m in get_messages(response.wsgi_request) if m.level == constants.SUCCESS]


def status_of(application):
    application.refresh_from_db()
    return application.status


@pytest.mark.parametrize(
    ("persona", "list_status", "mode", "sees_row", "page_status"),
    [
        ("teacher", 200, "own", True, 200),
        ("director", 200, "school", True, 200),
        ("director_as_teacher", 200, "own", False, 404),
        ("dpo_staff", 200, "region", True, 200),
        ("far_dpo_staff", 200, "region", False, 404),
        ("other_director", 200, "school", False, 404),
        ("teacher_2", 200, "own", False, 404),
        ("student", 404, None, False, 404),
        ("parent", 404, None, False, 404),
    ],
)
def test_page_access(client, campaign, school, persona, list_status, mode, sees_row, page_status):
    application = campaign.apply("teacher")
    login(client, campaign, persona)
    response = client.get(reverse("dpo:applications"))
    assert response.status_code == list_status
    if list_status == 200:
        content = response.content.decode()
        assert f'data-mode="{mode}"' in content
        assert (f'data-testid="application-{application.pk}"' in content) == sees_row
    page = client.get(reverse("dpo:application", args=[application.pk]))
    assert page.status_code == page_status


def test_missing_application_is_404(client, campaign):
    login(client, campaign, "dpo_staff")
    assert client.get(reverse("dpo:application", args=[999_999])).status_code == 404


def test_apply_creates_the_application_and_opens_it(client, campaign):
    login(client, campaign, "teacher")
    cohort = campaign.cohorts["open"]
    response = client.post(reverse("dpo:apply", args=[cohort.pk]))
    created = Application.objects.get(cohort=cohort)
    assert response["Location"] == reverse("dpo:application", args=[created.pk])
    assert created.status == Status.NEW
    assert created.applicant_id == campaign.region.members["teacher"].pk
    assert len(successes(response)) == 1
    assert str(created.pk) in str(successes(response)[0])
    page = client.get(response["Location"]).content.decode()
    assert f'data-status="{Status.NEW}"' in page
    assert 'data-testid="programme-summary"' in page


@pytest.mark.parametrize("cohort", ["open", "closed", "future"])
def test_refused_application_goes_back_to_the_programme_changing_nothing(client, campaign, cohort):
    if cohort == "open":
        campaign.apply("teacher")
    login(client, campaign, "teacher")
    before = Application.objects.count()
    response = client.post(reverse("dpo:apply", args=[campaign.cohorts[cohort].pk]))
    assert response["Location"] == reverse("dpo:programme", args=[campaign.programme.pk])
    assert len(errors(response)) == 1
    assert Application.objects.count() == before


def test_apply_needs_a_post(client, campaign):
    login(client, campaign, "teacher")
    response = client.get(reverse("dpo:apply", args=[campaign.cohorts["open"].pk]))
    assert response.status_code == 405
    assert not Application.objects.exists()


def test_director_approves_in_bulk(client, campaign):
    first, second = campaign.apply("teacher"), campaign.apply("teacher_2")
    login(client, campaign, "director")
    content = client.get(reverse("dpo:applications")).content.decode()
    assert 'data-testid="bulk-approve"' in content
    assert 'data-testid="bulk-enrol"' not in content
    response = client.post(
        reverse("dpo:applications"), {"action": "approve", "ids": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert not errors(response)
    assert status_of(first) == status_of(second) == Status.APPROVED


def test_director_bulk_is_all_or_nothing_and_lists_every_refusal(client, campaign):
    fresh = campaign.apply("teacher")
    cancelled = campaign.application_in(Status.CANCELLED, "teacher_2")
    approved = campaign.application_in(Status.APPROVED, "teacher_2")
    login(client, campaign, "director")
    response = client.post(
        reverse("dpo:applications"),
        {"action": "approve", "ids": [fresh.pk, cancelled.pk, approved.pk]},
    )
    assert len(errors(response)) == 2
    assert status_of(fresh) == Status.NEW
    assert status_of(cancelled) == Status.CANCELLED
    assert status_of(approved) == Status.APPROVED


def test_director_cancels_in_bulk_with_a_comment(client, campaign):
    first = campaign.apply("teacher")
    login(client, campaign, "director")
    client.post(
        reverse("dpo:applications"),
        {"action": "cancel", "ids": [first.pk], "comment": "Нет замены на время курсов"},
    )
    assert status_of(first) == Status.CANCELLED
    assert Comment.objects.get(application=first).text == "Нет замены на время курсов"


def test_bulk_ignores_other_schools_and_refuses_unknown_actions(client, campaign):
    first = campaign.apply("teacher")
    login(client, campaign, "other_director")
    response = client.post(reverse("dpo:applications"), {"action": "approve", "ids": [first.pk]})
    assert len(errors(response)) == 1
    assert status_of(first) == Status.NEW
    login(client, campaign, "teacher")
    response = client.post(reverse("dpo:applications"), {"action": "cancel", "ids": [first.pk]})
    assert response.status_code == 404
    login(client, campaign, "director")
    response = client.post(reverse("dpo:applications"), {"action": "enrol", "ids": [first.pk]})
    assert response.status_code == 404
    assert status_of(first) == Status.NEW


def _approved_in_small_group(campaign):
    rows = [
        services.apply(actor=campaign.member(name), cohort=campaign.cohorts["small"])
        for name in ("teacher", "teacher_2")
    ]
    services.approve_many(actor=campaign.member("director"), applications=rows)
    return rows


def test_dpo_staff_enrol_in_bulk_within_capacity(client, campaign):
    first, second = _approved_in_small_group(campaign)
    fresh = campaign.apply("teacher")
    login(client, campaign, "dpo_staff")
    response = client.post(
        reverse("dpo:applications"), {"action": "enrol", "ids": [first.pk, second.pk, fresh.pk]}
    )
    refusals = errors(response)
    assert len(refusals) == 2  # the group's second place, and the unapproved application
    assert {status_of(first), status_of(second)} == {Status.APPROVED}
    assert status_of(fresh) == Status.NEW
    client.get(reverse("dpo:applications"))  # shows, and so consumes, the refusals
    response = client.post(reverse("dpo:applications"), {"action": "enrol", "ids": [first.pk]})
    assert not errors(response)
    assert status_of(first) == Status.ENROLLED
    small = campaign.cohorts["small"]
    content = client.get(reverse("dpo:applications")).content.decode()
    assert f'data-testid="places-{small.pk}"' in content
    assert f'href="{reverse("dpo:cohort-export", args=[small.pk])}"' in content


def test_dpo_staff_filter_by_group_and_status(client, campaign):
    in_open = campaign.apply("teacher")
    in_small, _ = _approved_in_small_group(campaign)
    login(client, campaign, "dpo_staff")
    url = reverse("dpo:applications")
    by_group = client.get(url, {"cohort": campaign.cohorts["open"].pk}).content.decode()
    assert f'data-testid="application-{in_open.pk}"' in by_group
    assert f'data-testid="application-{in_small.pk}"' not in by_group
    by_status = client.get(url, {"status": Status.APPROVED}).content.decode()
    assert f'data-testid="application-{in_open.pk}"' not in by_status
    assert f'data-testid="application-{in_small.pk}"' in by_status
    assert client.get(url, {"status": "nonsense", "cohort": "x", "page": "y"}).status_code == 200


@pytest.mark.parametrize(
    ("status", "actor", "buttons"),
    [
        (Status.NEW, "teacher", {"cancel"}),
        (Status.NEW, "director", {"approve", "cancel"}),
        (Status.NEW, "dpo_staff", {"cancel"}),
        (Status.APPROVED, "teacher", {"cancel"}),
        (Status.APPROVED, "director", {"cancel"}),
        (Status.APPROVED, "dpo_staff", {"enrol", "cancel"}),
        (Status.ENROLLED, "teacher", set()),
        (Status.ENROLLED, "director", set()),
        (Status.ENROLLED, "dpo_staff", {"cancel"}),
        (Status.CANCELLED, "dpo_staff", set()),
    ],
)
def test_application_page_buttons_per_actor(client, campaign, status, actor, buttons):
    application = campaign.application_in(status)
    login(client, campaign, actor)
    content = client.get(reverse("dpo:application", args=[application.pk])).content.decode()
    shown = {name for name in ("approve", "enrol", "cancel") if f'"action-{name}"' in content}
    assert shown == buttons
    assert 'data-testid="comment-form"' in content


def test_buttons_run_the_services_and_the_history_grows(client, campaign):
    application = campaign.apply("teacher")
    url = reverse("dpo:application", args=[application.pk])
    login(client, campaign, "director")
    assert not errors(client.post(url, {"action": "approve"}))
    login(client, campaign, "dpo_staff")
    assert not errors(client.post(url, {"action": "enrol"}))
    assert status_of(application) == Status.ENROLLED
    content = client.get(url).content.decode()
    assert content.count('data-testid="event"') == 3
    assert f'data-status="{Status.ENROLLED}"' in content


def test_refused_button_changes_nothing(client, campaign):
    application = campaign.apply("teacher")
    url = reverse("dpo:application", args=[application.pk])
    login(client, campaign, "dpo_staff")
    response = client.post(url, {"action": "enrol"})
    assert response["Location"] == url
    assert len(errors(response)) == 1
    assert status_of(application) == Status.NEW
    assert client.post(url, {"action": "nonsense"}).status_code == 404


def test_cancel_with_a_comment_keeps_who_cancelled(client, campaign):
    application = campaign.apply("teacher")
    url = reverse("dpo:application", args=[application.pk])
    member = login(client, campaign, "teacher")
    client.post(url, {"action": "cancel", "comment": "Передумала"})
    application.refresh_from_db()
    assert application.status == Status.CANCELLED
    assert application.cancelled_by_id == member.pk
    content = client.get(url).content.decode()
    assert 'data-testid="cancelled-by"' in content
    assert "Передумала" in content


def test_comment_posting(client, campaign):
    application = campaign.apply("teacher")
    url = reverse("dpo:application", args=[application.pk])
    login(client, campaign, "dpo_staff")
    assert len(errors(client.post(url, {"action": "comment", "text": "   "}))) == 1
    assert not Comment.objects.exists()
    client.get(url)  # shows, and so consumes, the refusal
    assert not errors(client.post(url, {"action": "comment", "text": "Ждём подтверждения"}))
    login(client, campaign, "teacher")
    content = client.get(url).content.decode()
    assert content.count('data-testid="comment"') == 1
    assert "Ждём подтверждения" in content
    login(client, campaign, "other_director")
    assert client.post(url, {"action": "comment", "text": "Чужой"}).status_code == 404
    assert Comment.objects.count() == 1


def test_export_lists_the_group(client, campaign):
    enrolled = campaign.application_in(Status.ENROLLED)
    campaign.application_in(Status.CANCELLED, "teacher_2")
    cohort = campaign.cohorts["open"]
    login(client, campaign, "dpo_staff")
    response = client.get(reverse("dpo:cohort-export", args=[cohort.pk]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    names = [row[0] for row in values]
    teacher = enrolled.applicant
    assert teacher.person.full_name in names
    row = values[names.index(teacher.person.full_name)]
    assert row[1] == enrolled.organization.short_name
    assert row[2] == teacher.position
    assert row[3] == enrolled.get_status_display()
    assert campaign.member("teacher_2").person.full_name not in names  # cancelled
    for persona in ("teacher", "director"):
        login(client, campaign, persona)
        assert client.get(reverse("dpo:cohort-export", args=[cohort.pk])).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _many(campaign, count):
    """`count` applications of the school's teachers, one per group and teacher."""
    cohorts = [campaign.cohorts["open"], campaign.cohorts["small"]]
    teacher_names = ["teacher", "teacher_2", "director", "deputy_head", "secretary", "hr"]
    made = 0
    for name in teacher_names:
        for cohort in cohorts:
            if made < count:
                services.apply(actor=campaign.member(name), cohort=cohort)
                made += 1


@pytest.mark.parametrize("persona", ["teacher", "director", "dpo_staff"])
def test_list_costs_the_same_queries_for_few_and_many(client, campaign, persona):
    _many(campaign, 2)
    login(client, campaign, persona)
    url = reverse("dpo:applications")
    few = _queries(client, url)
    _many_more(campaign)
    assert _queries(client, url) == few


def _many_more(campaign):
    Application.objects.bulk_create(
        Application(
            cohort=campaign.cohorts["future"],
            applicant=campaign.member("teacher"),
            organization=campaign.region.school,
            status=Status.CANCELLED,
        )
        for _ in range(PAGE_SIZE + 10)
    )


def test_application_page_costs_the_same_queries_with_a_long_history(client, campaign):
    application = campaign.apply("teacher")
    login(client, campaign, "dpo_staff")
    url = reverse("dpo:application", args=[application.pk])
    short = _queries(client, url)
    director = campaign.member("director")
    services.approve(actor=director, application=application)
    for index in range(5):
        services.add_comment(actor=director, application=application, text=f"Комментарий {index}")
    assert _queries(client, url) == short
