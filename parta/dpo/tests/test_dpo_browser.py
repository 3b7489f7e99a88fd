"""Issue 5 in a real browser: a teacher goes from «Оценка компетенций» to a recommended programme
and signs up for its «Предварительная запись»; the director, in the director's role, approves
the application on «Заявки»; ДПО staff include it in the group and the teacher sees it on
«Подробнее». A second teacher cancels their own application with a comment, on a phone.
Screenshots of every step land in var/screenshots/<test name>/."""

import pytest
from django.urls import reverse

from parta.dpo.models import Application
from parta.dpo.tests.builders import assess, competency
from parta.identity.models import DerivedRole
from parta.web.tests.test_browser import PHONE_WIDTH, horizontal_overflow, log_in, log_out

pytestmark = pytest.mark.browser
Status = Application.Status
CAMPAIGN_PASSWORD = "Dpo-password-1"


def status_cell(page, application: Application) -> str:
    cell = page.locator(f"[data-testid=status-{application.pk}]")
    return cell.get_attribute("data-status")


def tick_and_press(page, application: Application, action: str) -> None:
    page.goto(reverse("dpo:applications"))
    page.check(f"input[name=ids][value='{application.pk}']")
    page.click(f"[data-testid=bulk-{action}]")
    page.locator("ul.messages li").first.wait_for()


def test_teacher_applies_director_approves_staff_enrol(
    browser_context, campaign, today, screenshot
):
    region = campaign.region
    cohort = campaign.cohorts["open"]
    literacy = competency("literacy", "Функциональная грамотность")
    campaign.programme.competencies.add(literacy)
    teacher = region.member("teacher")
    assess(teacher.person_id, literacy, deficit=True)
    page = browser_context().new_page()

    # «Оценка компетенций» → «Подробная информация» → the recommended programme → «Записаться».
    log_in(page, region.school, region.account("teacher").login)
    page.goto(reverse("dpo:dashboard"))
    assert page.get_attribute("[data-testid=deficits-count]", "data-count") == "1"
    screenshot(page, "dashboard")
    page.click("[data-testid=details]")
    recommended = page.locator(
        f"[data-testid=recommended] [data-testid=programme-{campaign.programme.pk}]"
    )
    screenshot(page, "recommendations")
    recommended.get_by_role("link").click()
    group = page.locator(f"[data-testid=cohort-{cohort.pk}]")
    assert group.locator("[data-testid=preliminary]").count() == 1
    screenshot(page, "programme")
    group.locator("button[type=submit]").click()
    page.locator("[data-testid=status]").wait_for()
    application = Application.objects.get(applicant=teacher, cohort=cohort)
    assert page.get_attribute("[data-testid=status]", "data-status") == Status.NEW
    assert page.locator("ul.messages li").count() == 1
    screenshot(page, "applied")
    log_out(page)

    # The director enters the director's role and approves the application on «Заявки».
    director = region.member("director")
    log_in(page, region.school, region.account("director").login)
    page.goto(reverse("identity:choose-cabinet"))
    page.click(f"[data-testid=enter-{director.pk}-{DerivedRole.DIRECTOR}]")
    page.wait_for_load_state()
    tick_and_press(page, application, "approve")
    assert page.get_attribute("[data-testid=applications]", "data-mode") == "school"
    assert status_cell(page, application) == Status.APPROVED
    screenshot(page, "approved")
    log_out(page)

    # ДПО staff include the applicant in the group.
    log_in(page, campaign.institute, "dpo.1", CAMPAIGN_PASSWORD)
    tick_and_press(page, application, "enrol")
    assert page.get_attribute("[data-testid=applications]", "data-mode") == "region"
    assert status_cell(page, application) == Status.ENROLLED
    screenshot(page, "enrolled")
    log_out(page)

    # The teacher opens «Подробнее» of the application from «Заявки».
    log_in(page, region.school, region.account("teacher").login)
    page.goto(reverse("dpo:applications"))
    page.locator(f"[data-testid=application-{application.pk}] a").click()
    page.locator("[data-testid=status]").wait_for()
    assert page.get_attribute("[data-testid=status]", "data-status") == Status.ENROLLED
    statuses = page.locator("[data-testid=event]").evaluate_all(
        "items => items.map(item => item.dataset.status)"
    )
    assert statuses == [Status.NEW, Status.APPROVED, Status.ENROLLED]
    screenshot(page, "teacher-sees-enrolled")
    application.refresh_from_db()
    assert application.status == Status.ENROLLED


def test_teacher_cancels_own_application_with_a_comment_on_a_phone(
    browser_context, campaign, today, screenshot
):
    application = campaign.apply("teacher_2")
    page = browser_context(width=PHONE_WIDTH).new_page()
    log_in(page, campaign.region.school, "dpo.3", CAMPAIGN_PASSWORD)
    page.goto(reverse("dpo:application", args=[application.pk]))
    screenshot(page, "application")
    page.fill("#cancel-comment", "Уезжаю в командировку, пойду на курс в следующем году.")
    page.click("[data-testid=action-cancel] button[type=submit]")
    page.locator("[data-testid=cancelled-by]").wait_for()
    assert page.get_attribute("[data-testid=status]", "data-status") == Status.CANCELLED
    comments = page.locator("[data-testid=comment]").all_inner_texts()
    assert len(comments) == 1
    assert "Уезжаю в командировку" in comments[0]
    assert page.locator("[data-testid=actions]").count() == 0
    assert not horizontal_overflow(page)
    screenshot(page, "cancelled")
    application.refresh_from_db()
    assert application.status == Status.CANCELLED
    assert application.cancelled_by_id == campaign.members["teacher_2"].pk
