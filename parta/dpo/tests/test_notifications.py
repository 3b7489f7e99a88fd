"""«Уведомления»: services leave a notice linking to the application; the page lists the person's
notices newest first, paged, unread marked; opening a notice reads it; «Отметить все прочитанными»;
the dashboard's count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.dpo import services
from parta.dpo.models import Application, Notification
from parta.dpo.selectors.notifications import PAGE_SIZE

Status = Application.Status


def notices_of(member):
    return list(Notification.objects.filter(person_id=member.person_id).order_by("id"))


def page_of(client, **params):
    response = client.get(reverse("dpo:notifications"), params)
    assert response.status_code == 200
    return response.content.decode()


def add_notices(member, count, *, start=0):
    Notification.objects.bulk_create(
        [Notification(person_id=member.person_id, text=f"Notice {start + n}") for n in range(count)]
    )


def test_every_notice_of_a_service_links_to_the_application(campaign):
    application = campaign.apply("teacher")
    [to_director] = notices_of(campaign.member("director"))
    services.approve(actor=campaign.member("director"), application=application)
    services.add_comment(actor=campaign.member("dpo_staff"), application=application, text="Ок")
    to_teacher = notices_of(campaign.member("teacher"))
    url = reverse("dpo:application", args=[application.pk])
    assert len(to_teacher) == 2
    assert {notice.url for notice in [to_director, *to_teacher]} == {url}


def test_page_lists_own_notices_newest_first_with_unread_marked(client, campaign):
    application = campaign.application_in(Status.APPROVED)
    services.add_comment(actor=campaign.member("director"), application=application, text="Ок")
    older, newer = notices_of(campaign.member("teacher"))
    older.read_at = older.created_at
    older.save(update_fields=["read_at"])
    others = notices_of(campaign.member("director"))
    campaign.region.login(client, "teacher")
    page = page_of(client)
    assert page.index(f'data-testid="notification-{newer.pk}"') < page.index(
        f'data-testid="notification-{older.pk}"'
    )
    assert f'data-testid="notification-{newer.pk}" data-unread="1"' in page
    assert f'data-testid="notification-{older.pk}" data-unread="0"' in page
    assert f'href="{reverse("dpo:notification-open", args=[newer.pk])}"' in page
    assert others and all(f'notification-{notice.pk}"' not in page for notice in others)


def test_opening_a_notice_marks_it_read_and_opens_its_page(client, campaign):
    application = campaign.application_in(Status.APPROVED)
    (first,) = notices_of(campaign.member("teacher"))
    services.add_comment(actor=campaign.member("director"), application=application, text="Ок")
    campaign.region.login(client, "teacher")
    response = client.get(reverse("dpo:notification-open", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("dpo:application", args=[application.pk])
    first_again, second = notices_of(campaign.member("teacher"))
    assert first_again.read_at is not None and second.read_at is None
    read_at = first_again.read_at
    client.get(reverse("dpo:notification-open", args=[first.pk]))
    first_again.refresh_from_db()
    assert first_again.read_at == read_at


def test_another_persons_notice_cannot_be_opened_or_read(client, campaign):
    campaign.apply("teacher")
    [to_director] = notices_of(campaign.member("director"))
    campaign.region.login(client, "teacher")
    response = client.get(reverse("dpo:notification-open", args=[to_director.pk]))
    assert response.status_code == 404
    to_director.refresh_from_db()
    assert to_director.read_at is None


def test_a_notice_with_an_outside_link_opens_the_notifications(client, campaign):
    member = campaign.region.login(client, "teacher")
    notice = Notification.objects.create(
        person_id=member.person_id, text="Внешняя", url="https://evil.example/"
    )
    response = client.get(reverse("dpo:notification-open", args=[notice.pk]))
    assert response["Location"] == reverse("dpo:notifications")


def test_a_notice_without_url_has_no_link(client, campaign):
    member = campaign.region.login(client, "teacher")
    add_notices(member, 1)
    [notice] = notices_of(member)
    assert f'data-testid="notification-link-{notice.pk}"' not in page_of(client)


def test_read_all_marks_only_own_notices_read(client, campaign):
    teacher = campaign.region.login(client, "teacher")
    director = campaign.member("director")
    add_notices(teacher, 3)
    add_notices(director, 2)
    assert 'data-testid="read-all"' in page_of(client)
    response = client.post(reverse("dpo:notifications-read"))
    assert response.status_code == 302
    assert all(notice.read_at for notice in notices_of(teacher))
    assert not any(notice.read_at for notice in notices_of(director))
    assert 'data-testid="read-all"' not in page_of(client)


def test_read_all_needs_a_post(client, campaign):
    teacher = campaign.region.login(client, "teacher")
    add_notices(teacher, 1)
    assert client.get(reverse("dpo:notifications-read")).status_code == 405
    assert notices_of(teacher)[0].read_at is None


def test_pages_hold_page_size_notices(client, campaign):
    teacher = campaign.region.login(client, "teacher")
    add_notices(teacher, PAGE_SIZE + 5)
    first, second = page_of(client), page_of(client, page=2)
    assert first.count('data-unread="1"') == PAGE_SIZE
    assert second.count('data-unread="1"') == 5


@pytest.mark.parametrize("name", ["municipal_admin", "regional_admin"])
def test_people_outside_an_organisation_get_404(client, campaign, name):
    campaign.region.login(client, name)
    assert client.get(reverse("dpo:notifications")).status_code == 404
    assert client.post(reverse("dpo:notifications-read")).status_code == 404


def queries_of(client):
    with CaptureQueriesContext(connection) as captured:
        page_of(client)
    return len(captured.captured_queries)


def test_page_costs_a_fixed_number_of_queries(client, campaign):
    teacher = campaign.region.login(client, "teacher")
    add_notices(teacher, 3)
    few = queries_of(client)
    add_notices(teacher, PAGE_SIZE * 3, start=3)
    assert queries_of(client) == few


def test_dashboard_links_to_notifications_with_the_unread_count(client, campaign):
    teacher = campaign.region.login(client, "teacher")
    add_notices(teacher, 4)
    Notification.objects.filter(pk=notices_of(teacher)[0].pk).update(read_at="2026-11-25T10:00Z")
    add_notices(campaign.member("director"), 2)
    page = client.get(reverse("dpo:dashboard")).content.decode()
    assert (
        f'href="{reverse("dpo:notifications")}" data-testid="notifications-link" data-unread="3"'
        in page
    )
