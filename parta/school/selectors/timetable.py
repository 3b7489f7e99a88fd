"""The weekly timetable of a school: by class, by teacher or by room, with the week's changes."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from parta.core import calendar
from parta.identity.models import Membership
from parta.orgs.models import Organization
from parta.school.models import (
    AcademicYear,
    BellPeriod,
    SchoolClass,
    TeachingAssignment,
    TimetableEntry,
    Weekday,
)
from parta.school.policies import Action, can, is_teacher, visible_schools
from parta.school.selectors.calendar import current_year


class Mode(StrEnum):
    CLASS = "class"
    TEACHER = "teacher"
    ROOM = "room"


@dataclass(frozen=True)
class LessonChange:
    """A lesson of one date taught by a substitute teacher (замена), shown over the week."""

    lesson_id: int
    on: date
    period: int
    assignment_id: int
    school_class_id: int
    teacher_id: int
    substitute_id: int
    substitute_name: str
    subject: str
    group: str
    room: str


#: Where the week's changes come from. The journal keeps the lessons and their substitutes and
#: sits above this app, so it registers its reader at start-up instead of being imported here.
ChangeReader = Callable[[AcademicYear, date, date], list[LessonChange]]
_change_readers: list[ChangeReader] = []


def register_change_reader(reader: ChangeReader) -> None:
    """Let a higher app show its changes of lessons (замены) on the timetable page."""
    if reader not in _change_readers:
        _change_readers.append(reader)


@dataclass(frozen=True)
class Day:
    weekday: int
    name: str
    on: date


@dataclass(frozen=True)
class Period:
    number: int
    bell: BellPeriod | None


@dataclass
class Slot:
    day: Day
    period: int
    entries: list[TimetableEntry] = field(default_factory=list)
    changes: list[LessonChange] = field(default_factory=list)

    @property
    def items(self) -> list[tuple[TimetableEntry, LessonChange | None]]:
        """Each entry of the slot with its change on the slot's date, if any."""
        by_assignment = {change.assignment_id: change for change in self.changes}
        return [(entry, by_assignment.get(entry.assignment_id)) for entry in self.entries]

    @property
    def extra_changes(self) -> list[LessonChange]:
        """Changes with no entry of this view in the slot (a substitute's extra lesson)."""
        shown = {entry.assignment_id for entry in self.entries}
        return [change for change in self.changes if change.assignment_id not in shown]


@dataclass(frozen=True)
class Row:
    period: Period
    slots: list[Slot]


@dataclass(frozen=True)
class Regulation:
    """Seed 004, 3.3.3.2: the timetable is entered by 2 September."""

    deadline: date
    classes_without_entries: list[SchoolClass]
    is_overdue: bool

    @property
    def is_complete(self) -> bool:
        return not self.classes_without_entries


@dataclass(frozen=True)
class TimetablePage:
    organization: Organization
    year: AcademicYear | None
    mode: Mode
    school_class: SchoolClass | None = None
    teacher: Membership | None = None
    room: str = ""
    classes: list[SchoolClass] = field(default_factory=list)
    teachers: list[Membership] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)
    days: list[Day] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    bells: list[BellPeriod] = field(default_factory=list)
    week_start: date | None = None
    regulation: Regulation | None = None
    has_changes: bool = False

    @property
    def previous_week(self) -> date | None:
        return self.week_start - timedelta(days=7) if self.week_start else None

    @property
    def next_week(self) -> date | None:
        return self.week_start + timedelta(days=7) if self.week_start else None


def timetable_school(*, viewer: Membership, org_id: int | None = None) -> Organization | None:
    """The school whose timetable the viewer opens: their own, or a subordinate one by id."""
    if org_id is None:
        organization = viewer.organization
        if organization is None or not can(viewer, Action.VIEW_STRUCTURE, organization):
            return None
        return organization
    return (
        Organization.objects.filter(visible_schools(viewer, Action.VIEW_STRUCTURE), pk=org_id)
        .select_related("authority")
        .first()
    )


def regulation_deadline(year: AcademicYear) -> date:
    """Seed 004, 3.3.3.2: «расписание занятий — на начало учебного года, не позднее 02 сентября»."""
    return date(year.starts_on.year, 9, 2)


def timetable_page(
    *,
    viewer: Membership,
    organization: Organization,
    class_id: int | None = None,
    teacher_id: int | None = None,
    room: str = "",
    on: date | None = None,
) -> TimetablePage | None:
    """The week of the timetable around a date, in a fixed number of queries.

    None when the chosen class or teacher is not of this school's year (the page answers 404).
    """
    year = current_year(organization.pk, on)
    if year is None:
        return TimetablePage(organization=organization, year=None, mode=Mode.CLASS)
    today = calendar.today()
    on = min(max(on or today, year.starts_on), year.ends_on)
    week_start = on - timedelta(days=on.weekday())
    classes = list(
        SchoolClass.objects.filter(year=year).annotate(
            has_entries=Exists(
                TimetableEntry.objects.filter(assignment__group__school_class=OuterRef("pk"))
            )
        )
    )
    teachers = list(
        Membership.objects.filter(
            pk__in=Subquery(
                TeachingAssignment.objects.filter(group__school_class__year=year).values(
                    "teacher_id"
                )
            )
        )
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    page_kwargs: dict = {}
    entries = TimetableEntry.objects.filter(assignment__group__school_class__year=year)
    room = room.strip()
    if class_id is None and teacher_id is None and not room:
        if viewer.organization_id == organization.pk and is_teacher(viewer):
            teacher_id = viewer.pk
    if teacher_id is not None:
        teacher = next((t for t in teachers if t.pk == teacher_id), None)
        if (
            teacher is None
            and teacher_id == viewer.pk
            and viewer.organization_id == organization.pk
        ):
            teacher = viewer
        if teacher is None:
            return None
        mode = Mode.TEACHER
        page_kwargs["teacher"] = teacher
        entries = entries.filter(assignment__teacher_id=teacher.pk)
    elif room:
        mode = Mode.ROOM
        page_kwargs["room"] = room
        entries = entries.filter(room__iexact=room)
    else:
        mode = Mode.CLASS
        if class_id is None:
            school_class = classes[0] if classes else None
        else:
            school_class = next((c for c in classes if c.pk == class_id), None)
            if school_class is None:
                return None
        page_kwargs["school_class"] = school_class
        entries = entries.filter(assignment__group__school_class=school_class)
    slots_used = set(
        TimetableEntry.objects.filter(assignment__group__school_class__year=year)
        .values_list("weekday", "period", "room")
        .distinct()
    )
    bells = list(BellPeriod.objects.filter(year=year).order_by("number"))
    week_entries = list(
        entries.filter(starts_on__lte=week_start + timedelta(days=5), ends_on__gte=week_start)
        .select_related(
            "assignment__subject",
            "assignment__group__school_class",
            "assignment__teacher__person",
        )
        .order_by("weekday", "period", "assignment__group__name", "pk")
    )
    changes = [
        change
        for reader in _change_readers
        for change in reader(year, week_start, week_start + timedelta(days=6))
        if _change_in_view(change, mode, page_kwargs)
    ]
    days, rows = _grid(week_start, bells, slots_used, week_entries, changes)
    deadline = regulation_deadline(year)
    missing = [school_class for school_class in classes if not school_class.has_entries]
    return TimetablePage(
        organization=organization,
        year=year,
        mode=mode,
        classes=classes,
        teachers=teachers,
        rooms=sorted({slot[2] for slot in slots_used if slot[2]}, key=str.casefold),
        days=days,
        rows=rows,
        bells=bells,
        week_start=week_start,
        regulation=Regulation(
            deadline=deadline,
            classes_without_entries=missing,
            is_overdue=bool(missing) and today > deadline,
        ),
        has_changes=bool(changes),
        **page_kwargs,
    )


def _grid(
    week_start: date,
    bells: list[BellPeriod],
    slots_used: set[tuple[int, int, str]],
    week_entries: list[TimetableEntry],
    changes: list[LessonChange],
) -> tuple[list[Day], list[Row]]:
    """Days (Saturday only when the school uses it) × lesson numbers, each slot filled with the
    entries valid on its date and that date's changes."""
    weekdays = list(range(5))
    if any(slot[0] == Weekday.SATURDAY for slot in slots_used) or any(
        change.on.weekday() == Weekday.SATURDAY for change in changes
    ):
        weekdays.append(Weekday.SATURDAY)
    days = [
        Day(weekday=w, name=str(Weekday(w).label), on=week_start + timedelta(days=w))
        for w in weekdays
    ]
    numbers = {bell.number for bell in bells} | {slot[1] for slot in slots_used}
    numbers |= {change.period for change in changes}
    bell_by_number = {bell.number: bell for bell in bells}
    grid = {
        (day.weekday, number): Slot(day=day, period=number) for day in days for number in numbers
    }
    for entry in week_entries:
        slot = grid.get((entry.weekday, entry.period))
        if slot is not None and entry.starts_on <= slot.day.on <= entry.ends_on:
            slot.entries.append(entry)
    for change in changes:
        slot = grid.get((change.on.weekday(), change.period))
        if slot is not None:
            slot.changes.append(change)
    rows = [
        Row(
            period=Period(number=number, bell=bell_by_number.get(number)),
            slots=[grid[(day.weekday, number)] for day in days],
        )
        for number in sorted(numbers)
    ]
    return days, rows


def _change_in_view(change: LessonChange, mode: Mode, chosen: dict) -> bool:
    if mode == Mode.TEACHER:
        return chosen["teacher"].pk in (change.teacher_id, change.substitute_id)
    if mode == Mode.ROOM:
        return change.room.casefold() == chosen["room"].casefold()
    school_class = chosen["school_class"]
    return school_class is not None and change.school_class_id == school_class.pk


def class_assignments(*, school_class: SchoolClass) -> QuerySet[TeachingAssignment]:
    """The subjects, groups and teachers of a class that may go into its timetable."""
    return (
        TeachingAssignment.objects.filter(group__school_class=school_class)
        .select_related("subject", "group__school_class", "teacher__person")
        .order_by("subject__name", "group__name")
    )


def entry_of_school(*, organization: Organization, entry_id: int) -> TimetableEntry | None:
    """A timetable entry of the school, ready for a change or a removal."""
    return (
        TimetableEntry.objects.filter(
            pk=entry_id, assignment__group__school_class__organization=organization
        )
        .select_related(
            "assignment__subject",
            "assignment__group__school_class__year",
            "assignment__teacher__person",
        )
        .first()
    )


def class_of_school(*, organization: Organization, class_id: int) -> SchoolClass | None:
    """A class of the school, with its year."""
    return (
        SchoolClass.objects.filter(pk=class_id, organization=organization)
        .select_related("year__organization")
        .first()
    )
