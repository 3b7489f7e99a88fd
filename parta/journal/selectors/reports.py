"""Reads for the reports of the deputy head and the class teacher: «Итоги», students at risk,
journal filling. Each report costs a fixed number of queries whatever the school's size: counts
and sums are aggregated in the database, never per student or per teacher.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least

from parta.identity.models import Membership
from parta.journal import policies
from parta.journal.deadlines import overdue_cutoff
from parta.journal.grading import FIVE_POINT
from parta.journal.models import Attendance, Lesson, Mark, MarkKind
from parta.orgs.models import Organization
from parta.school import policies as school_policies
from parta.school.models import AcademicYear, SchoolClass, StudyGroup, TeachingAssignment, Term
from parta.school.selectors.calendar import current_year
from parta.students.models import ClassEnrolment, GroupMembership, Student

TWO_PLACES = Decimal("0.01")
ONE_PLACE = Decimal("0.1")
#: Attendance kinds that mean the student missed the lesson (ОП, lateness, does not).
MISSED = (Attendance.Kind.ABSENT, Attendance.Kind.ILL, Attendance.Kind.EXCUSED)


class SubqueryCount(Func):
    """COUNT in a correlated subquery without GROUP BY (one row whatever the match)."""

    function = "COUNT"
    output_field = IntegerField()


class CountDistinct(Func):
    """COUNT(DISTINCT …) in a correlated subquery without GROUP BY."""

    template = "COUNT(DISTINCT %(expressions)s)"
    output_field = IntegerField()


# --- Scope: which school, year and classes the viewer reports on ----------------------------


@dataclass
class ReportScope:
    """The school a viewer reports on, its current year and the classes open to the viewer."""

    organization: Organization
    year: AcademicYear | None
    terms: list[Term]
    classes: list[SchoolClass]
    whole_school: bool

    def term(self, number: int) -> Term | None:
        return next((term for term in self.terms if term.number == number), None)

    def current_term(self, today: date) -> Term | None:
        """The term containing today, else the last one begun, else the first."""
        started = [term for term in self.terms if term.starts_on <= today]
        for term in started:
            if term.contains(today):
                return term
        if started:
            return started[-1]
        return self.terms[0] if self.terms else None

    def school_class(self, class_id: int) -> SchoolClass | None:
        return next(
            (school_class for school_class in self.classes if school_class.pk == class_id), None
        )


def report_schools(*, viewer: Membership) -> list[Organization]:
    """Subordinate schools an authority employee may choose for the reports."""
    if not policies.can_choose_report_school(viewer):
        return []
    return list(
        Organization.objects.filter(
            school_policies.visible_schools(viewer, school_policies.Action.VIEW_REPORTS),
            kind=Organization.Kind.SCHOOL,
            is_active=True,
        )
        .select_related("municipality")
        .order_by("municipality__name", "short_name", "pk")
    )


def report_scope(
    *, viewer: Membership, organization_id: int | None, today: date
) -> ReportScope | None:
    """The school's reports open to the viewer, or None when there are none (a 404)."""
    if organization_id is None:
        return None
    if viewer.organization_id == organization_id and viewer.organization is not None:
        organization = viewer.organization
    else:
        organization = Organization.objects.filter(
            pk=organization_id, kind=Organization.Kind.SCHOOL
        ).first()
    if organization is None:
        return None
    whole_school = policies.can_view_school_reports(viewer, organization)
    if not whole_school and not school_policies.is_teacher(viewer):
        return None
    year = current_year(organization.pk, today)
    if year is None:
        return (
            ReportScope(
                organization=organization, year=None, terms=[], classes=[], whole_school=True
            )
            if whole_school
            else None
        )
    classes = list(
        SchoolClass.objects.filter(
            policies.visible_report_classes(viewer, organization), year=year
        ).select_related("class_teacher__person")
    )
    if not whole_school and not classes:
        return None
    return ReportScope(
        organization=organization,
        year=year,
        terms=list(year.terms.order_by("number")),
        classes=classes,
        whole_school=whole_school,
    )


# --- Shared pieces ----------------------------------------------------------------------------


def _average(total: int, weights: int) -> Decimal | None:
    """The weighted average as `grading.weighted_average` rounds it (two places, half up)."""
    if not weights:
        return None
    return (Decimal(total) / weights).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _numeric_marks():
    """Current marks on the five-point scale (pass/fail marks do not average)."""
    return Mark.objects.filter(kind=MarkKind.CURRENT, value__in=FIVE_POINT)


def _weighted_sums(queryset, *fields: str):
    """(fields…, total, weights) of marks grouped by `fields`, summed in the database."""
    return (
        queryset.order_by()
        .values(*fields)
        .annotate(
            total=Sum(Cast("value", IntegerField()) * F("weight")),
            weights=Sum("weight"),
        )
    )


def _name_key(student: Student) -> tuple[str, str, str, int]:
    person = student.person
    return (person.last_name, person.first_name, person.middle_name, student.pk)


def _enrolments_in(term: Term, classes) -> list[ClassEnrolment]:
    """Stays in these classes that overlap the term."""
    return list(
        ClassEnrolment.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=term.starts_on),
            school_class__in=classes,
            starts_on__lte=term.ends_on,
        )
        .select_related("student__person", "school_class")
        .order_by("starts_on", "pk")
    )


# --- «Итоги»: one class, one term -------------------------------------------------------------


@dataclass
class Absences:
    """Lessons missed in the term: all, of them Б, У, Н; and lateness (ОП) apart."""

    ill: int = 0
    excused: int = 0
    unexcused: int = 0
    late: int = 0

    @property
    def total(self) -> int:
        return self.ill + self.excused + self.unexcused

    def add(self, kind: str, count: int) -> None:
        if kind == Attendance.Kind.ILL:
            self.ill += count
        elif kind == Attendance.Kind.EXCUSED:
            self.excused += count
        elif kind == Attendance.Kind.ABSENT:
            self.unexcused += count
        elif kind == Attendance.Kind.LATE:
            self.late += count


@dataclass
class ResultCell:
    """A student's result in a subject: the term mark if set, else the weighted average."""

    applies: bool
    term_mark: str = ""
    average: Decimal | None = None

    @property
    def is_term_mark(self) -> bool:
        return bool(self.term_mark)

    @property
    def value(self) -> int | str | Decimal | None:
        """What the cell shows: 5, «зч», or 4.33 (the average, in grey)."""
        if self.term_mark:
            return int(self.term_mark) if self.term_mark.isdigit() else self.term_mark
        return self.average

    @property
    def grade(self) -> int | str | None:
        """The whole mark that counts for quality and success: the term mark, else the average
        rounded half up; «зч»/«нз» for pass/fail subjects."""
        if self.term_mark:
            return int(self.term_mark) if self.term_mark.isdigit() else self.term_mark
        if self.average is None:
            return None
        return int(self.average.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class ResultRow:
    student: Student
    joined_on: date | None
    left_on: date | None
    cells: list[ResultCell]
    absences: Absences


@dataclass
class SubjectSummary:
    """The class over one subject: average of the results, quality (4 and 5) and success (no 2),
    as percentages of the students with a result."""

    average: Decimal | None
    quality: Decimal | None
    success: Decimal | None
    counted: int


@dataclass
class SubjectColumn:
    subject_id: int
    name: str
    is_pass_fail: bool
    assignments: list[TeachingAssignment] = field(default_factory=list)


@dataclass
class ResultsReport:
    school_class: SchoolClass
    term: Term
    columns: list[SubjectColumn]
    rows: list[ResultRow]
    summaries: list[SubjectSummary]
    absences: Absences


def class_results(*, school_class: SchoolClass, term: Term) -> ResultsReport:
    """«Итоги» of a class for a term: students × subjects, absences, and the class's figures
    per subject, in six queries whatever the class size."""
    assignments = list(
        TeachingAssignment.objects.filter(group__school_class=school_class).select_related(
            "subject", "group"
        )
    )
    columns: dict[int, SubjectColumn] = {}
    for assignment in sorted(assignments, key=lambda a: (a.subject.name, a.pk)):
        column = columns.setdefault(
            assignment.subject_id,
            SubjectColumn(
                subject_id=assignment.subject_id,
                name=assignment.subject.name,
                is_pass_fail=assignment.is_pass_fail,
            ),
        )
        column.assignments.append(assignment)
    enrolments = _enrolments_in(term, [school_class])
    subgroup_members = set(
        GroupMembership.objects.filter(
            group__school_class=school_class, group__is_whole_class=False
        ).values_list("student_id", "group_id")
    )
    sums = {
        (row["student_id"], row["assignment_id"]): (row["total"], row["weights"])
        for row in _weighted_sums(
            _numeric_marks().filter(
                assignment__in=assignments, lesson__date__range=(term.starts_on, term.ends_on)
            ),
            "student_id",
            "assignment_id",
        )
    }
    term_marks = {
        (student_id, assignment_id): value
        for student_id, assignment_id, value in Mark.objects.filter(
            assignment__in=assignments,
            kind=MarkKind.TERM,
            period_number=term.number,
        ).values_list("student_id", "assignment_id", "value")
    }
    absences: dict[int, Absences] = {}
    for row in (
        Attendance.objects.filter(
            lesson__assignment__group__school_class=school_class,
            lesson__date__range=(term.starts_on, term.ends_on),
        )
        .order_by()
        .values("student_id", "kind")
        .annotate(count=Count("pk"))
    ):
        absences.setdefault(row["student_id"], Absences()).add(row["kind"], row["count"])

    stays: dict[int, list[ClassEnrolment]] = {}
    for enrolment in enrolments:
        stays.setdefault(enrolment.student_id, []).append(enrolment)
    rows: list[ResultRow] = []
    for student_id, student_stays in stays.items():
        student = student_stays[0].student
        cells = [
            _result_cell(column, student_id, subgroup_members, sums, term_marks)
            for column in columns.values()
        ]
        first, last = student_stays[0], student_stays[-1]
        rows.append(
            ResultRow(
                student=student,
                joined_on=first.starts_on if first.starts_on > term.starts_on else None,
                left_on=last.ends_on if last.ends_on and last.ends_on < term.ends_on else None,
                cells=cells,
                absences=absences.get(student_id, Absences()),
            )
        )
    rows.sort(key=lambda row: _name_key(row.student))
    summaries = [
        _subject_summary([row.cells[index] for row in rows]) for index in range(len(columns))
    ]
    total = Absences()
    for row in rows:
        total.ill += row.absences.ill
        total.excused += row.absences.excused
        total.unexcused += row.absences.unexcused
        total.late += row.absences.late
    return ResultsReport(
        school_class=school_class,
        term=term,
        columns=list(columns.values()),
        rows=rows,
        summaries=summaries,
        absences=total,
    )


def _result_cell(
    column: SubjectColumn,
    student_id: int,
    subgroup_members: set[tuple[int, int]],
    sums: dict[tuple[int, int], tuple[int, int]],
    term_marks: dict[tuple[int, int], str],
) -> ResultCell:
    """Marks of the column's journals the student sits in (a subgroup counts for its members;
    marks a student already has in a journal count too)."""
    applies = False
    total = weights = 0
    term_mark = ""
    for assignment in column.assignments:
        key = (student_id, assignment.pk)
        member = assignment.group.is_whole_class or (student_id, assignment.group_id) in (
            subgroup_members
        )
        if not (member or key in sums or key in term_marks):
            continue
        applies = True
        assignment_total, assignment_weights = sums.get(key, (0, 0))
        total += assignment_total
        weights += assignment_weights
        term_mark = term_mark or term_marks.get(key, "")
    return ResultCell(applies=applies, term_mark=term_mark, average=_average(total, weights))


def _subject_summary(cells: list[ResultCell]) -> SubjectSummary:
    grades = [cell.grade for cell in cells if cell.applies and cell.grade is not None]
    values = [
        Decimal(cell.value) if isinstance(cell.value, int) else cell.value
        for cell in cells
        if cell.applies and isinstance(cell.value, int | Decimal)
    ]
    numeric = [grade for grade in grades if isinstance(grade, int)]
    if numeric:
        quality = _percent(sum(1 for grade in numeric if grade >= 4), len(numeric))
        success = _percent(sum(1 for grade in numeric if grade >= 3), len(numeric))
    else:
        quality = None
        success = _percent(sum(1 for grade in grades if grade == Mark.PASS), len(grades))
    average = (
        (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        if values
        else None
    )
    return SubjectSummary(average=average, quality=quality, success=success, counted=len(grades))


# --- Students at risk -------------------------------------------------------------------------


@dataclass
class RiskSubject:
    name: str
    average: Decimal


@dataclass
class RiskRow:
    student: Student
    school_class: SchoolClass
    subjects: list[RiskSubject]
    lessons: int
    missed: int
    missed_percent: Decimal | None
    many_absences: bool


@dataclass
class RiskReport:
    term: Term
    threshold: Decimal
    absence_percent: int
    classes: list[SchoolClass]
    rows: list[RiskRow]


def students_at_risk(
    *,
    classes: list[SchoolClass],
    term: Term,
    threshold: Decimal,
    absence_percent: int,
    today: date,
) -> RiskReport:
    """Students of the classes whose weighted average in a subject for the term is below the
    threshold, or who missed more than the given share of their lessons (three queries)."""
    last_day = min(term.ends_on, today)
    held = (
        Lesson.objects.filter(
            assignment__group__school_class=OuterRef("school_class"),
            date__gte=OuterRef("since"),
            date__lte=OuterRef("until"),
        )
        .filter(
            Q(assignment__group__is_whole_class=True)
            | Exists(
                GroupMembership.objects.filter(
                    student=OuterRef(OuterRef("student")), group=OuterRef("assignment__group")
                )
            )
        )
        .order_by()
        .annotate(count=SubqueryCount("pk"))
        .values("count")
    )
    enrolments = list(
        ClassEnrolment.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=term.starts_on),
            school_class__in=classes,
            starts_on__lte=term.ends_on,
        )
        .annotate(
            since=Greatest("starts_on", Value(term.starts_on), output_field=DateField()),
            until=Least(
                Coalesce("ends_on", Value(last_day)), Value(last_day), output_field=DateField()
            ),
        )
        .annotate(lessons=Subquery(held, output_field=IntegerField()))
        .select_related("student__person", "school_class")
        .order_by("starts_on", "pk")
    )
    missed = dict(
        Attendance.objects.filter(
            kind__in=MISSED,
            lesson__assignment__group__school_class__in=classes,
            lesson__date__range=(term.starts_on, last_day),
        )
        .order_by()
        .values("student_id")
        .annotate(count=Count("pk"))
        .values_list("student_id", "count")
    )
    # A rounded average below the threshold: total / weights < threshold − 0.005, in whole
    # numbers so that both databases compare exactly.
    scale = int((threshold * 200).to_integral_value(rounding=ROUND_HALF_UP)) - 1
    low: dict[int, list[RiskSubject]] = {}
    for row in (
        _weighted_sums(
            _numeric_marks().filter(
                assignment__group__school_class__in=classes,
                lesson__date__range=(term.starts_on, term.ends_on),
            ),
            "student_id",
            "assignment__subject__name",
        )
        .annotate(scaled=F("total") * 200)
        .filter(scaled__lt=F("weights") * scale)
        .order_by("assignment__subject__name")
    ):
        average = _average(row["total"], row["weights"])
        low.setdefault(row["student_id"], []).append(
            RiskSubject(name=row["assignment__subject__name"], average=average)
        )
    students: dict[int, tuple[Student, SchoolClass, int]] = {}
    for enrolment in enrolments:
        _student, _class, lessons = students.get(enrolment.student_id, (None, None, 0))
        students[enrolment.student_id] = (
            enrolment.student,
            enrolment.school_class,
            lessons + (enrolment.lessons or 0),
        )
    rows: list[RiskRow] = []
    for student_id, (student, school_class, lessons) in students.items():
        absent = missed.get(student_id, 0)
        percent = _percent(absent, lessons)
        many_absences = percent is not None and percent > absence_percent
        subjects = low.get(student_id, [])
        if subjects or many_absences:
            rows.append(
                RiskRow(
                    student=student,
                    school_class=school_class,
                    subjects=subjects,
                    lessons=lessons,
                    missed=absent,
                    missed_percent=percent,
                    many_absences=many_absences,
                )
            )
    rows.sort(
        key=lambda row: (row.school_class.grade, row.school_class.letter, *_name_key(row.student))
    )
    return RiskReport(
        term=term,
        threshold=threshold,
        absence_percent=absence_percent,
        classes=classes,
        rows=rows,
    )


# --- Journal filling --------------------------------------------------------------------------


@dataclass
class FillingRow:
    teacher: Membership
    journals: list[TeachingAssignment]
    held: int = 0
    without_topic: int = 0
    without_marks: int = 0
    overdue: int = 0
    missing_term_marks: int = 0
    #: (journal, URL of its grid), filled in by the view.
    journal_links: list[tuple[TeachingAssignment, str]] = field(default_factory=list)

    @property
    def sort_key(self) -> tuple:
        person = self.teacher.person
        return (
            -self.overdue,
            -self.missing_term_marks,
            -self.without_topic,
            -self.without_marks,
            person.last_name,
            person.first_name,
            self.teacher.pk,
        )


@dataclass
class FillingReport:
    starts_on: date
    ends_on: date
    cutoff: date
    ended_terms: list[Term]
    rows: list[FillingRow]


def _missing_term_marks(term: Term) -> Subquery:
    """Students of a journal's group on the term's last day who have no period mark in it."""
    students = (
        ClassEnrolment.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=term.ends_on),
            school_class=OuterRef("group__school_class"),
            starts_on__lte=term.ends_on,
        )
        .filter(
            Exists(StudyGroup.objects.filter(pk=OuterRef(OuterRef("group")), is_whole_class=True))
            | Exists(
                GroupMembership.objects.filter(
                    student=OuterRef("student"), group=OuterRef(OuterRef("group"))
                )
            )
        )
        .exclude(
            Exists(
                Mark.objects.filter(
                    kind=MarkKind.TERM,
                    period_number=term.number,
                    student=OuterRef("student"),
                    assignment=OuterRef(OuterRef("pk")),
                )
            )
        )
        .order_by()
        .annotate(count=CountDistinct("student"))
        .values("count")
    )
    return Subquery(students, output_field=IntegerField())


def journal_filling(
    *,
    organization: Organization,
    year: AcademicYear,
    terms: list[Term],
    starts_on: date,
    ends_on: date,
    today: date,
) -> FillingReport:
    """Per teacher of the school: lessons held in the span, without a topic, without marks,
    overdue by the regulation (seed 004, 3.3.5: topic and marks within one working day), and
    period marks missing for terms that ended in the span (due by the term's last day); the
    worst first. Three queries whatever the number of teachers and lessons."""
    cutoff = overdue_cutoff(today)
    has_marks = Exists(Mark.objects.filter(lesson=OuterRef("pk")))
    lessons = (
        Lesson.objects.filter(
            organization=organization,
            assignment__group__school_class__year=year,
            date__gte=starts_on,
            date__lte=ends_on,
            date__lt=today,
        )
        .annotate(acting=Coalesce("substitute_id", "teacher_id"))
        .order_by()
        .values("acting")
        .annotate(
            held=Count("pk"),
            without_topic=Count("pk", filter=Q(topic="")),
            without_marks=Count("pk", filter=~has_marks),
            overdue=Count("pk", filter=Q(date__lte=cutoff) & (Q(topic="") | ~has_marks)),
        )
    )
    ended = [
        term for term in terms if starts_on <= term.ends_on <= ends_on and term.ends_on < today
    ]
    assignments = list(
        TeachingAssignment.objects.filter(
            group__school_class__year=year, group__school_class__organization=organization
        )
        .annotate(**{f"missing_{term.number}": _missing_term_marks(term) for term in ended})
        .select_related("group__school_class", "subject")
        .order_by("group__school_class__grade", "group__school_class__letter", "subject__name")
    )
    counts = {row["acting"]: row for row in lessons}
    teacher_ids = {assignment.teacher_id for assignment in assignments} | set(counts)
    teachers = Membership.objects.filter(pk__in=teacher_ids).select_related("person")
    rows = {teacher.pk: FillingRow(teacher=teacher, journals=[]) for teacher in teachers}
    for assignment in assignments:
        row = rows[assignment.teacher_id]
        row.journals.append(assignment)
        row.missing_term_marks += sum(
            getattr(assignment, f"missing_{term.number}") or 0 for term in ended
        )
    for teacher_id, count in counts.items():
        row = rows[teacher_id]
        row.held = count["held"]
        row.without_topic = count["without_topic"]
        row.without_marks = count["without_marks"]
        row.overdue = count["overdue"]
    return FillingReport(
        starts_on=starts_on,
        ends_on=ends_on,
        cutoff=cutoff,
        ended_terms=ended,
        rows=sorted(rows.values(), key=lambda row: row.sort_key),
    )
