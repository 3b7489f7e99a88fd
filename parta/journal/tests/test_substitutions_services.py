"""Замены: a free teacher of the school takes one lesson; the journal opens to them."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parta.core.audit import AuditEntry
from parta.identity.models import OrgRole
from parta.journal.models import Lesson
from parta.journal.policies import can_write_lesson
from parta.journal.services.cells import save_cell
from parta.journal.services.substitutions import set_substitute
from parta.school.models import Term

WEDNESDAY = date(2026, 11, 25)


def lesson(school, key: str, day: date = WEDNESDAY) -> Lesson:
    return school.lessons(key).get(date=day)


def lessons_state() -> list[tuple]:
    return list(Lesson.objects.order_by("pk").values_list("pk", "substitute_id", "room"))


def refused(region, persona: str, code: str, **kwargs) -> None:
    before = lessons_state()
    with pytest.raises(ValidationError) as caught:
        set_substitute(actor=region.member(persona), **kwargs)
    assert caught.value.code == code
    assert lessons_state() == before


def test_a_free_teacher_substitutes_and_may_then_write_the_lesson(region, school):
    math = lesson(school, "math_5a")
    deputy = region.members["deputy_head"]

    set_substitute(actor=region.member("deputy_head"), lesson=math, substitute=deputy, room="Зал")

    math.refresh_from_db()
    assert (math.substitute_id, math.room) == (deputy.pk, "Зал")
    audit = AuditEntry.objects.get(action="journal.substitution_set", target_id=math.pk)
    assert audit.after["substitute"] == deputy.person.short_name
    as_teacher = region.member("deputy_head").acting_as(OrgRole.TEACHER)
    assert can_write_lesson(as_teacher, math)
    save_cell(actor=as_teacher, lesson=math, student=school.students["student"], text="4", seen="")


def test_clearing_gives_the_lesson_back_in_its_own_room(region, school):
    math = lesson(school, "math_5a")
    actor = region.member("admin")
    set_substitute(
        actor=actor, lesson=math, substitute=region.members["director"], room="Актовый зал"
    )

    set_substitute(actor=actor, lesson=math, substitute=None, room="")

    math.refresh_from_db()
    assert (math.substitute_id, math.room) == (None, "21")
    assert AuditEntry.objects.filter(action="journal.substitution_set").count() == 2


def test_a_teacher_busy_in_that_slot_cannot_substitute(region, school):
    # On Wednesdays the deputy head teaches Russian in 5А at lesson 2; mathematics of 5Б is then.
    refused(
        region,
        "deputy_head",
        "substitute_busy",
        lesson=lesson(school, "math_5b"),
        substitute=region.members["deputy_head"],
        room="",
    )


def test_a_teacher_already_substituting_in_that_slot_cannot_take_another(region, school):
    actor = region.member("deputy_head")
    set_substitute(
        actor=actor,
        lesson=lesson(school, "russian_5a"),
        substitute=region.members["director"],
        room="",
    )

    refused(
        region,
        "deputy_head",
        "substitute_busy",
        lesson=lesson(school, "math_5b"),
        substitute=region.members["director"],
        room="",
    )


def test_a_teacher_replaced_in_their_own_lesson_is_free_for_another(region, school):
    actor = region.member("deputy_head")
    set_substitute(
        actor=actor,
        lesson=lesson(school, "russian_5a"),
        substitute=region.members["director"],
        room="",
    )
    math_5b = lesson(school, "math_5b")

    set_substitute(actor=actor, lesson=math_5b, substitute=region.members["deputy_head"], room="")

    math_5b.refresh_from_db()
    assert math_5b.substitute_id == region.members["deputy_head"].pk


def test_the_lessons_own_teacher_is_no_substitute(region, school):
    refused(
        region,
        "deputy_head",
        "substitute_is_teacher",
        lesson=lesson(school, "math_5a"),
        substitute=region.members["teacher"],
        room="",
    )


@pytest.mark.parametrize("persona", ["secretary", "other_school_teacher", "municipal_staff"])
def test_only_a_working_teacher_of_the_school_substitutes(region, school, persona):
    refused(
        region,
        "deputy_head",
        "not_a_teacher",
        lesson=lesson(school, "math_5a"),
        substitute=region.members[persona],
        room="",
    )


def test_a_closed_term_refuses_substitutions(region, school):
    Term.objects.filter(pk=school.terms[1].pk).update(closed_at=timezone.now())

    refused(
        region,
        "deputy_head",
        "journal_closed",
        lesson=lesson(school, "math_5a"),
        substitute=region.members["director"],
        room="",
    )


@pytest.mark.parametrize(
    "persona", ["teacher", "director", "secretary", "other_school_admin", "municipal_admin"]
)
def test_only_the_deputy_head_and_the_administrator_set_substitutes(region, school, persona):
    before = lessons_state()

    with pytest.raises(PermissionDenied):
        set_substitute(
            actor=region.member(persona),
            lesson=lesson(school, "math_5a"),
            substitute=region.members["director"],
            room="",
        )

    assert lessons_state() == before
