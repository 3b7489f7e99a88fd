"""«Контроль кампании»: ДПО staff see the directors and the assessed teachers who have not acted
yet, remind them, and export the lists; who may open it; fixed query counts."""

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parta.core.models import AuditEntry
from parta.dpo import services
from parta.dpo.models import Notification, Reminder
from parta.dpo.selectors import control
from parta.dpo.tests.builders import assess, competency
from parta.dpo.tests.conftest import _add, _cohort
from parta.dpo.tests.test_application_pages import errors, login, successes

CONTROL = reverse("dpo:control")
#: The fixture's groups «open» and «small» share their deadlines: one campaign.
OPEN_CAMPAIGN = "2026-11-30_2026-12-04"


@pytest.fixture
def other_campaign_group(campaign):
    """A group open now whose deadlines are not those of the «open» campaign."""
    return _cohort(
        campaign.programme, "Группа 5", date(2026, 11, 1), date(2026, 12, 1), date(2026, 12, 5)
    )


@pytest.fixture
def literacy(db):
    return competency("literacy", "Функциональная грамотность")


def page(client, **params):
    response = client.get(CONTROL, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status", "export"),
    [
        ("dpo_staff", 200, 200),
        # A region whose programmes have no groups: nothing to export.
        ("far_dpo_staff", 200, 404),
        ("teacher", 404, 404),
        ("director", 404, 404),
        ("other_director", 404, 404),
        ("admin", 404, 404),
        ("student", 404, 404),
        ("parent", 404, 404),
    ],
)
def test_only_dpo_staff_open_the_control(client, campaign, school, persona, status, export):
    campaign.apply("teacher")
    login(client, campaign, persona)
    assert client.get(CONTROL).status_code == status
    assert client.get(reverse("dpo:control-export")).status_code == export
    remind = client.post(reverse("dpo:control-remind"), {"campaign": OPEN_CAMPAIGN})
    assert remind.status_code == (302 if export == 200 else 404)
    assert Reminder.objects.exists() == (export == 200)


def test_campaigns_are_the_regions_groups_sharing_deadlines(campaign):
    found = control.campaigns(campaign.member("dpo_staff"))
    assert [(item.key, item.groups) for item in found] == [
        ("2026-12-10_2026-12-15", 1),
        (OPEN_CAMPAIGN, 2),
        ("2026-11-20_2026-11-24", 1),
    ]
    assert control.current_campaign(found, "").key == OPEN_CAMPAIGN
    assert control.current_campaign(found, "2026-11-20_2026-11-24").key.startswith("2026-11-20")
    assert control.campaigns(campaign.member("far_dpo_staff")) == []


def test_a_staff_member_of_another_region_sees_no_campaign(client, campaign):
    campaign.apply("teacher")
    login(client, campaign, "far_dpo_staff")
    assert 'data-testid="no-campaigns"' in page(client)


def test_schools_with_unprocessed_applications_are_listed_with_their_director(
    client, campaign, region, other_campaign_group
):
    mine = campaign.apply("teacher")
    campaign.apply("teacher_2", cohort="small")
    campaign.apply("other_school_teacher")
    # Another campaign's application counts elsewhere.
    services.apply(actor=campaign.member("teacher"), cohort=other_campaign_group)
    login(client, campaign, "dpo_staff")
    content = page(client)
    assert f'data-testid="pending-school-{region.school.pk}"' in content
    assert region.member("director").person.full_name in content
    assert f'data-testid="pending-school-{region.other_school.pk}"' in content
    assert 'data-testid="count-new">3<' in content
    services.approve(actor=campaign.member("director"), application=mine)
    content = page(client)
    assert 'data-testid="count-new">2<' in content
    assert 'data-testid="count-approved">1<' in content


def test_a_school_without_a_director_is_flagged(client, campaign, region):
    other_director = campaign.members["other_director"]
    other_director.is_director = False
    other_director.save(update_fields=["is_director"])
    campaign.apply("other_school_teacher")
    login(client, campaign, "dpo_staff")
    assert f'data-testid="no-director-{region.other_school.pk}"' in page(client)


def test_assessed_teachers_with_deficits_who_have_not_applied(
    client, campaign, region, literacy, other_campaign_group
):
    teacher, teacher_2 = campaign.member("teacher"), campaign.member("teacher_2")
    passed = region.member("deputy_head")
    for member, deficit in ((teacher, True), (teacher_2, True), (passed, False)):
        assess(member.person_id, literacy, deficit=deficit)
    login(client, campaign, "dpo_staff")
    content = page(client, view="teachers")
    assert f'data-testid="pending-teacher-{teacher.pk}"' in content
    assert f'data-testid="pending-teacher-{teacher_2.pk}"' in content
    assert f'data-testid="pending-teacher-{passed.pk}"' not in content
    application = campaign.apply("teacher")
    # An application to another campaign's group does not count for this one.
    services.apply(actor=teacher_2, cohort=other_campaign_group)
    content = page(client, view="teachers")
    assert f'data-testid="pending-teacher-{teacher.pk}"' not in content
    assert f'data-testid="pending-teacher-{teacher_2.pk}"' in content
    services.cancel(actor=campaign.member("teacher"), application=application)
    assert f'data-testid="pending-teacher-{teacher.pk}"' in page(client, view="teachers")


def test_the_control_page_costs_the_same_queries_whatever_the_numbers(
    client, campaign, region, literacy
):
    login(client, campaign, "dpo_staff")

    def counted(view):
        with CaptureQueriesContext(connection) as captured:
            page(client, view=view)
        return len(captured)

    campaign.apply("teacher")
    assess(campaign.member("teacher_2").person_id, literacy, deficit=True)
    few = {view: counted(view) for view in ("directors", "teachers")}
    for number in range(10, 16):
        unit = region.school if number % 2 else region.other_school
        member = _add(unit, f"Учитель{number}", number)
        assess(member.person_id, literacy, deficit=True)
        if number % 3:
            services.apply(actor=member.acting_as("teacher"), cohort=campaign.cohorts["small"])
    assert {view: counted(view) for view in ("directors", "teachers")} == few


def test_reminders_reach_directors_and_teachers_who_have_not_acted(
    client, campaign, region, literacy, mailoutbox, django_capture_on_commit_callbacks
):
    campaign.apply("teacher")
    campaign.apply("other_school_teacher")
    assess(campaign.member("teacher").person_id, literacy, deficit=True)
    assess(campaign.member("teacher_2").person_id, literacy, deficit=True)
    login(client, campaign, "dpo_staff")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dpo:control-remind"), {"campaign": OPEN_CAMPAIGN})
    assert response.status_code == 302 and successes(response)
    reminded = {
        notice.person_id: notice.text
        for notice in Notification.objects.filter(text__startswith="Напоминание")
    }
    director = region.member("director").person
    assert "1 заявка" in reminded[director.pk] and "04.12.2026" in reminded[director.pk]
    assert campaign.member("other_director").person_id in reminded
    teacher_2 = campaign.member("teacher_2").person
    assert "30.11.2026" in reminded[teacher_2.pk]
    # The teacher has applied: not reminded to apply.
    assert campaign.member("teacher").person_id not in reminded
    assert ["head@example.org"] in [message.to for message in mailoutbox]
    reminder = Reminder.objects.get()
    assert (reminder.directors, reminder.teachers) == (2, 1)
    entry = AuditEntry.objects.get(action="dpo.reminders_sent")
    assert entry.after == {"directors": 2, "teachers": 1}
    assert 'data-testid="last-reminder"' in page(client)


def test_after_the_teachers_deadline_only_directors_are_reminded(
    campaign, region, literacy, today, monkeypatch
):
    campaign.apply("teacher")
    assess(campaign.member("teacher_2").person_id, literacy, deficit=True)
    monkeypatch.setattr("parta.core.calendar.today", lambda: date(2026, 12, 2))
    staff = campaign.member("dpo_staff")
    chosen = control.current_campaign(control.campaigns(staff), OPEN_CAMPAIGN)
    reminder = services.send_reminders(actor=staff, campaign=chosen)
    assert (reminder.directors, reminder.teachers) == (1, 0)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("2026-11-20_2026-11-24", "Кампания завершена"),
        (OPEN_CAMPAIGN, "Напоминать некому"),
    ],
)
def test_a_reminder_nobody_needs_is_refused_and_writes_nothing(client, campaign, key, message):
    login(client, campaign, "dpo_staff")
    response = client.post(reverse("dpo:control-remind"), {"campaign": key})
    assert message in " ".join(str(item) for item in errors(response))
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    assert not AuditEntry.objects.filter(action="dpo.reminders_sent").exists()


def test_the_lists_export_to_xlsx(client, campaign, region, literacy):
    campaign.apply("teacher")
    assess(campaign.member("teacher_2").person_id, literacy, deficit=True)
    login(client, campaign, "dpo_staff")

    def rows(view):
        response = client.get(
            reverse("dpo:control-export"), {"campaign": OPEN_CAMPAIGN, "view": view}
        )
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content)).active
        return [row for row in sheet.iter_rows(min_row=6, values_only=True) if any(row)]

    schools = rows("directors")
    assert [(row[0], row[2], row[3]) for row in schools] == [
        (region.school.short_name, region.member("director").person.full_name, 1)
    ]
    teachers = rows("teachers")
    assert [(row[0], row[3]) for row in teachers] == [
        (campaign.member("teacher_2").person.full_name, 1)
    ]
