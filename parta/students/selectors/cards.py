"""Reads of «Управление → Ученики»: the student list, a student's card, a parent's card and the
class's logins for «Создать учётные записи»."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from parta.core import calendar
from parta.identity.models import Membership, Person
from parta.identity.services.staff import PERSON_FIELDS
from parta.orgs.models import Organization
from parta.school.models import SchoolClass
from parta.students import policies
from parta.students.models import ClassEnrolment, Guardianship, SocialCategory, Student
from parta.students.policies import SECTION_FIELDS, CardSection

PAGE_SIZE = 50


class Status(StrEnum):
    ENROLLED = "enrolled"  # in a class today
    LEFT = "left"  # was in a class, is in none today
    NOT_ENROLLED = "not_enrolled"  # never in a class yet
    ALL = "all"


@dataclass(frozen=True)
class StudentFilter:
    grade: int | None = None
    school_class: SchoolClass | None = None
    status: Status = Status.ENROLLED
    search: str = ""


def _covering(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": day})
    )


def visible(viewer: Membership) -> QuerySet[Student]:
    """Students whose card the viewer may open (each once, whatever classes they were in)."""
    return Student.objects.filter(
        pk__in=Student.objects.filter(policies.visible_students(viewer)).values("pk")
    )


def person_by_id(person_id: int) -> Person | None:
    """A known person chosen instead of a new card (the service checks it is the one found)."""
    return Person.objects.filter(pk=person_id).first()


def student_of_person(*, viewer: Membership, person_id: int) -> Student | None:
    """The person's card in the viewer's school, if the viewer may open it."""
    return visible(viewer).filter(person_id=person_id).first()


def school_classes(organization: Organization) -> list[SchoolClass]:
    """The school's classes of its open years, for the list's filter."""
    return list(
        SchoolClass.objects.filter(organization=organization, year__is_archived=False)
        .select_related("year")
        .order_by("-year__starts_on", "grade", "letter")
    )


def student_list(*, viewer: Membership, filters: StudentFilter, page: int | str) -> Page:
    """One page of the school's students with their class today (or their last class) and
    login, in a fixed number of queries whatever the size of the school."""
    today = calendar.today()
    enrolments = ClassEnrolment.objects.filter(student=OuterRef("pk"))
    in_class = enrolments
    if filters.school_class is not None:
        in_class = in_class.filter(school_class=filters.school_class)
    elif filters.grade is not None:
        in_class = in_class.filter(school_class__grade=filters.grade)
    queryset = visible(viewer)
    if filters.status == Status.ENROLLED:
        queryset = queryset.filter(Exists(in_class.filter(_covering(today))))
    elif filters.status == Status.LEFT:
        queryset = queryset.filter(Exists(in_class)).exclude(
            Exists(enrolments.filter(_covering(today)))
        )
    elif filters.status == Status.NOT_ENROLLED:
        queryset = queryset.exclude(Exists(enrolments))
    elif filters.school_class is not None or filters.grade is not None:
        queryset = queryset.filter(Exists(in_class))
    for word in filters.search.split():
        queryset = queryset.filter(person__last_name__icontains=word)
    queryset = (
        queryset.select_related("person__account")
        .prefetch_related(
            Prefetch(
                "enrolments",
                queryset=ClassEnrolment.objects.select_related("school_class").order_by(
                    "starts_on", "pk"
                ),
            )
        )
        .order_by(Lower("person__last_name"), Lower("person__first_name"), "pk")
    )
    return Paginator(queryset, PAGE_SIZE).get_page(page)


def class_today(student: Student) -> ClassEnrolment | None:
    """The stay (prefetched) covering today, else the last one."""
    enrolments = list(student.enrolments.all())
    today = calendar.today()
    current = [enrolment for enrolment in enrolments if enrolment.covers(today)]
    return (current or enrolments or [None])[-1]


@dataclass(frozen=True)
class StudentCard:
    """A student's card as the viewer may read and change it."""

    student: Student
    enrolments: list[ClassEnrolment]
    guardianships: list[Guardianship]
    readable: frozenset[CardSection]
    writable: frozenset[CardSection]

    @property
    def person(self) -> Person:
        return self.student.person

    @property
    def current(self) -> ClassEnrolment | None:
        today = calendar.today()
        return next((row for row in self.enrolments if row.covers(today)), None)


def _display(instance: Person | Student, name: str) -> str:
    value = getattr(instance, name)
    if value is None:
        return ""
    if name == "snils":
        return instance.snils_display
    if name == "social_categories":
        labels = dict(SocialCategory.choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    display = getattr(instance, f"get_{name}_display", None)
    return str(display() if display else value)


def section_values(student: Student, section: CardSection) -> list[tuple[str, str]]:
    """(label, shown value) of a card section's fields, for the read-only view."""
    values = []
    for name in SECTION_FIELDS[section]:
        instance = student.person if name in PERSON_FIELDS else student
        label = capfirst(instance._meta.get_field(name).verbose_name)
        values.append((str(label), _display(instance, name)))
    return values


def student_card(*, viewer: Membership, student_id: int) -> StudentCard | None:
    """The card, its classes with dates and its parents, if the viewer may open it (None reads
    as 404), in a fixed number of queries."""
    student = (
        visible(viewer)
        .select_related("person__account", "organization")
        .prefetch_related(
            Prefetch(
                "enrolments",
                queryset=ClassEnrolment.objects.select_related("school_class__year").order_by(
                    "starts_on", "pk"
                ),
            ),
            Prefetch(
                "guardianships",
                queryset=Guardianship.objects.select_related("guardian__account").order_by(
                    "guardian__last_name", "guardian__first_name", "pk"
                ),
            ),
        )
        .filter(pk=student_id)
        .first()
    )
    if student is None:
        return None
    enrolments = list(student.enrolments.all())
    classes = [row.school_class for row in enrolments]
    readable = policies.readable_sections(viewer, student.organization_id, classes)
    if not readable:
        return None
    writable = policies.writable_sections(viewer, student.organization_id) & readable
    return StudentCard(
        student=student,
        enrolments=enrolments,
        guardianships=list(student.guardianships.all()),
        readable=readable,
        writable=writable,
    )


def visible_guardianships(viewer: Membership) -> QuerySet[Guardianship]:
    """Links of parents to the students whose card the viewer may open."""
    return Guardianship.objects.filter(student__in=visible(viewer)).select_related(
        "student__organization", "guardian"
    )


@dataclass(frozen=True)
class GuardianCard:
    """A parent in the context of one school: the person and their children there."""

    person: Person
    organization: Organization
    children: list[Guardianship]
    show_documents: bool


def guardian_card(*, viewer: Membership, person_id: int) -> GuardianCard | None:
    """The parent's card if one of their children in the viewer's school is the viewer's to
    open (None reads as 404)."""
    children = list(
        visible_guardianships(viewer)
        .filter(guardian_id=person_id, student__organization_id=viewer.organization_id)
        .select_related("student__person")
        .prefetch_related(
            Prefetch(
                "student__enrolments",
                queryset=ClassEnrolment.objects.select_related("school_class").order_by(
                    "starts_on", "pk"
                ),
            )
        )
        .order_by("student__person__last_name", "student__person__first_name", "pk")
    )
    if not children:
        return None
    person = Person.objects.select_related("account").get(pk=person_id)
    organization = children[0].student.organization
    readable = policies.readable_sections(viewer, organization.pk)
    return GuardianCard(
        person=person,
        organization=organization,
        children=children,
        show_documents=CardSection.DOCUMENTS in readable,
    )


@dataclass(frozen=True)
class AccountRow:
    """A student of the class or a parent of one, with their login if they have one."""

    person: Person
    is_student: bool
    children: list[Student]
    is_staff_member: bool

    @property
    def account(self):
        return getattr(self.person, "account", None)

    @property
    def may_reset(self) -> bool:
        """Staff members' passwords are changed on their staff card, never from a class."""
        return self.account is not None and not self.is_staff_member


def class_accounts(*, school_class: SchoolClass, on: date) -> list[AccountRow]:
    """The class's students on the date and their parents, with logins (three queries)."""
    students = list(
        Student.objects.filter(
            Exists(
                ClassEnrolment.objects.filter(
                    _covering(on), student=OuterRef("pk"), school_class=school_class
                )
            )
        )
        .select_related("person__account")
        .order_by(Lower("person__last_name"), Lower("person__first_name"), "pk")
    )
    links = (
        Guardianship.objects.filter(student__in=students)
        .select_related("guardian__account")
        .order_by(Lower("guardian__last_name"), Lower("guardian__first_name"), "pk")
    )
    by_id = {student.pk: student for student in students}
    parents: dict[int, AccountRow] = {}
    for link in links:
        row = parents.setdefault(
            link.guardian_id,
            AccountRow(person=link.guardian, is_student=False, children=[], is_staff_member=False),
        )
        row.children.append(by_id[link.student_id])
    people_ids = [student.person_id for student in students] + list(parents)
    staff = set(
        Membership.objects.filter(
            person_id__in=people_ids, kind=Membership.Kind.STAFF, is_archived=False
        ).values_list("person_id", flat=True)
    )
    rows = [
        AccountRow(
            person=student.person,
            is_student=True,
            children=[],
            is_staff_member=student.person_id in staff,
        )
        for student in students
    ]
    rows += [
        AccountRow(
            person=row.person,
            is_student=False,
            children=row.children,
            is_staff_member=row.person.pk in staff,
        )
        for row in parents.values()
    ]
    return rows
