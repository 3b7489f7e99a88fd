"""Книга движения: movement orders change who is in which class (seed 004, 3.3.4.4).

An order is a draft until it is applied; applying validates every line first and then opens and
closes the students' stays in classes from the effective date, all or nothing. An applied order
stays in the book for ever: it is undone only by a cancelling order, which deletes exactly the
stays it opened and reopens the stays it closed.

Dates: a student joins the new class on the effective date; a leaving order (graduation,
withdrawal) names the student's last day in the class; a move to the next year closes the old
class on the old year's last day.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership
from parta.orgs.models import Organization
from parta.school.models import AcademicYear, SchoolClass, StudyGroup
from parta.school.services.classes import save_class
from parta.school.services.guards import check_manage, locked_year
from parta.school.services.transition import YearCopy, archive_year, copy_year
from parta.students import policies
from parta.students.models import (
    ClassEnrolment,
    GroupMembership,
    MovementOrder,
    OrderLine,
    Student,
)
from parta.students.selectors import orders as order_selectors
from parta.students.selectors.rosters import year_end_rows
from parta.students.services.enrolment import create_student

Actor = Membership | audit.SystemActor
Kind = MovementOrder.Kind

ENROLLING = frozenset({Kind.ENROL_FIRST, Kind.ENROL_TENTH, Kind.ENROL})
LEAVING = frozenset({Kind.GRADUATE_9, Kind.GRADUATE_11, Kind.WITHDRAW})
NEXT_YEAR = frozenset({Kind.PROMOTE, Kind.REPEAT})
NEEDS_FROM_CLASS = LEAVING | NEXT_YEAR | {Kind.TRANSFER}
NEEDS_TO_CLASS = ENROLLING | NEXT_YEAR | {Kind.TRANSFER}
#: The parallel an enrolment order enrols into, and the one a graduation order graduates from.
GRADE_TO = {Kind.ENROL_FIRST: 1, Kind.ENROL_TENTH: 10}
GRADE_FROM = {Kind.GRADUATE_9: 9, Kind.GRADUATE_11: 11}


@dataclass(frozen=True)
class LineInput:
    """A student of an order being written: from which class, into which, or where to."""

    student: Student
    from_class: SchoolClass | None = None
    to_class: SchoolClass | None = None
    destination: str = ""
    destination_organization: Organization | None = None


@dataclass(frozen=True)
class OrderHeader:
    number: str
    signed_on: date
    effective_on: date
    event_on: date | None = None
    note: str = ""


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _check_may_manage(actor: Actor, organization: Organization) -> None:
    if isinstance(actor, audit.SystemActor):
        return
    if not policies.can(actor, policies.Action.MANAGE_ORDERS, organization):
        raise PermissionDenied


def _refuse(errors: list[ValidationError]) -> None:
    if errors:
        raise ValidationError(errors)


def _header_errors(
    organization: Organization, header: OrderHeader, order: MovementOrder | None
) -> list[ValidationError]:
    errors = []
    if not header.number.strip():
        errors.append(ValidationError(_("Enter the order number."), code="number_missing"))
    taken = MovementOrder.objects.filter(
        organization=organization, number=header.number.strip(), signed_on=header.signed_on
    )
    if order is not None:
        taken = taken.exclude(pk=order.pk)
    if header.number.strip() and taken.exists():
        errors.append(
            ValidationError(
                _("The school already has an order № %(number)s of %(date)s.")
                % {"number": header.number.strip(), "date": _day(header.signed_on)},
                code="number_taken",
            )
        )
    if header.event_on is not None and header.event_on > header.signed_on:
        errors.append(
            ValidationError(
                _("The event cannot come after the order is signed."), code="event_after_order"
            )
        )
    return errors


def _outside_year(line: LineInput, school_class: SchoolClass, on: date) -> ValidationError:
    return ValidationError(
        _("%(name)s: the date %(date)s is outside the academic year %(year)s of %(class)s.")
        % {
            "name": line.student.person.full_name,
            "date": _day(on),
            "year": school_class.year,
            "class": school_class,
        },
        code="outside_year",
    )


def _line_errors(
    organization: Organization, kind: str, effective_on: date, line: LineInput
) -> list[ValidationError]:
    """What is wrong with one line whatever the rosters: classes, dates and parallels."""
    name = line.student.person.full_name
    source, target = line.from_class, line.to_class
    errors = []
    if line.student.organization_id != organization.pk:
        errors.append(
            ValidationError(
                _("%(name)s is not a student of this school.") % {"name": name},
                code="foreign_student",
            )
        )
    for school_class in (source, target):
        if school_class is not None and school_class.organization_id != organization.pk:
            errors.append(
                ValidationError(
                    _("%(name)s: the class %(class)s belongs to another school.")
                    % {"name": name, "class": school_class},
                    code="foreign_class",
                )
            )
        if school_class is not None and school_class.year.is_archived:
            errors.append(
                ValidationError(
                    _("The academic year %(year)s is archived: it can only be viewed.")
                    % {"year": school_class.year},
                    code="year_archived",
                )
            )
    if kind in NEEDS_FROM_CLASS and source is None:
        errors.append(
            ValidationError(
                _("%(name)s: choose the class the student leaves.") % {"name": name},
                code="from_class_missing",
            )
        )
    if kind in NEEDS_TO_CLASS and target is None:
        errors.append(
            ValidationError(
                _("%(name)s: choose the class the student joins.") % {"name": name},
                code="to_class_missing",
            )
        )
    if errors:
        return errors
    if target is not None and not target.year.contains(effective_on):
        errors.append(_outside_year(line, target, effective_on))
    if source is not None and kind not in NEXT_YEAR and not source.year.contains(effective_on):
        errors.append(_outside_year(line, source, effective_on))
    if kind in GRADE_TO and target.grade != GRADE_TO[kind]:
        errors.append(
            ValidationError(
                _("%(name)s: this order enrols into the %(grade)s parallel, not into %(class)s.")
                % {"name": name, "grade": GRADE_TO[kind], "class": target},
                code="wrong_grade",
            )
        )
    if kind in GRADE_FROM and source.grade != GRADE_FROM[kind]:
        errors.append(
            ValidationError(
                _("%(name)s: this order graduates the %(grade)s parallel, not %(class)s.")
                % {"name": name, "grade": GRADE_FROM[kind], "class": source},
                code="wrong_grade",
            )
        )
    if kind in NEXT_YEAR:
        errors.extend(_next_year_errors(kind, line))
    if kind == Kind.WITHDRAW and line.destination_organization == organization:
        errors.append(
            ValidationError(
                _("%(name)s: a student does not leave for their own school.") % {"name": name},
                code="destination_own_school",
            )
        )
    return errors


def _next_year_errors(kind: str, line: LineInput) -> list[ValidationError]:
    source, target = line.from_class, line.to_class
    name = line.student.person.full_name
    if target.year.starts_on <= source.year.ends_on:
        return [
            ValidationError(
                _("%(name)s: %(class)s is not in a later academic year than %(from)s.")
                % {"name": name, "class": target, "from": source},
                code="not_next_year",
            )
        ]
    grade = source.grade + 1 if kind == Kind.PROMOTE else source.grade
    if target.grade != grade:
        return [
            ValidationError(
                _("%(name)s: from %(from)s the student goes into the %(grade)s parallel.")
                % {"name": name, "from": source, "grade": grade},
                code="wrong_grade",
            )
        ]
    return []


def _lines_errors(
    organization: Organization, kind: str, effective_on: date, lines: Sequence[LineInput]
) -> list[ValidationError]:
    if kind == Kind.CANCEL:
        return [
            ValidationError(
                _("A cancelling order is issued from the order it cancels."), code="cancel_kind"
            )
        ]
    if not lines:
        return [ValidationError(_("Choose the students of the order."), code="no_students")]
    errors = []
    seen: set[int] = set()
    for line in lines:
        if line.student.pk in seen:
            errors.append(
                ValidationError(
                    _("%(name)s is in the order twice.") % {"name": line.student.person.full_name},
                    code="student_twice",
                )
            )
        seen.add(line.student.pk)
        errors.extend(_line_errors(organization, kind, effective_on, line))
    return errors


def _summary(order: MovementOrder, lines: Iterable[LineInput | OrderLine]) -> dict:
    return {
        "kind": order.kind,
        "number": order.number,
        "signed_on": order.signed_on.isoformat(),
        "effective_on": order.effective_on.isoformat(),
        "students": sorted(line.student.person.full_name for line in lines),
    }


def _write_lines(order: MovementOrder, lines: Sequence[LineInput]) -> None:
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                student=line.student,
                from_class=line.from_class,
                to_class=line.to_class,
                destination=line.destination.strip(),
                destination_organization=line.destination_organization,
            )
            for line in lines
        ]
    )


@transaction.atomic
def create_order(
    *,
    actor: Actor,
    organization: Organization,
    kind: str,
    header: OrderHeader,
    lines: Sequence[LineInput],
) -> MovementOrder:
    """A draft order of the movement book with its students; nothing moves until it is applied."""
    _check_may_manage(actor, organization)
    _refuse(
        _header_errors(organization, header, None)
        + _lines_errors(organization, kind, header.effective_on, lines)
    )
    order = MovementOrder.objects.create(
        organization=organization,
        kind=kind,
        number=header.number.strip(),
        signed_on=header.signed_on,
        effective_on=header.effective_on,
        event_on=header.event_on,
        note=header.note,
        author=actor if isinstance(actor, Membership) else None,
    )
    _write_lines(order, lines)
    audit.record(
        actor=actor,
        action="students.order_drafted",
        target=order,
        after=_summary(order, lines),
        organization_id=organization.pk,
    )
    return order


def _locked_order(order: MovementOrder) -> MovementOrder:
    return (
        MovementOrder.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=order.pk)
    )


def refuse_applied(order: MovementOrder) -> None:
    """Refuse to change an order that has taken effect (applied, cancelled or cancelling)."""
    if order.is_applied:
        raise ValidationError(
            _(
                "The order %(order)s has taken effect: it is never changed or deleted, only "
                "cancelled by another order."
            )
            % {"order": order},
            code="order_applied",
        )


@transaction.atomic
def update_order(
    *, actor: Actor, order: MovementOrder, header: OrderHeader, lines: Sequence[LineInput]
) -> MovementOrder:
    """Change a draft: its number, dates, note and students."""
    order = _locked_order(order)
    _check_may_manage(actor, order.organization)
    refuse_applied(order)
    _refuse(
        _header_errors(order.organization, header, order)
        + _lines_errors(order.organization, order.kind, header.effective_on, lines)
    )
    before = _summary(order, order.lines.select_related("student__person"))
    order.number = header.number.strip()
    order.signed_on = header.signed_on
    order.effective_on = header.effective_on
    order.event_on = header.event_on
    order.note = header.note
    order.save(update_fields=["number", "signed_on", "effective_on", "event_on", "note"])
    order.lines.all().delete()
    _write_lines(order, lines)
    audit.record(
        actor=actor,
        action="students.order_changed",
        target=order,
        before=before,
        after=_summary(order, lines),
        organization_id=order.organization_id,
    )
    return order


@transaction.atomic
def delete_order(*, actor: Actor, order: MovementOrder) -> None:
    """Delete a draft; an applied order is refused."""
    order = _locked_order(order)
    _check_may_manage(actor, order.organization)
    refuse_applied(order)
    audit.record(
        actor=actor,
        action="students.order_deleted",
        target=order,
        before=_summary(order, order.lines.select_related("student__person")),
        organization_id=order.organization_id,
    )
    order.delete()


def _order_lines(order: MovementOrder) -> list[OrderLine]:
    return list(
        order.lines.select_related(
            "student__person",
            "from_class__year",
            "to_class__year",
            "destination_organization",
        ).order_by("student__person__last_name", "student__person__first_name", "pk")
    )


def _as_input(line: OrderLine) -> LineInput:
    return LineInput(
        student=line.student,
        from_class=line.from_class,
        to_class=line.to_class,
        destination=line.destination,
        destination_organization=line.destination_organization,
    )


def _open_enrolments(student_ids: list[int]) -> dict[int, ClassEnrolment]:
    rows = (
        ClassEnrolment.objects.select_for_update(of=("self",))
        .filter(student_id__in=student_ids, ends_on__isnull=True)
        .select_related("school_class")
    )
    return {row.student_id: row for row in rows}


def _roster_errors(
    order: MovementOrder, lines: list[OrderLine], current: dict[int, ClassEnrolment]
) -> list[ValidationError]:
    """What the rosters forbid: a student not in the class the order moves them from, or already
    in a class when the order enrols them."""
    effective_on, errors = order.effective_on, []
    later = set(
        ClassEnrolment.objects.filter(
            student_id__in=[line.student_id for line in lines], starts_on__gt=effective_on
        ).values_list("student_id", flat=True)
    )
    for line in lines:
        name = line.student.person.full_name
        enrolment = current.get(line.student_id)
        if order.kind in ENROLLING:
            if enrolment is not None or line.student_id in later:
                errors.append(
                    ValidationError(
                        _("%(name)s is already in a class: transfer instead of enrolling again.")
                        % {"name": name},
                        code="already_enrolled",
                    )
                )
            continue
        on = line.from_class.year.ends_on if order.kind in NEXT_YEAR else effective_on
        first_day_allowed = on if order.kind in LEAVING | NEXT_YEAR else on - timedelta(days=1)
        if (
            enrolment is None
            or enrolment.school_class_id != line.from_class_id
            or enrolment.starts_on > first_day_allowed
            or (order.kind not in NEXT_YEAR and line.student_id in later)
        ):
            errors.append(
                ValidationError(
                    _("%(name)s is not in %(class)s on %(date)s.")
                    % {"name": name, "class": line.from_class, "date": _day(on)},
                    code="not_in_class",
                )
            )
    return errors


def _carry_subgroups(lines: list[OrderLine]) -> None:
    """A student moving up keeps their subgroups, in the next-year class's subgroups of the same
    name."""
    moving = {line.student_id: line for line in lines}
    new_groups = {
        (group.school_class_id, group.name): group
        for group in StudyGroup.objects.filter(
            school_class_id__in={line.to_class_id for line in lines}, is_whole_class=False
        )
    }
    old_rows = GroupMembership.objects.filter(
        student_id__in=list(moving), group__is_whole_class=False
    ).select_related("group")
    rows = []
    for row in old_rows:
        line = moving[row.student_id]
        group = new_groups.get((line.to_class_id, row.group.name))
        if row.group.school_class_id == line.from_class_id and group is not None:
            rows.append(GroupMembership(student_id=row.student_id, group=group))
    GroupMembership.objects.bulk_create(rows, ignore_conflicts=True)


def _move(order: MovementOrder, lines: list[OrderLine], current: dict[int, ClassEnrolment]) -> None:
    closed, opened = [], []
    for line in lines:
        if order.kind not in ENROLLING:
            enrolment = current[line.student_id]
            if order.kind in LEAVING:
                enrolment.ends_on = order.effective_on
            elif order.kind in NEXT_YEAR:
                enrolment.ends_on = line.from_class.year.ends_on
            else:
                enrolment.ends_on = order.effective_on - timedelta(days=1)
            enrolment.closed_by = line
            closed.append(enrolment)
        if line.to_class_id is not None:
            opened.append(
                ClassEnrolment(
                    student=line.student,
                    school_class=line.to_class,
                    starts_on=order.effective_on,
                    opened_by=line,
                )
            )
    ClassEnrolment.objects.bulk_update(closed, ["ends_on", "closed_by"])
    ClassEnrolment.objects.bulk_create(opened)
    if order.kind == Kind.PROMOTE:
        _carry_subgroups(lines)


def _apply(actor: Actor, order: MovementOrder) -> MovementOrder:
    """Validate every line against the rosters, then move the students (no policy check)."""
    if order.kind == Kind.CANCEL:
        raise ValidationError(
            _("A cancelling order is issued from the order it cancels."), code="cancel_kind"
        )
    refuse_applied(order)
    lines = _order_lines(order)
    _refuse(
        _header_errors(order.organization, _header_of(order), order)
        + _lines_errors(
            order.organization, order.kind, order.effective_on, [_as_input(x) for x in lines]
        )
    )
    current = _open_enrolments([line.student_id for line in lines])
    _refuse(_roster_errors(order, lines, current))
    _move(order, lines, current)
    order.applied_at = timezone.now()
    order.save(update_fields=["applied_at"])
    audit.record(
        actor=actor,
        action="students.order_applied",
        target=order,
        after=_summary(order, lines),
        organization_id=order.organization_id,
    )
    return order


def _header_of(order: MovementOrder) -> OrderHeader:
    return OrderHeader(
        number=order.number,
        signed_on=order.signed_on,
        effective_on=order.effective_on,
        event_on=order.event_on,
        note=order.note,
    )


@transaction.atomic
def apply_order(*, actor: Actor, order: MovementOrder) -> MovementOrder:
    """Проведение приказа: from the effective date the students are in their new classes."""
    order = _locked_order(order)
    _check_may_manage(actor, order.organization)
    return _apply(actor, order)


def _later_orders(order: MovementOrder, student_ids: list[int]) -> list[OrderLine]:
    """Lines of orders applied after `order` for the same students and still in force."""
    return list(
        OrderLine.objects.filter(
            student_id__in=student_ids,
            order__applied_at__gt=order.applied_at,
            order__cancelled_by__isnull=True,
        )
        .exclude(order__kind=Kind.CANCEL)
        .select_related("student__person", "order")
        .order_by("student__person__last_name", "pk")
    )


def _changed_since(order: MovementOrder, lines: list[OrderLine]) -> list[str]:
    """Students whose stays changed outside orders after the order: reopening a stay it closed
    would overlap a later stay the order did not open."""
    enrolments = list(
        ClassEnrolment.objects.filter(student_id__in=[line.student_id for line in lines])
    )
    line_ids = {line.pk for line in lines}
    names = {line.student_id: line.student.person.full_name for line in lines}
    changed = set()
    for closed in (row for row in enrolments if row.closed_by_id in line_ids):
        for other in enrolments:
            if (
                other.student_id == closed.student_id
                and other.pk != closed.pk
                and other.opened_by_id not in line_ids
                and other.starts_on >= closed.starts_on
            ):
                changed.add(names[closed.student_id])
    return sorted(changed)


@transaction.atomic
def cancel_order(
    *, actor: Actor, order: MovementOrder, number: str, signed_on: date, note: str = ""
) -> MovementOrder:
    """Отмена приказа: a cancelling order undoes exactly what the order did — the stays it opened
    are deleted, the stays it closed are open again; both orders stay in the book."""
    order = _locked_order(order)
    _check_may_manage(actor, order.organization)
    if not order.is_applied or order.kind == Kind.CANCEL:
        raise ValidationError(
            _("Only an applied order is cancelled, and a cancellation is not cancelled."),
            code="not_cancellable",
        )
    if MovementOrder.objects.filter(cancels=order).exists():
        raise ValidationError(
            _("The order %(order)s is already cancelled.") % {"order": order},
            code="already_cancelled",
        )
    header = OrderHeader(number=number, signed_on=signed_on, effective_on=signed_on, note=note)
    _refuse(_header_errors(order.organization, header, None))
    lines = _order_lines(order)
    later = _later_orders(order, [line.student_id for line in lines])
    if later:
        raise ValidationError(
            _("Later orders move the same students: %(list)s. Cancel them first.")
            % {
                "list": "; ".join(
                    f"{line.student.person.full_name} ({line.order})" for line in later
                )
            },
            code="later_orders",
        )
    changed = _changed_since(order, lines)
    if changed:
        raise ValidationError(
            _("The classes of %(names)s changed after the order: it cannot be undone.")
            % {"names": ", ".join(changed)},
            code="changed_since",
        )
    cancelling = MovementOrder.objects.create(
        organization=order.organization,
        kind=Kind.CANCEL,
        number=header.number.strip(),
        signed_on=signed_on,
        effective_on=signed_on,
        cancels=order,
        note=note,
        author=actor if isinstance(actor, Membership) else None,
        applied_at=timezone.now(),
    )
    OrderLine.objects.bulk_create(
        [OrderLine(order=cancelling, student_id=line.student_id) for line in lines]
    )
    if order.kind == Kind.PROMOTE:
        GroupMembership.objects.filter(
            student_id__in=[line.student_id for line in lines],
            group__school_class_id__in={line.to_class_id for line in lines},
        ).delete()
    ClassEnrolment.objects.filter(opened_by__order=order).delete()
    ClassEnrolment.objects.filter(closed_by__order=order).update(ends_on=None, closed_by=None)
    audit.record(
        actor=actor,
        action="students.order_cancelled",
        target=order,
        before=_summary(order, lines),
        after={"cancelled_by": str(cancelling)},
        organization_id=order.organization_id,
    )
    return cancelling


# --- Transfers between schools of the region --------------------------------------------------


@transaction.atomic
def enrol_arrival(
    *,
    actor: Actor,
    organization: Organization,
    arrival: OrderLine,
    kind: str,
    to_class: SchoolClass,
    header: OrderHeader,
) -> MovementOrder:
    """Зачисление прибывшего из другой школы региона: the same Person gets a card here and an
    applied enrolment order; the leaving school's history stays with the other card."""
    _check_may_manage(actor, organization)
    if kind not in ENROLLING:
        raise ValidationError(_("Choose an enrolment order."), code="not_enrolment")
    if not order_selectors.arriving_lines(organization=organization).filter(pk=arrival.pk).exists():
        raise ValidationError(_("The student is not arriving at this school."), code="not_arriving")
    student = create_student(actor=actor, organization=organization, person=arrival.student.person)
    order = create_order(
        actor=actor,
        organization=organization,
        kind=kind,
        header=header,
        lines=[LineInput(student=student, to_class=to_class)],
    )
    return _apply(actor, _locked_order(order))


# --- The year-end transfer of the whole school ------------------------------------------------


@dataclass(frozen=True)
class YearEndNumbers:
    """Numbers and date of the orders of the year-end transfer (one order per kind)."""

    signed_on: date
    promote: str = ""
    graduate_9: str = ""
    graduate_11: str = ""
    repeat: str = ""

    def number(self, kind: str) -> str:
        return getattr(self, str(kind)).strip()


@dataclass(frozen=True)
class YearEnd:
    """The orders the year-end transfer applied, and how many students each moved."""

    orders: list[MovementOrder]
    counts: dict[str, int]

    @property
    def promoted(self) -> int:
        return self.counts.get(Kind.PROMOTE, 0)


def _repeat_class(
    actor: Actor, source: SchoolClass, new_year: AcademicYear, cache: dict
) -> SchoolClass:
    """The next year's class of the same parallel (the same letter first); created when the
    parallel has none."""
    classes = cache.setdefault(
        "classes", list(SchoolClass.objects.filter(year=new_year).order_by("grade", "letter"))
    )
    same = [c for c in classes if c.grade == source.grade]
    found = next((c for c in same if c.letter == source.letter), same[0] if same else None)
    if found is None:
        found = save_class(
            actor=actor, year=new_year, grade=source.grade, letter=source.letter, class_teacher=None
        ).row
        classes.append(found)
    return found


def _year_end_kind(school_class: SchoolClass, repeating: bool) -> str:
    if repeating:
        return Kind.REPEAT
    if school_class.grade == 9:
        return Kind.GRADUATE_9
    if school_class.grade == 11:
        return Kind.GRADUATE_11
    return Kind.PROMOTE


@transaction.atomic
def promote_students(
    *,
    actor: Actor,
    old_year: AcademicYear,
    new_year: AcademicYear,
    numbers: YearEndNumbers,
    repeaters: Iterable[int] = (),
) -> YearEnd:
    """Перевод на следующий год by orders: every student still in a class on the old year's last
    day moves up a class (a promote order), graduates from the 9th and 11th (graduation orders,
    ending on that day) or, when ticked, repeats the year in a class of the same parallel."""
    old_year, new_year = locked_year(old_year), locked_year(new_year)
    check_manage(actor, old_year)
    check_manage(actor, new_year)
    organization = old_year.organization
    _check_may_manage(actor, organization)
    if new_year.organization_id != old_year.organization_id or (
        new_year.starts_on <= old_year.ends_on
    ):
        raise ValidationError(
            _("Students move up only into a later academic year of the same school."),
            code="not_next_year",
        )
    repeating = set(repeaters)
    next_classes = {
        school_class.previous_id: school_class
        for school_class in SchoolClass.objects.filter(year=new_year, previous__year=old_year)
    }
    already_there = set(
        ClassEnrolment.objects.filter(school_class__year=new_year).values_list(
            "student_id", flat=True
        )
    )
    lines: dict[str, list[LineInput]] = {}
    cache: dict = {}
    for row in year_end_rows(year=old_year):
        source = row.school_class
        for student in row.students:
            kind = _year_end_kind(source, student.pk in repeating)
            if kind == Kind.PROMOTE:
                target = next_classes.get(source.pk)
            elif kind == Kind.REPEAT:
                target = _repeat_class(actor, source, new_year, cache)
            else:
                target = None
            if student.pk in already_there or (kind in NEXT_YEAR and target is None):
                continue
            lines.setdefault(kind, []).append(
                LineInput(student=student, from_class=source, to_class=target)
            )
    missing = [kind for kind in lines if not numbers.number(kind)]
    if missing:
        raise ValidationError(
            _("Enter the numbers of the orders: %(kinds)s.")
            % {"kinds": ", ".join(str(Kind(kind).label) for kind in missing)},
            code="number_missing",
        )
    orders = []
    for kind, kind_lines in lines.items():
        effective_on = old_year.ends_on if kind in LEAVING else new_year.starts_on
        order = create_order(
            actor=actor,
            organization=organization,
            kind=kind,
            header=OrderHeader(
                number=numbers.number(kind), signed_on=numbers.signed_on, effective_on=effective_on
            ),
            lines=kind_lines,
        )
        orders.append(_apply(actor, _locked_order(order)))
    return YearEnd(orders=orders, counts={kind: len(rows) for kind, rows in lines.items()})


@dataclass(frozen=True)
class NextYear:
    """What the transition made: the school's copy of the year and the year-end orders."""

    copy: YearCopy
    orders: YearEnd

    @property
    def promoted(self) -> int:
        return self.orders.promoted


@transaction.atomic
def move_to_next_year(
    *,
    actor: Actor,
    year: AcademicYear,
    starts_on: date,
    ends_on: date,
    numbers: YearEndNumbers,
    repeaters: Iterable[int] = (),
) -> NextYear:
    """Переход на следующий учебный год (seed 004, 3.3.3.2): copy the school's structure a year
    later, move the students by orders (up a class, graduation, repeating), archive the old
    year — all or nothing."""
    copy = copy_year(actor=actor, year=year, starts_on=starts_on, ends_on=ends_on)
    orders = promote_students(
        actor=actor,
        old_year=copy.old_year,
        new_year=copy.year,
        numbers=numbers,
        repeaters=repeaters,
    )
    archive_year(actor=actor, year=copy.old_year)
    return NextYear(copy=copy, orders=orders)
