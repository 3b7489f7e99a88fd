"""The transition table, every status × every actor × every action, against the seed's rules
written out here independently of `dpo.states`."""

import itertools

import pytest

from parta.dpo import states
from parta.dpo.states import Action, ActorKind, Status

A, D, S, N = ActorKind.APPLICANT, ActorKind.DIRECTOR, ActorKind.DPO_STAFF, ActorKind.NOBODY

#: Seed 001 and issue 5: what each actor may do, from which status, and where it leads.
EXPECTED = {
    (None, A, Action.APPLY): Status.NEW,
    (Status.NEW, D, Action.APPROVE): Status.APPROVED,
    (Status.APPROVED, S, Action.ENROL): Status.ENROLLED,
    **{(Status.NEW, actor, Action.CANCEL): Status.CANCELLED for actor in (A, D, S)},
    **{(Status.APPROVED, actor, Action.CANCEL): Status.CANCELLED for actor in (A, D, S)},
    (Status.ENROLLED, S, Action.CANCEL): Status.CANCELLED,
}

EVERY = list(itertools.product([None, *Status], ActorKind, Action))


@pytest.mark.parametrize(("status", "actor", "action"), EVERY)
def test_every_combination_follows_the_seed(status, actor, action):
    expected = EXPECTED.get((status, actor, action))
    assert states.transition(status, actor, action) == expected
    assert states.is_allowed(status, actor, action) is (expected is not None)
    assert (states.refusal_code(status, actor, action) is None) is (expected is not None)


def test_the_table_holds_exactly_the_expected_rows():
    assert states.TRANSITIONS == EXPECTED


@pytest.mark.parametrize(("actor", "action"), list(itertools.product(ActorKind, Action)))
def test_a_cancelled_application_is_final(actor, action):
    assert states.transition(Status.CANCELLED, actor, action) is None
    assert states.refusal_code(Status.CANCELLED, actor, action) == "cancelled"


@pytest.mark.parametrize("actor", list(ActorKind))
def test_nobody_enrols_before_the_directors_approval(actor):
    assert states.transition(Status.NEW, actor, Action.ENROL) is None


@pytest.mark.parametrize(
    ("status", "actor", "action", "code"),
    [
        (Status.NEW, S, Action.ENROL, "not_approved"),
        (Status.NEW, D, Action.ENROL, "not_allowed"),
        (Status.NEW, A, Action.APPLY, "already_applied"),
        (Status.ENROLLED, A, Action.APPLY, "already_applied"),
        (Status.APPROVED, D, Action.APPROVE, "not_allowed"),
        (Status.ENROLLED, D, Action.CANCEL, "not_allowed"),
        (Status.ENROLLED, A, Action.CANCEL, "not_allowed"),
        (Status.NEW, N, Action.CANCEL, "not_allowed"),
        (None, D, Action.APPLY, "not_allowed"),
    ],
)
def test_refusals_name_their_reason(status, actor, action, code):
    assert states.refusal_code(status, actor, action) == code


def test_allowed_actions_are_the_buttons_of_each_actor():
    assert states.allowed_actions(Status.NEW, D) == [Action.APPROVE, Action.CANCEL]
    assert states.allowed_actions(Status.APPROVED, S) == [Action.ENROL, Action.CANCEL]
    assert states.allowed_actions(Status.ENROLLED, A) == []
    assert states.allowed_actions(None, A) == [Action.APPLY]
    assert states.allowed_actions(Status.NEW, N) == []
