"""The two commands of «Пакетное обновление»: «1. Выгрузка данных» writes the scope's students and
parents to a workbook; «2. Обновление данных» checks an edited workbook as a whole (an import
run, refused with its diagnostics or checked with its dry run) and applies a checked run in one
transaction."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parta.core import audit, calendar
from parta.exchange import policies
from parta.exchange.batch.cells import to_cell
from parta.exchange.batch.checks import Plan, Writer, Writes, check_workbook
from parta.exchange.batch.diagnostics import BatchFileError, Problem
from parta.exchange.batch.fields import (
    GUARDIANS_SHEET,
    STUDENTS_SHEET,
    Column,
    Target,
    guardian_columns,
    student_columns,
)
from parta.exchange.batch.readers import open_workbook
from parta.exchange.batch.scope import Scope, batch_scope, scope_guardianships, scope_students
from parta.exchange.batch.writers import FileFormat, Sheet, write_workbook
from parta.exchange.models import ImportRun
from parta.identity.models import Membership
from parta.school.models import SchoolClass
from parta.students.models import Guardianship, Student
from parta.students.policies import readable_sections, writable_sections
from parta.students.services.batch import update_cards_in_bulk

#: The largest workbook taken: a school of 3,000 students with the full field lists is ~3 MB.
MAX_FILE_SIZE = 20 * 1024 * 1024


@dataclass(frozen=True)
class ExportOptions:
    student_fields: str
    guardian_fields: str
    file_format: str


def _student_row(columns: list[Column], student: Student, school_class: SchoolClass | None):
    row = []
    for column in columns:
        if column.target == Target.ID:
            value: Any = student.pk
        elif column.target == Target.CLASS:
            value = str(school_class) if school_class else ""
        elif column.target == Target.PERSON:
            value = getattr(student.person, column.key)
        else:
            value = getattr(student, column.key)
        row.append(to_cell(column, value))
    return row


def _guardian_row(columns: list[Column], guardianship: Guardianship):
    student = guardianship.student
    values = {
        Target.ID: guardianship.pk,
        Target.STUDENT_ID: student.pk,
        Target.STUDENT_NAME: student.person.full_name,
        Target.STUDENT_BIRTH_DATE: student.person.birth_date,
        Target.RELATION: guardianship.relation,
    }
    return [
        to_cell(
            column,
            getattr(guardianship.guardian, column.key)
            if column.target == Target.PERSON
            else values[column.target],
        )
        for column in columns
    ]


def file_name(scope: Scope, file_format: str) -> str:
    """«ученики_5А_2026-11-25.xls»."""
    what = str(scope.school_class or (f"{scope.grade}" if scope.grade is not None else "все"))
    return f"ученики_{what}_{calendar.today().isoformat()}.{file_format}"


def export_workbook(
    *, viewer: Membership, scope: Scope, options: ExportOptions, out: BinaryIO
) -> int:
    """«1. Выгрузка данных»: the scope's students and their parents with the chosen field lists,
    only the card's sections the viewer reads; returns how many students were written."""
    organization = scope.organization
    if not policies.can_exchange(viewer, organization):
        raise PermissionDenied
    sections = readable_sections(viewer, organization.pk)
    students = student_columns(sections, options.student_fields)
    guardians = guardian_columns(sections, options.guardian_fields)
    count = 0

    def student_rows() -> Iterator[list[Any]]:
        nonlocal count
        for student, school_class in scope_students(scope):
            count += 1
            yield _student_row(students, student, school_class)

    sheets = [Sheet(STUDENTS_SHEET, [c.header for c in students], student_rows())]
    if guardians:
        rows = (
            _guardian_row(guardians, guardianship)
            for guardianship in scope_guardianships(scope).iterator(chunk_size=2000)
        )
        sheets.append(Sheet(GUARDIANS_SHEET, [c.header for c in guardians], rows))
    file_format = FileFormat(options.file_format)
    write_workbook(file_format, sheets, out)
    audit.record(
        actor=viewer,
        action="students.cards_exported",
        target=organization,
        after={
            "scope": str(scope.school_class or scope.grade or ""),
            "students": count,
            "sections": sorted(sections),
        },
        organization_id=organization.pk,
    )
    return count


def _check(actor: Membership, scope: Scope, content: bytes, write: Writer | None = None) -> Plan:
    try:
        workbook = open_workbook(content)
        organization_id = scope.organization.pk
        return check_workbook(
            workbook=workbook,
            scope=scope,
            readable=readable_sections(actor, organization_id),
            writable=writable_sections(actor, organization_id),
            write=write,
        )
    except BatchFileError as error:
        return Plan(problems=error.problems)


def too_large_problem() -> Problem:
    return Problem(
        code="too_large",
        message=_("The file is larger than %(size)s MB: split it by classes.")
        % {"size": MAX_FILE_SIZE // (1024 * 1024)},
    )


def check_upload(
    *, actor: Membership, scope: Scope, filename: str, content: bytes | None
) -> ImportRun:
    """«2. Обновление данных», first step: check the whole file; keep it with its dry run, or
    refuse it with every problem found. `content` is None for a file over the size limit."""
    organization = scope.organization
    if not policies.can_exchange(actor, organization):
        raise PermissionDenied
    if content is None or len(content) > MAX_FILE_SIZE:
        plan = Plan(problems=[too_large_problem()])
    else:
        plan = _check(actor, scope, content)
    run = ImportRun(
        organization=organization,
        author=actor,
        kind=ImportRun.Kind.BATCH_UPDATE,
        status=ImportRun.Status.REFUSED if plan.problems else ImportRun.Status.CHECKED,
        filename=filename[:255],
        scope=scope.as_dict(),
        report=plan.report(),
    )
    if not plan.problems:
        run.file.save(f"batch-{organization.pk}.bin", ContentFile(content or b""), save=False)
    run.save()
    return run


def run_scope(actor: Membership, run: ImportRun) -> Scope | None:
    """The scope the run was checked in."""
    return batch_scope(
        viewer=actor,
        grade=run.scope.get("grade"),
        school_class=run.scope.get("school_class"),
    )


def _refuse(run: ImportRun, problems: list[Problem]) -> ImportRun:
    run.status = ImportRun.Status.REFUSED
    run.report = {**run.report, "problems": [problem.as_dict() for problem in problems]}
    run.save(update_fields=["status", "report"])
    return run


def apply_run(*, actor: Membership, run: ImportRun) -> ImportRun:
    """«Применить»: check the kept file again (the cards may have changed meanwhile), writing
    each chunk of rows as soon as it is checked, all in one transaction; on any problem the
    transaction rolls back, nothing is written and the run is refused with every problem."""
    scope = run_scope(actor, run)
    if scope is None or run.organization_id != scope.organization.pk:
        raise PermissionDenied
    if run.status != ImportRun.Status.CHECKED:
        raise ValidationError(
            _("This file has already been applied or refused."), code="not_checked"
        )
    with run.file.open("rb") as stored:
        content = stored.read()
    applied = {"students": 0, "guardians": 0, "new_students": 0, "new_guardians": 0}

    def write(writes: Writes) -> list[Student]:
        result = update_cards_in_bulk(
            actor=actor,
            organization=scope.organization,
            on=calendar.today(),
            card_edits=writes.card_edits,
            guardian_edits=writes.guardian_edits,
            new_students=writes.new_students,
            new_guardians=writes.new_guardians,
        )
        applied["students"] += result.updated_students
        applied["guardians"] += result.updated_guardians
        applied["new_students"] += len(result.created_students)
        applied["new_guardians"] += result.created_guardianships
        return result.created_students

    try:
        with transaction.atomic():
            plan = _check(actor, scope, content, write)
            if plan.problems:
                transaction.set_rollback(True)
            else:
                run.status = ImportRun.Status.APPLIED
                run.applied_at = timezone.now()
                run.report = {**plan.report(), "applied": applied}
                run.save(update_fields=["status", "applied_at", "report"])
    except ValidationError as error:
        code = getattr(error, "code", None) or "invalid"
        return _refuse(run, [Problem(code=code, message=" ".join(error.messages))])
    if plan.problems:
        return _refuse(run, plan.problems)
    run.file.delete(save=True)  # kept only until it is applied
    return run
