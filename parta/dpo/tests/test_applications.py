"""The application services: they obey the transition table, refuse misuse without changing
anything, keep the history, audit and notify; no sequence of actions reaches an invalid state."""

import itertools
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parta.core.audit import action_label
from parta.core.models import AuditEntry
from parta.core.testing.school import TODAY
from parta.dpo import services, states
from parta.dpo.audit_labels import ACTION_LABELS
from parta.dpo.models import Application, ApplicationEvent, Cohort, Comment, Notification
from parta.dpo.states import Action, ActorKind, Status

SERVICES = {
    Action.APPROVE: services.approve,
    Action.ENROL: services.enrol,
    Action.CANCEL: services.cancel,
}
BULK = {
    Action.APPROVE: services.approve_many,
    Action.ENROL: services.enrol_many,
    Action.CANCEL: services.cancel_many,
}
#: A member of each kind for an application of «teacher» of Школа № 1.
ACTOR_OF_KIND = {
    ActorKind.APPLICANT: "teacher",
    ActorKind.DIRECTOR: "director",
    ActorKind.DPO_STAFF: "dpo_staff",
    ActorKind.NOBODY: "other_school_teacher",
}


def state() -> tuple:
    """Everything a refused action must leave as it was."""
    return (
        list(
            Application.objects.order_by("pk").values_list(
                "pk", "status", "cancelled_by_id", "cancelled_at"
            )
        ),
        ApplicationEvent.objects.count(),
        Comment.objects.count(),
        Notification.objects.count(),
        AuditEntry.objects.count(),
    )


def codes(error: ValidationError) -> list[str]:
    return [item.code for item in error.error_list]


# --- The services obey the table ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind", "action"),
    list(itertools.product(Status, ActorKind, SERVICES)),
)
def test_services_follow_the_table(campaign, status, kind, action):
    application = campaign.application_in(status)
    actor = campaign.member(ACTOR_OF_KIND[kind])
    expected = states.transition(status, kind, action)
    before = state()
    if expected is not None:
        changed = SERVICES[action](actor=actor, application=application)
        application.refresh_from_db()
        assert changed.status == application.status == expected
        event = application.events.last()
        assert (event.from_status, event.to_status, event.actor_id) == (status, expected, actor.pk)
        assert event.actor_role == kind
    elif kind == ActorKind.NOBODY:
        with pytest.raises(PermissionDenied):
            SERVICES[action](actor=actor, application=application)
        assert state() == before
    else:
        with pytest.raises(ValidationError) as refused:
            SERVICES[action](actor=actor, application=application)
        assert refused.value.code == states.refusal_code(status, kind, action)
        assert state() == before


@pytest.mark.parametrize("status", [Status.NEW, Status.APPROVED, Status.ENROLLED])
def test_a_live_application_blocks_a_second_one(campaign, status):
    campaign.application_in(status)
    before = state()
    with pytest.raises(ValidationError) as refused:
        campaign.apply("teacher")
    assert refused.value.code == "already_applied"
    assert state() == before


def test_after_a_cancellation_the_teacher_applies_again(campaign):
    cancelled = campaign.application_in(Status.CANCELLED)
    again = campaign.apply("teacher")
    assert again.pk != cancelled.pk and again.status == Status.NEW
    event = again.events.get()
    assert (event.from_status, event.to_status, event.actor_role) == ("", Status.NEW, "applicant")


def test_apply_creates_a_new_application_of_the_teachers_school(campaign, region):
    application = campaign.apply("teacher")
    assert application.status == Status.NEW
    assert application.organization == region.school
    assert application.applicant_id == region.members["teacher"].pk


# --- Misuse changes nothing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cohort", "code"),
    [("closed", "applications_closed"), ("future", "applications_not_open")],
)
def test_applying_outside_the_window_is_refused(campaign, cohort, code):
    before = state()
    with pytest.raises(ValidationError) as refused:
        campaign.apply("teacher", cohort)
    assert refused.value.code == code
    assert state() == before


def test_applying_to_an_unpublished_programme_is_refused(campaign):
    campaign.programme.is_published = False
    campaign.programme.save()
    with pytest.raises(ValidationError) as refused:
        campaign.apply("teacher")
    assert refused.value.code == "not_published"
    assert not Application.objects.exists()


def test_an_education_authority_member_cannot_apply(campaign):
    with pytest.raises(PermissionDenied):
        campaign.apply("municipal_admin")
    assert not Application.objects.exists()


def test_the_director_approves_until_the_groups_deadline(campaign):
    application = campaign.apply("teacher")
    Cohort.objects.filter(pk=application.cohort_id).update(
        applications_close_on=date(2026, 11, 20), approvals_close_on=TODAY - timedelta(days=1)
    )
    before = state()
    with pytest.raises(ValidationError) as refused:
        services.approve(actor=campaign.member("director"), application=application)
    assert refused.value.code == "approvals_closed"
    assert state() == before
    Cohort.objects.filter(pk=application.cohort_id).update(approvals_close_on=TODAY)
    approved = services.approve(actor=campaign.member("director"), application=application)
    assert approved.status == Status.APPROVED


def test_a_director_of_another_school_cannot_approve(campaign):
    application = campaign.apply("teacher")
    before = state()
    with pytest.raises(ValidationError) as refused:
        services.approve(actor=campaign.member("other_director"), application=application)
    assert refused.value.code == "not_your_school"
    assert state() == before


@pytest.mark.parametrize("member", ["admin", "teacher_2", "far_dpo_staff", "municipal_admin"])
def test_outsiders_are_denied(campaign, member):
    application = campaign.apply("teacher")
    before = state()
    for service in SERVICES.values():
        with pytest.raises(PermissionDenied):
            service(actor=campaign.member(member), application=application)
    with pytest.raises(PermissionDenied):
        services.add_comment(actor=campaign.member(member), application=application, text="Да")
    assert state() == before


def test_enrolling_before_the_approval_is_refused(campaign):
    application = campaign.apply("teacher")
    with pytest.raises(ValidationError) as refused:
        services.enrol(actor=campaign.member("dpo_staff"), application=application)
    assert refused.value.code == "not_approved"
    application.refresh_from_db()
    assert application.status == Status.NEW


def test_enrolling_beyond_the_capacity_is_refused(campaign):
    first = campaign.apply("teacher", "small")
    second = campaign.apply("teacher_2", "small")
    director, staff = campaign.member("director"), campaign.member("dpo_staff")
    services.approve_many(actor=director, applications=[first, second])
    services.enrol(actor=staff, application=first)
    before = state()
    with pytest.raises(ValidationError) as refused:
        services.enrol(actor=staff, application=second)
    assert refused.value.code == "group_full"
    assert state() == before
    services.cancel(actor=staff, application=first, comment="Освободилось место")
    assert services.enrol(actor=staff, application=second).status == Status.ENROLLED


def test_bulk_enrolment_counts_the_places_it_takes(campaign):
    first = campaign.apply("teacher", "small")
    second = campaign.apply("teacher_2", "small")
    services.approve_many(actor=campaign.member("director"), applications=[first, second])
    before = state()
    with pytest.raises(ValidationError) as refused:
        services.enrol_many(actor=campaign.member("dpo_staff"), applications=[first, second])
    assert codes(refused.value) == ["group_full"]
    assert state() == before


def test_acting_on_a_cancelled_application_is_refused(campaign):
    application = campaign.application_in(Status.CANCELLED)
    before = state()
    for member, service in (
        ("director", services.approve),
        ("dpo_staff", services.enrol),
        ("dpo_staff", services.cancel),
    ):
        with pytest.raises(ValidationError) as refused:
            service(actor=campaign.member(member), application=application)
        assert refused.value.code == "cancelled"
    assert state() == before


@pytest.mark.parametrize(
    ("member", "service"),
    [("director", services.enrol), ("teacher", services.approve), ("dpo_staff", services.approve)],
)
def test_a_transition_not_in_the_table_is_refused(campaign, member, service):
    application = campaign.apply("teacher")
    before = state()
    with pytest.raises(ValidationError) as refused:
        service(actor=campaign.member(member), application=application)
    assert refused.value.code == "not_allowed"
    assert state() == before


@pytest.mark.parametrize(
    ("text", "code"), [("   ", "comment_empty"), ("я" * 2001, "comment_too_long")]
)
def test_a_bad_comment_is_refused(campaign, text, code):
    application = campaign.apply("teacher")
    before = state()
    with pytest.raises(ValidationError) as refused:
        services.add_comment(actor=campaign.member("director"), application=application, text=text)
    assert refused.value.code == code
    assert state() == before


def test_a_cancellation_with_a_too_long_comment_is_refused(campaign):
    application = campaign.apply("teacher")
    before = state()
    with pytest.raises(ValidationError) as refused:
        services.cancel(
            actor=campaign.member("teacher"), application=application, comment="я" * 2001
        )
    assert refused.value.code == "comment_too_long"
    assert state() == before


# --- Cancelling, comments, bulk -------------------------------------------------------------------


def test_cancelling_keeps_who_and_when_and_the_comment(campaign, region):
    application = campaign.application_in(Status.APPROVED)
    director = campaign.member("director")
    cancelled = services.cancel(actor=director, application=application, comment=" Не тот курс ")
    application.refresh_from_db()
    assert application.status == Status.CANCELLED == cancelled.status
    assert application.cancelled_by_id == director.pk
    assert application.cancelled_at is not None
    comment = application.comments.get()
    assert (comment.author_id, comment.text) == (director.pk, "Не тот курс")


@pytest.mark.parametrize("member", ["teacher", "director", "dpo_staff"])
def test_everyone_who_sees_the_application_comments_on_it(campaign, member):
    application = campaign.application_in(Status.CANCELLED)
    comment = services.add_comment(
        actor=campaign.member(member), application=application, text="Комментарий"
    )
    assert list(application.comments.all()) == [comment]
    assert AuditEntry.objects.filter(action="dpo.comment_added", target_id=application.pk).exists()


def test_bulk_approval_lists_every_refusal_and_changes_nothing(campaign):
    good = campaign.apply("teacher")
    cancelled = campaign.application_in(Status.CANCELLED, applicant="teacher_2")
    foreign = campaign.apply("other_school_teacher")
    before = state()
    with pytest.raises(ValidationError) as refused:
        services.approve_many(
            actor=campaign.member("director"), applications=[good, cancelled, foreign]
        )
    assert codes(refused.value) == ["cancelled", "not_your_school"]
    assert [str(cancelled.pk) in message for message in refused.value.messages] == [True, False]
    assert state() == before


@pytest.mark.parametrize("action", list(BULK))
def test_bulk_services_change_every_application(campaign, action):
    start = {Action.APPROVE: Status.NEW, Action.ENROL: Status.APPROVED, Action.CANCEL: Status.NEW}
    actor = {Action.APPROVE: "director", Action.ENROL: "dpo_staff", Action.CANCEL: "director"}
    applications = [
        campaign.application_in(start[action], applicant=name) for name in ("teacher", "teacher_2")
    ]
    audited = AuditEntry.objects.count()
    changed = BULK[action](actor=campaign.member(actor[action]), applications=applications)
    expected = states.transition(start[action], ActorKind(actor[action]), action)
    assert [row.status for row in changed] == [expected, expected]
    assert AuditEntry.objects.count() == audited + 2


# --- History, audit, notifications ----------------------------------------------------------------


def test_the_history_chains_every_step(campaign):
    application = campaign.application_in(Status.ENROLLED)
    services.cancel(actor=campaign.member("dpo_staff"), application=application)
    steps = list(application.events.values_list("from_status", "to_status", "actor_role"))
    assert steps == [
        ("", Status.NEW, ActorKind.APPLICANT),
        (Status.NEW, Status.APPROVED, ActorKind.DIRECTOR),
        (Status.APPROVED, Status.ENROLLED, ActorKind.DPO_STAFF),
        (Status.ENROLLED, Status.CANCELLED, ActorKind.DPO_STAFF),
    ]


def test_every_change_is_audited_with_a_label(campaign, region):
    application = campaign.application_in(Status.ENROLLED)
    services.cancel(actor=campaign.member("dpo_staff"), application=application)
    entries = AuditEntry.objects.filter(target_type="dpo.Application", target_id=application.pk)
    actions = list(entries.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "dpo.application_created",
        "dpo.application_approved",
        "dpo.application_enrolled",
        "dpo.application_cancelled",
    ]
    assert {entry.organization_id for entry in entries} == {region.school.pk}
    assert all(action_label(code) != code for code in ACTION_LABELS)


def test_the_director_hears_of_a_new_application(
    campaign, region, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = campaign.apply("teacher")
    notice = Notification.objects.get()
    assert notice.person_id == region.members["director"].person_id
    assert str(application.pk) in notice.text
    assert [message.to for message in mailoutbox] == [["head@example.org"]]


def test_the_applicant_hears_of_changes_made_by_others(
    campaign, region, mailoutbox, django_capture_on_commit_callbacks
):
    application = campaign.apply("teacher")
    teacher = region.members["teacher"].person_id
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(actor=campaign.member("director"), application=application)
        services.enrol(actor=campaign.member("dpo_staff"), application=application)
        services.add_comment(
            actor=campaign.member("dpo_staff"), application=application, text="Ждём вас"
        )
    assert Notification.objects.filter(person_id=teacher).count() == 3
    assert [message.to for message in mailoutbox] == [["teacher@example.org"]] * 3


def test_the_applicant_is_not_told_of_their_own_cancellation(
    campaign, region, mailoutbox, django_capture_on_commit_callbacks
):
    application = campaign.apply("teacher")
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(actor=campaign.member("teacher"), application=application, comment="Болею")
    assert not Notification.objects.filter(person_id=region.members["teacher"].person_id).exists()
    assert mailoutbox == []


def test_without_an_email_only_the_in_app_notice_is_sent(
    campaign, mailoutbox, django_capture_on_commit_callbacks
):
    application = campaign.apply("teacher_2")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(actor=campaign.member("director"), application=application)
    assert Notification.objects.filter(person=campaign.members["teacher_2"].person).exists()
    assert mailoutbox == []


def test_a_refused_action_sends_nothing(campaign, mailoutbox, django_capture_on_commit_callbacks):
    application = campaign.apply("teacher")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            services.enrol(actor=campaign.member("dpo_staff"), application=application)
    assert callbacks == [] and mailoutbox == []


# --- No sequence of actions reaches an invalid state ----------------------------------------------

MEMBERS = [
    "teacher",
    "teacher_2",
    "other_school_teacher",
    "director",
    "other_director",
    "dpo_staff",
    "far_dpo_staff",
    "admin",
]
#: A step: who acts (None: whoever normally takes this action), what they do, on which target.
STEPS = st.lists(
    st.tuples(
        st.one_of(st.none(), st.sampled_from(MEMBERS)),
        st.sampled_from(["apply", "approve", "enrol", "cancel", "comment", "wait"]),
        st.integers(min_value=0, max_value=5),
    ),
    min_size=5,
    max_size=30,
)


def rightful_actor(action: str, number: int, target: Application | None, names: dict) -> str:
    """The member who would normally take the action, so that sequences get somewhere."""
    if action == "apply" or target is None:
        return ["teacher", "teacher_2", "other_school_teacher", "director"][number % 4]
    director = (
        "director" if names[target.applicant_id] != "other_school_teacher" else "other_director"
    )
    if action == "approve":
        return director
    if action == "cancel":
        return [names[target.applicant_id], director, "dpo_staff"][number % 3]
    return "dpo_staff"


def assert_valid() -> None:
    applications = list(Application.objects.select_related("cohort").prefetch_related("events"))
    live = [(row.cohort_id, row.applicant_id) for row in applications if row.status != "cancelled"]
    assert len(live) == len(set(live))
    for cohort in {row.cohort for row in applications}:
        enrolled = [
            row for row in applications if row.cohort == cohort and row.status == "enrolled"
        ]
        assert len(enrolled) <= cohort.capacity
    for row in applications:
        events = list(row.events.all())
        assert events[0].from_status == "" and events[0].to_status == Status.NEW
        assert all(a.to_status == b.from_status for a, b in itertools.pairwise(events))
        assert events[-1].to_status == row.status
        for event in events:
            assert states.transition(event.from_status or None, event.actor_role, _action(event))
        reached = [event.to_status for event in events]
        if Status.ENROLLED in reached:
            assert reached.index(Status.APPROVED) < reached.index(Status.ENROLLED)
        cancelled = row.status == Status.CANCELLED
        assert (row.cancelled_by_id is not None) is cancelled
        assert (row.cancelled_at is not None) is cancelled


def _action(event: ApplicationEvent) -> Action:
    return {
        Status.NEW: Action.APPLY,
        Status.APPROVED: Action.APPROVE,
        Status.ENROLLED: Action.ENROL,
        Status.CANCELLED: Action.CANCEL,
    }[event.to_status]


@pytest.mark.django_db
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_no_sequence_of_actions_reaches_an_invalid_state(campaign, monkeypatch, steps):
    clock = [TODAY]
    monkeypatch.setattr("parta.core.calendar.today", lambda: clock[0])
    cohorts = [campaign.cohorts[name] for name in ("open", "small", "closed")]
    with transaction.atomic():
        members = {name: campaign.member(name) for name in MEMBERS}
        names = {member.pk: name for name, member in members.items()}
        for name, action, number in steps:
            if action == "wait":
                clock[0] += timedelta(days=2 * number)
                continue
            applications = list(Application.objects.order_by("pk"))
            target = applications[-1 - number % len(applications)] if applications else None
            actor = members[name or rightful_actor(action, number, target, names)]
            before = state()
            try:
                if action == "apply":
                    services.apply(actor=actor, cohort=cohorts[number % 3])
                elif action == "comment" and target is not None:
                    services.add_comment(actor=actor, application=target, text="Комментарий")
                elif target is not None:
                    SERVICES[Action(action)](actor=actor, application=target)
            except (ValidationError, PermissionDenied):
                assert state() == before
            assert_valid()
        transaction.set_rollback(True)
