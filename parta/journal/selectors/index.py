"""The journals a member may open, by class, with the regulation's overdue lessons counted."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from parta.core import calendar
from parta.identity.models import Membership
from parta.journal import policies
from parta.journal.deadlines import overdue_cutoff
from parta.journal.models import CorrectionPermit, Lesson, Mark
from parta.school.models import AcademicYear, SchoolClass, TeachingAssignment


@dataclass
class JournalRow:
    assignment: TeachingAssignment
    overdue: int
    is_own: bool


@dataclass
class ClassJournals:
    school_class: SchoolClass
    can_set_absence_reasons: bool
    can_view_reports: bool
    rows: list[JournalRow] = field(default_factory=list)


def overdue_lessons() -> Q:
    """Lessons that lack a topic or marks (a filter on `Lesson`)."""
    return Q(topic="") | ~Exists(Mark.objects.filter(lesson=OuterRef("pk")))


def journal_index(*, viewer: Membership, year: AcademicYear) -> list[ClassJournals]:
    """Journals of the year the viewer may open, grouped by class (two queries)."""
    assignments = list(
        TeachingAssignment.objects.filter(
            policies.visible_assignments(viewer), group__school_class__year=year
        ).select_related(
            "group__school_class__class_teacher__person",
            "group__school_class__organization",
            "subject",
            "teacher__person",
        )
    )
    cutoff = overdue_cutoff(calendar.today())
    overdue = dict(
        Lesson.objects.filter(overdue_lessons(), assignment__in=assignments, date__lte=cutoff)
        .values("assignment")
        .annotate(count=Count("id"))
        .values_list("assignment", "count")
    )
    classes: dict[int, ClassJournals] = {}
    for assignment in sorted(
        assignments,
        key=lambda a: (a.group.school_class.grade, a.group.school_class.letter, a.subject.name),
    ):
        school_class = assignment.group.school_class
        entry = classes.get(school_class.pk)
        if entry is None:
            entry = classes[school_class.pk] = ClassJournals(
                school_class=school_class,
                can_set_absence_reasons=policies.can_set_absence_reasons(viewer, school_class),
                can_view_reports=policies.can_view_class_reports(viewer, school_class),
            )
        entry.rows.append(
            JournalRow(
                assignment=assignment,
                overdue=overdue.get(assignment.pk, 0),
                is_own=assignment.teacher_id == viewer.pk,
            )
        )
    return list(classes.values())


def permits(*, year: AcademicYear) -> list[CorrectionPermit]:
    """Correction permits of the year, newest first."""
    return list(
        CorrectionPermit.objects.filter(term__year=year)
        .select_related(
            "term__year",
            "assignment__group__school_class",
            "assignment__subject",
            "assignment__teacher__person",
            "granted_by__person",
        )
        .order_by("-created_at")
    )
