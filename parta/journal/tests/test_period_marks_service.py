"""Term, half-year, year, exam and final marks (`set_period_mark`)."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parta.core.models import AuditEntry
from parta.identity.models import OrgRole
from parta.journal.models import CorrectionPermit, Mark
from parta.journal.services.cells import CellConflict
from parta.journal.services.period_marks import set_period_mark
from parta.school.models import AcademicYear


def put(
    region,
    school,
    *,
    persona="teacher",
    student="student",
    kind="term",
    number=2,
    text="5",
    seen="",
):
    return set_period_mark(
        actor=region.member(persona),
        assignment=school.assignments["math_5a"],
        student=school.students[student],
        kind=kind,
        number=number,
        text=text,
        seen=seen,
    )


def period_marks(school):
    return list(
        Mark.objects.filter(assignment=school.assignments["math_5a"])
        .exclude(kind="current")
        .order_by("id")
        .values_list("kind", "period_number", "value")
    )


def close(term):
    term.closed_at = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)
    term.save()


def test_teacher_sets_a_term_mark(region, school):
    assert put(region, school) == "5"
    assert period_marks(school) == [("term", 2, "5")]
    entry = AuditEntry.objects.get(action="journal.period_mark_set")
    assert entry.before["value"] == "" and entry.after["value"] == "5"


def test_teacher_changes_and_removes_a_mark(region, school):
    put(region, school, text="4")
    assert put(region, school, text="5", seen="4") == "5"
    assert period_marks(school) == [("term", 2, "5")]
    assert put(region, school, text="", seen="5") == ""
    assert period_marks(school) == []
    assert AuditEntry.objects.filter(action="journal.period_mark_set").count() == 3


@pytest.mark.parametrize(
    ("kind", "number"),
    [("term", 1), ("term", 2), ("half", 1), ("year", 0), ("exam", 0), ("final", 0)],
)
def test_every_column_of_a_year_in_quarters(region, school, kind, number):
    assert put(region, school, kind=kind, number=number, text="4") == "4"
    assert period_marks(school) == [(kind, number, "4")]


@pytest.mark.parametrize(
    ("kind", "number"), [("term", 5), ("half", 3), ("year", 1), ("current", 0)]
)
def test_unknown_column_is_refused(region, school, kind, number):
    with pytest.raises(ValidationError):
        put(region, school, kind=kind, number=number)
    assert period_marks(school) == []


@pytest.mark.parametrize("text", ["6", "0", "7", "54", "н", "зч"])
def test_mark_outside_the_scale_is_refused(region, school, text):
    with pytest.raises(ValidationError):
        put(region, school, text=text)
    assert period_marks(school) == []


def test_pass_fail_journal(region, school):
    assignment = school.assignments["math_5a"]
    assignment.is_pass_fail = True
    assignment.save()
    assert put(region, school, text="зч") == "ЗЧ"
    with pytest.raises(ValidationError):
        put(region, school, text="5", seen="ЗЧ")
    assert period_marks(school) == [("term", 2, "зч")]


def test_period_not_begun_is_refused(region, school):
    with pytest.raises(ValidationError) as error:
        put(region, school, kind="term", number=3)
    assert error.value.code == "future_period"


def test_student_not_in_the_group_is_refused(region, school):
    with pytest.raises(ValidationError) as error:
        put(region, school, student="pupil_5b")
    assert error.value.code == "student_not_in_group"
    assert period_marks(school) == []


@pytest.mark.parametrize("persona", ["deputy_head", "director", "admin", "other_school_teacher"])
def test_only_the_teacher_of_the_journal_writes(region, school, persona):
    with pytest.raises(PermissionDenied):
        put(region, school, persona=persona)
    assert period_marks(school) == []


def test_class_teacher_of_another_journal_cannot_write(region, school):
    with pytest.raises(PermissionDenied):
        set_period_mark(
            actor=region.member("teacher"),
            assignment=school.assignments["history_5a"],
            student=school.students["student"],
            kind="term",
            number=2,
            text="5",
            seen="",
        )


def test_director_teaching_history_writes_in_the_teacher_role(region, school):
    director = region.member("director").acting_as(OrgRole.TEACHER)
    text = set_period_mark(
        actor=director,
        assignment=school.assignments["history_5a"],
        student=school.students["student"],
        kind="term",
        number=2,
        text="5",
        seen="",
    )
    assert text == "5"


def test_term_mark_locks_with_its_term_until_a_permit(region, school):
    close(school.terms[0])
    with pytest.raises(ValidationError) as error:
        put(region, school, number=1)
    assert error.value.code == "journal_closed"
    # the other columns stay open
    assert put(region, school, number=2) == "5"
    CorrectionPermit.objects.create(
        term=school.terms[0],
        assignment=school.assignments["math_5a"],
        granted_by=region.member("deputy_head"),
        reason="Исправление",
        valid_until=date(2026, 11, 30),
    )
    assert put(region, school, number=1) == "5"


def test_half_year_locks_with_its_last_quarter(region, school):
    close(school.terms[1])
    with pytest.raises(ValidationError):
        put(region, school, kind="half", number=1)
    assert put(region, school, kind="year", number=0) == "5"


@pytest.mark.parametrize("kind", ["year", "exam", "final"])
def test_year_marks_lock_with_the_last_term(region, school, kind):
    close(school.terms[-1])
    with pytest.raises(ValidationError):
        put(region, school, kind=kind, number=0)
    assert period_marks(school) == []


def test_archived_year_locks_every_column(region, school):
    AcademicYear.objects.filter(pk=school.year.pk).update(is_archived=True)
    for kind, number in (("term", 2), ("year", 0), ("final", 0)):
        with pytest.raises(ValidationError):
            put(region, school, kind=kind, number=number)
    assert period_marks(school) == []


def test_changed_meanwhile_is_refused_and_logged(region, school):
    # given the mark 4 set in another tab
    put(region, school, text="4")
    # when a tab that still shows the cell empty saves 5
    with pytest.raises(CellConflict) as conflict:
        put(region, school, text="5", seen="")
    # then 4 stays, the current value is told, and the refusal is in the audit log
    assert conflict.value.current.text == "4"
    assert period_marks(school) == [("term", 2, "4")]
    entry = AuditEntry.objects.get(action="journal.cell_conflict")
    assert entry.before["value"] == "4" and entry.after["value"] == "5"
