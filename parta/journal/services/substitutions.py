"""Замены: another teacher (and perhaps another room) takes one lesson of a date.

Seed 004, 3.3.3.2: the deputy head corrects the timetable; a substitution changes one lesson,
not the weekly timetable. The substitute then writes that lesson in the journal
(`journal.policies.can_write_lesson`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership
from parta.journal.locks import edit_block, term_on
from parta.journal.models import Lesson
from parta.journal.selectors.substitutions import active_teachers
from parta.school.policies import Action, can

ROOM_LENGTH = 30


def _state(lesson: Lesson) -> dict:
    return {
        "date": lesson.date.isoformat(),
        "period": lesson.period,
        "teacher": lesson.teacher.person.short_name,
        "substitute": lesson.substitute.person.short_name if lesson.substitute else "",
        "room": lesson.room,
    }


@transaction.atomic
def set_substitute(
    *, actor: Membership, lesson: Lesson, substitute: Membership | None, room: str
) -> Lesson:
    """Give the lesson to a substitute teacher in a room, or clear the substitution."""
    # Lock every lesson of the slot, so two editors cannot give one teacher two classes at once.
    list(
        Lesson.objects.select_for_update()
        .filter(organization_id=lesson.organization_id, date=lesson.date, period=lesson.period)
        .values_list("pk", flat=True)
    )
    lesson = (
        Lesson.objects.select_related(
            "assignment__group__school_class__year__organization", "entry"
        )
        .select_related("teacher__person", "substitute__person")
        .get(pk=lesson.pk)
    )
    year = lesson.assignment.group.school_class.year
    if not can(actor, Action.MANAGE_STRUCTURE, year.organization):
        raise PermissionDenied
    block = edit_block(
        assignment=lesson.assignment, term=term_on(list(year.terms.all()), lesson.date)
    )
    if block:
        raise ValidationError(block, code="journal_closed")
    room = (room or "").strip()
    if len(room) > ROOM_LENGTH:
        raise ValidationError(
            _("The room may be at most %(length)s characters long.") % {"length": ROOM_LENGTH},
            code="room_too_long",
        )
    if substitute is None:
        room = lesson.entry.room if lesson.entry else lesson.room
    else:
        _check_substitute(lesson, substitute)
    before = _state(lesson)
    lesson.substitute = substitute
    lesson.room = room
    if before == _state(lesson):
        return lesson
    lesson.save(update_fields=["substitute", "room", "updated_at"])
    audit.record(
        actor=actor,
        action="journal.substitution_set",
        target=lesson,
        before=before,
        after=_state(lesson),
        organization_id=lesson.organization_id,
    )
    return lesson


def _check_substitute(lesson: Lesson, substitute: Membership) -> None:
    name = substitute.person.short_name
    if substitute.pk == lesson.teacher_id:
        raise ValidationError(
            _("%(name)s teaches this lesson already: choose another teacher.") % {"name": name},
            code="substitute_is_teacher",
        )
    teachers = active_teachers(organization_id=lesson.organization_id, on=lesson.date)
    if not teachers.filter(pk=substitute.pk).exists():
        raise ValidationError(
            _("%(name)s is not a working teacher of this school.") % {"name": name},
            code="not_a_teacher",
        )
    # A teacher whose own lesson has a substitute is free in that slot.
    other = (
        Lesson.objects.filter(
            Q(substitute_id=substitute.pk) | Q(teacher_id=substitute.pk, substitute__isnull=True),
            organization_id=lesson.organization_id,
            date=lesson.date,
            period=lesson.period,
        )
        .exclude(pk=lesson.pk)
        .select_related("assignment__subject", "assignment__group__school_class")
        .first()
    )
    if other is not None:
        raise ValidationError(
            _("%(name)s has another lesson then: %(subject)s in %(group)s, lesson %(period)s.")
            % {
                "name": name,
                "subject": other.assignment.subject.name,
                "group": other.assignment.group,
                "period": other.period,
            },
            code="substitute_busy",
        )
