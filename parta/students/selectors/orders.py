"""The movement book: orders of a school, one order with its students, a student's history, the
students arriving from other schools and what the new-order form offers."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from parta.orgs.models import Organization
from parta.school.models import AcademicYear, SchoolClass
from parta.students.models import ClassEnrolment, MovementOrder, OrderLine, Student

Kind = MovementOrder.Kind


class Status:
    DRAFT = "draft"
    APPLIED = "applied"
    CANCELLED = "cancelled"


def order_status(order: MovementOrder) -> str:
    """Draft, applied, or cancelled by a later order (reads `cancelled_by`, select it)."""
    if not order.is_applied:
        return Status.DRAFT
    if getattr(order, "cancelled_by", None) is not None:
        return Status.CANCELLED
    return Status.APPLIED


@dataclass(frozen=True)
class BookRow:
    order: MovementOrder
    students: int
    status: str


@dataclass(frozen=True)
class OrderBook:
    """The school's orders matching the filters, newest first."""

    organization: Organization
    rows: list[BookRow]
    arrivals: list[OrderLine]


def order_book(
    *,
    organization: Organization,
    kind: str = "",
    year: AcademicYear | None = None,
    status: str = "",
) -> OrderBook:
    """The movement book of a school in two queries whatever its size: orders with their student
    counts and cancellations, and the students arriving from other schools."""
    orders = (
        MovementOrder.objects.filter(organization=organization)
        .select_related("cancelled_by", "cancels")
        .annotate(students=Count("lines"))
        .order_by("-signed_on", "-id")
    )
    if kind:
        orders = orders.filter(kind=kind)
    if year is not None:
        orders = orders.filter(signed_on__range=(year.starts_on, year.ends_on))
    if status == Status.DRAFT:
        orders = orders.filter(applied_at__isnull=True)
    elif status == Status.APPLIED:
        orders = orders.filter(applied_at__isnull=False, cancelled_by__isnull=True)
    elif status == Status.CANCELLED:
        orders = orders.filter(cancelled_by__isnull=False)
    rows = [
        BookRow(order=order, students=order.students, status=order_status(order))
        for order in orders
    ]
    arrivals = list(
        arriving_lines(organization=organization).select_related(
            "student__person", "order__organization", "from_class"
        )
    )
    return OrderBook(organization=organization, rows=rows, arrivals=arrivals)


def order_book_years(organization: Organization) -> list[AcademicYear]:
    """The school's academic years, latest first (the book's filter, the report's default)."""
    return list(AcademicYear.objects.filter(organization=organization).order_by("-starts_on"))


def school_orders(organization: Organization) -> QuerySet[MovementOrder]:
    """Orders of the school (to look one up by id)."""
    return MovementOrder.objects.filter(organization=organization).select_related(
        "organization", "cancels", "cancelled_by", "author__person"
    )


def order_lines(order: MovementOrder) -> list[OrderLine]:
    """The students of an order in alphabetical order, with their classes and destination."""
    return list(
        order.lines.select_related(
            "student__person", "from_class", "to_class", "destination_organization"
        ).order_by("student__person__last_name", "student__person__first_name", "pk")
    )


def arriving_lines(*, organization: Organization) -> QuerySet[OrderLine]:
    """«Прибывающие»: lines of applied, not cancelled withdrawal orders of other schools naming
    this school, whose person is not yet in a class here since leaving."""
    enrolled_here = ClassEnrolment.objects.filter(
        student__organization=organization,
        student__person_id=OuterRef("student__person_id"),
        starts_on__gte=OuterRef("order__effective_on"),
    )
    return (
        OrderLine.objects.filter(
            order__kind=Kind.WITHDRAW,
            order__applied_at__isnull=False,
            order__cancelled_by__isnull=True,
            destination_organization=organization,
        )
        .exclude(Exists(enrolled_here))
        .order_by("student__person__last_name", "student__person__first_name", "pk")
    )


@dataclass(frozen=True)
class HistoryEntry:
    """An applied order of the student, with the order that cancelled it, if any."""

    order: MovementOrder
    line: OrderLine
    cancelled_by: MovementOrder | None


def student_history(*, student: Student) -> list[HistoryEntry]:
    """The movement orders of the student's person in every school, newest first; a cancelling
    order is shown next to the order it cancelled (one query)."""
    lines = (
        OrderLine.objects.filter(
            student__person_id=student.person_id, order__applied_at__isnull=False
        )
        .exclude(order__kind=Kind.CANCEL)
        .select_related(
            "order__organization",
            "order__cancelled_by",
            "from_class",
            "to_class",
            "destination_organization",
        )
        .order_by("-order__effective_on", "-order__applied_at", "-pk")
    )
    return [
        HistoryEntry(
            order=line.order,
            line=line,
            cancelled_by=getattr(line.order, "cancelled_by", None),
        )
        for line in lines
    ]


def open_classes(organization: Organization) -> list[SchoolClass]:
    """Classes of the school's years that are not archived, latest year first."""
    return list(
        SchoolClass.objects.filter(organization=organization, year__is_archived=False)
        .select_related("year")
        .order_by("-year__starts_on", "grade", "letter")
    )


def students_without_class(*, organization: Organization, on: date) -> list[Student]:
    """Cards of the school's students who are in no class on the date nor later (to enrol)."""
    busy = ClassEnrolment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on), student=OuterRef("pk")
    )
    return list(
        Student.objects.filter(organization=organization)
        .exclude(Exists(busy))
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def region_schools(organization: Organization) -> QuerySet[Organization]:
    """Other organisations of the region a student may leave for."""
    return (
        Organization.objects.filter(region_id=organization.region_id, is_active=True)
        .exclude(pk=organization.pk)
        .order_by("short_name")
    )
