"""Загрузить OneRoster: apply a checked roster to the school's current year in one transaction.

People are matched by the sourcedId remembered from an earlier exchange (`ExternalId`), by a
sourcedId this region derived itself, then by ФИО and date of birth across the region (reported
as a possible duplicate). Students get their cards and their stays in the year's classes;
parents, their links and relation; subgroups of scheduled classes, their members. The school's
structure is not created from a file: a class missing in the current year refuses the whole
import (the deputy head adds it on the classes page). Teachers and their classes are matched
only to read the file — staff and teaching assignments are kept by HR and the deputy head.
"""

import re
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parta.core import audit, calendar
from parta.exchange import policies
from parta.exchange.models import ExternalId, ImportRun
from parta.exchange.oneroster import mapping as spec
from parta.exchange.oneroster.reading import (
    MAX_UPLOAD_BYTES,
    Problem,
    Record,
    Roster,
    RosterRefused,
    parse_date,
    read_roster,
)
from parta.identity.models import Account, Membership, Person, normalize_login
from parta.identity.services.staff import LOGIN_PATTERN
from parta.identity.services.student_accounts import find_duplicate
from parta.orgs.models import Organization
from parta.school.models import AcademicYear, SchoolClass, StudyGroup, TeachingAssignment
from parta.school.selectors.calendar import current_year
from parta.students.models import Guardianship, Student
from parta.students.services.cards import set_guardian_relation
from parta.students.services.enrolment import add_guardian, create_student, set_group_members
from parta.students.services.roster_import import correct_person, place_student

NAME_MAX_LENGTH = Person._meta.get_field("last_name").max_length
CLASS_NAME = re.compile(r"(\d{1,2})\s*[«\"']?\s*([^\W\d_]{1,5})\s*[»\"']?")


@dataclass(frozen=True)
class Change:
    """One thing the import does (or would do, in a dry run)."""

    kind: str
    label: str


@dataclass
class Outcome:
    changes: list[Change] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for change in self.changes:
            counts[change.kind] += 1
        return dict(counts)

    def as_report(self) -> dict:
        return {
            "changes": [{"kind": c.kind, "label": c.label} for c in self.changes],
            "counts": self.counts(),
            "warnings": [warning.as_dict() for warning in self.warnings],
        }


@dataclass
class _Stay:
    record: Record
    school_class: SchoolClass
    starts_on: date
    ends_on: date | None


class _Import:
    """Matches a roster to the school, then applies it."""

    def __init__(self, actor: Membership, organization: Organization, roster: Roster):
        self.actor, self.organization, self.roster = actor, organization, roster
        self.problems: list[Problem] = []
        self.outcome = Outcome(warnings=list(roster.skipped))
        self.ids = spec.Identifiers(region_code=organization.region.code, external={})
        self.users = roster.by_id(spec.USERS)
        self.demographics = roster.by_id(spec.DEMOGRAPHICS)

    # --- Matching (reads only) ----------------------------------------------------------------

    def error(
        self,
        message: str,
        code: str,
        file: str,
        record: Record | None,
        column: str = "",
        value: str = "",
    ) -> None:
        self.problems.append(
            Problem(file, record.line if record else None, column, value, str(message), code)
        )

    def warn(
        self,
        message: str,
        code: str,
        file: str,
        record: Record | None,
        column: str = "",
        value: str = "",
    ) -> None:
        self.outcome.warnings.append(
            Problem(file, record.line if record else None, column, value, str(message), code)
        )

    def match(self) -> None:
        self.year = current_year(self.organization.pk)
        if self.year is None:
            self.error(_("The school has no academic year to import into."), "no_year", "", None)
            return
        self.roles: dict[str, list[str]] = defaultdict(list)
        for record in self.roster.records(spec.ROLES):
            self.roles[record["userSourcedId"]].append(record["role"])
        self.students = [sid for sid in self.users if "student" in self.roles[sid]]
        self.guardians = [
            sid
            for sid in self.users
            if sid not in self.students and set(self.roles[sid]) & set(spec.GUARDIAN_ROLES)
        ]
        others = len(self.users) - len(self.students) - len(self.guardians)
        if others:
            self.warn(
                ngettext(
                    "%(count)s user is neither a student nor a parent (a teacher, staff): "
                    "staff are not changed by this import.",
                    "%(count)s users are neither students nor parents (teachers, staff): "
                    "staff are not changed by this import.",
                    others,
                )
                % {"count": others},
                "staff_skipped",
                spec.USERS,
                None,
            )
        self.fields = {sid: self._person_fields(sid) for sid in [*self.students, *self.guardians]}
        self._match_people()
        self._match_classes()
        self._match_enrollments()
        self._match_links()

    def _person_fields(self, sid: str) -> dict:
        user = self.users[sid]
        demographics = self.demographics.get(sid)
        birth_date = parse_date(demographics["birthDate"]) if demographics else None
        sex = demographics["sex"] if demographics else ""
        fields = {
            "last_name": user["familyName"],
            "first_name": user["givenName"],
            "middle_name": user["middleName"],
            "has_no_middle_name": not user["middleName"],
            "birth_date": birth_date,
            "sex": sex if sex in ("male", "female") else "",
            "email": user["email"],
            "phone": user["phone"],
        }
        if birth_date and not date(1900, 1, 1) <= birth_date <= calendar.today():
            self.error(
                _("Check the date of birth: it is in the future or before 1900."),
                "birth_date",
                spec.DEMOGRAPHICS,
                demographics,
                "birthDate",
                demographics["birthDate"] if demographics else "",
            )
        for column in ("givenName", "familyName", "middleName"):
            if len(user[column]) > NAME_MAX_LENGTH:
                self.error(
                    _("A name is at most %(limit)s characters long.") % {"limit": NAME_MAX_LENGTH},
                    "too_long",
                    spec.USERS,
                    user,
                    column,
                    user[column],
                )
        return fields

    def _match_people(self) -> None:
        sids = [*self.students, *self.guardians]
        external = dict(
            ExternalId.objects.filter(
                system=spec.SYSTEM, kind=spec.USER, external_id__in=sids
            ).values_list("external_id", "object_id")
        )
        wanted = {sid: external.get(sid) for sid in sids}
        for sid in sids:
            parsed = self.ids.parse(sid)
            if wanted[sid] is None and parsed and parsed[0] == spec.USER:
                wanted[sid] = parsed[1]
        people = Person.objects.in_bulk([pk for pk in wanted.values() if pk])
        self.people: dict[str, Person | None] = {}
        for sid in sids:
            person = people.get(wanted[sid]) if wanted[sid] else None
            fields = self.fields[sid]
            if person is None and fields["birth_date"]:
                duplicate = find_duplicate(fields)
                if duplicate is not None:
                    person = duplicate.person
                    self.warn(
                        _(
                            "Matched to %(name)s, already known with the same name and date of birth."
                        )
                        % {"name": person.full_name},
                        "duplicate",
                        spec.USERS,
                        self.users[sid],
                        "sourcedId",
                        sid,
                    )
            self.people[sid] = person
        self.in_school = set(
            Membership.objects.filter(
                organization=self.organization,
                person__in=[p for p in self.people.values() if p is not None],
            ).values_list("person_id", flat=True)
        )
        usernames = {normalize_login(self.users[sid]["username"]) for sid in sids}
        self.taken_logins = set(
            Account.objects.filter(login__in=usernames).values_list("login", flat=True)
        )

    def _match_classes(self) -> None:
        year_classes = list(SchoolClass.objects.filter(year=self.year))
        by_pk = {c.pk: c for c in year_classes}
        by_name = {(c.grade, c.letter): c for c in year_classes}
        assignments = {
            a.pk: a
            for a in TeachingAssignment.objects.filter(
                group__school_class__year=self.year
            ).select_related("group__school_class", "subject")
        }
        records = self.roster.records(spec.CLASSES)
        external = {
            (kind, sid): pk
            for kind, sid, pk in ExternalId.objects.filter(
                system=spec.SYSTEM,
                kind__in=[spec.CLASS, spec.ASSIGNMENT],
                external_id__in=[r["sourcedId"] for r in records],
            ).values_list("kind", "external_id", "object_id")
        }
        self.homerooms: dict[str, SchoolClass] = {}
        self.scheduled: dict[str, TeachingAssignment] = {}
        for record in records:
            sid = record["sourcedId"]
            parsed = self.ids.parse(sid)
            if record["classType"] == "homeroom":
                pk = external.get((spec.CLASS, sid)) or (
                    parsed[1] if parsed and parsed[0] == spec.CLASS else None
                )
                found = by_pk.get(pk) or self._by_name(
                    by_name, record["title"], record["classCode"]
                )
                if found is None:
                    self.error(
                        _(
                            "Class %(name)s is not in the academic year %(year)s: the deputy head adds it on the classes page first."
                        )
                        % {"name": record["title"], "year": self.year},
                        "unknown_class",
                        spec.CLASSES,
                        record,
                        "title",
                        record["title"],
                    )
                else:
                    self.homerooms[sid] = found
                continue
            pk = external.get((spec.ASSIGNMENT, sid)) or (
                parsed[1] if parsed and parsed[0] == spec.ASSIGNMENT else None
            )
            assignment = assignments.get(pk) or self._assignment_by_name(
                assignments, by_name, record
            )
            if assignment is None:
                self.warn(
                    _(
                        "No teaching assignment of the year matches this class: its enrolments are not applied."
                    ),
                    "unknown_assignment",
                    spec.CLASSES,
                    record,
                    "title",
                    record["title"],
                )
            else:
                self.scheduled[sid] = assignment

    @staticmethod
    def _by_name(by_name: dict, *names: str) -> SchoolClass | None:
        for name in names:
            match = CLASS_NAME.fullmatch(name.strip())
            if match:
                found = by_name.get((int(match.group(1)), match.group(2).upper()))
                if found is not None:
                    return found
        return None

    def _assignment_by_name(
        self, assignments: dict, by_name: dict, record: Record
    ) -> TeachingAssignment | None:
        school_class = self._by_name(by_name, record["classCode"])
        subjects = record.items("subjects")
        if school_class is None or len(subjects) != 1:
            return None
        found = [
            a
            for a in assignments.values()
            if a.group.school_class_id == school_class.pk
            and a.subject.name == subjects[0]
            and a.group.is_whole_class
        ]
        return found[0] if len(found) == 1 else None

    def _default_start(self) -> date:
        today = calendar.today()
        return today if self.year.contains(today) else self.year.starts_on

    def _match_enrollments(self) -> None:
        self.stays: dict[str, list[_Stay]] = defaultdict(list)
        self.subgroups: dict[int, set[str]] = defaultdict(set)
        self.subgroup_objects: dict[int, StudyGroup] = {}
        year = self.year
        for record in self.roster.records(spec.ENROLLMENTS):
            if record["role"] != "student":
                continue
            sid, class_sid = record["userSourcedId"], record["classSourcedId"]
            if sid not in self.students:
                self.error(
                    _("The user is enrolled as a student but has no student role in roles.csv."),
                    "role_mismatch",
                    spec.ENROLLMENTS,
                    record,
                    "userSourcedId",
                    sid,
                )
                continue
            if class_sid in self.scheduled:
                group = self.scheduled[class_sid].group
                if not group.is_whole_class:
                    self.subgroups[group.pk].add(sid)
                    self.subgroup_objects[group.pk] = group
                continue
            school_class = self.homerooms.get(class_sid)
            if school_class is None:
                continue
            starts_on = parse_date(record["beginDate"]) or self._default_start()
            ends_on = parse_date(record["endDate"])
            if (ends_on and ends_on < year.starts_on) or starts_on > year.ends_on:
                self.warn(
                    _("The stay lies outside the academic year %(year)s and is not applied.")
                    % {"year": year},
                    "outside_year",
                    spec.ENROLLMENTS,
                    record,
                    "beginDate",
                    record["beginDate"],
                )
                continue
            starts_on = max(starts_on, year.starts_on)
            if ends_on and ends_on > year.ends_on:
                ends_on = None
            self.stays[sid].append(_Stay(record, school_class, starts_on, ends_on))

    def _match_links(self) -> None:
        students = set(self.students)
        self.links: dict[str, list[str]] = defaultdict(list)
        for sid in self.guardians:
            children = [s for s in self.users[sid].items("agentSourcedIds") if s in students]
            children += [
                s
                for s in self.students
                if sid in self.users[s].items("agentSourcedIds") and s not in children
            ]
            if not children:
                self.warn(
                    _("The parent is linked to no student of the file and is not imported."),
                    "lone_guardian",
                    spec.USERS,
                    self.users[sid],
                    "agentSourcedIds",
                )
            self.links[sid] = children

    # --- Writes ---------------------------------------------------------------------------------

    def change(self, kind: str, label: str) -> None:
        self.outcome.changes.append(Change(kind, label))

    def remember(self, kind: str, sid: str, pk: int) -> None:
        """Keep a sourcedId that is not our own derived one for the row, for the next exchange."""
        if self.ids.parse(sid) == (kind, pk):
            return
        ExternalId.objects.filter(system=spec.SYSTEM, kind=kind, object_id=pk).exclude(
            external_id=sid
        ).delete()
        ExternalId.objects.update_or_create(
            system=spec.SYSTEM, kind=kind, external_id=sid, defaults={"object_id": pk}
        )

    def _login(self, sid: str) -> str:
        login = normalize_login(self.users[sid]["username"])
        if login == sid.lower() or not LOGIN_PATTERN.fullmatch(login) or login in self.taken_logins:
            return ""
        self.taken_logins.add(login)
        return login

    def _correct(self, person: Person, sid: str) -> None:
        if person.pk not in self.in_school:
            return
        fields = self.fields[sid]
        wanted = {
            name: value
            for name, value in fields.items()
            if name in ("last_name", "first_name", "middle_name", "has_no_middle_name") or value
        }
        if any(getattr(person, name) != value for name, value in wanted.items()):
            correct_person(
                actor=self.actor, organization=self.organization, person=person, fields=wanted
            )
            self.change("person_corrected", person.full_name)

    def apply(self) -> None:
        self.student_cards: dict[str, Student] = {}
        for sid in self.students:
            self._apply_student(sid)
        for sid in self.guardians:
            self._apply_guardian(sid)
        for group_id, sids in self.subgroups.items():
            group = self.subgroup_objects[group_id]
            wanted = [self.student_cards[sid] for sid in sids]
            current = set(group.member_rows.values_list("student_id", flat=True))
            if current != {student.pk for student in wanted}:
                set_group_members(actor=self.actor, group=group, students=wanted)
                self.change("group_members_set", str(group))
        for sid, school_class in self.homerooms.items():
            self.remember(spec.CLASS, sid, school_class.pk)
        for sid, assignment in self.scheduled.items():
            self.remember(spec.ASSIGNMENT, sid, assignment.pk)
        if self.outcome.changes:
            audit.record(
                actor=self.actor,
                action="exchange.oneroster_imported",
                target=self.organization,
                after={"changes": self.outcome.counts()},
                organization_id=self.organization.pk,
            )

    def _apply_student(self, sid: str) -> None:
        person = self.people[sid]
        if person is None:
            login = self._login(sid)
            student = create_student(
                actor=self.actor,
                organization=self.organization,
                person_fields=self.fields[sid],
                login=login,
                password=secrets.token_urlsafe(24) if login else "",
            )
            self.change("student_created", student.person.full_name)
        else:
            self._correct(person, sid)
            known = Student.objects.filter(person=person, organization=self.organization).exists()
            student = create_student(
                actor=self.actor, organization=self.organization, person=person
            )
            if not known:
                self.change("student_card_created", person.full_name)
        self.student_cards[sid] = student
        self.remember(spec.USER, sid, student.person_id)
        for stay in sorted(self.stays[sid], key=lambda stay: stay.starts_on):
            placed = place_student(
                actor=self.actor,
                student=student,
                school_class=stay.school_class,
                starts_on=stay.starts_on,
                ends_on=stay.ends_on,
            )
            if placed is not None:
                self.change("placed", f"{student.person.full_name}: {stay.school_class}")
            enrolment = (
                student.enrolments.filter(
                    school_class=stay.school_class, starts_on__lte=stay.starts_on
                )
                .order_by("-starts_on")
                .first()
            )
            if enrolment is not None:
                self.remember(spec.ENROLMENT, stay.record["sourcedId"], enrolment.pk)

    def _apply_guardian(self, sid: str) -> None:
        person = self.people[sid]
        if person is not None:
            self._correct(person, sid)
        role = next(r for r in self.roles[sid] if r in spec.GUARDIAN_ROLES)
        relation = spec.relation_of(role, self.fields[sid]["sex"] or (person.sex if person else ""))
        for student_sid in self.links[sid]:
            student = self.student_cards[student_sid]
            existing = (
                Guardianship.objects.filter(guardian=person, student=student).first()
                if person
                else None
            )
            if existing is not None:
                if existing.relation != relation:
                    set_guardian_relation(
                        actor=self.actor, guardianship=existing, relation=relation
                    )
                    self.change("relation_changed", str(existing))
                continue
            login = self._login(sid) if person is None else ""
            guardianship = add_guardian(
                actor=self.actor,
                student=student,
                relation=relation,
                person=person,
                person_fields=None if person else self.fields[sid],
                login=login,
                password=secrets.token_urlsafe(24) if login else "",
            )
            person = guardianship.guardian
            self.change("guardian_linked", str(guardianship))
        if person is not None:
            self.remember(spec.USER, sid, person.pk)


def import_roster(
    *, actor: Membership, organization: Organization, content: bytes, dry_run: bool
) -> Outcome:
    """Check a OneRoster zip and apply it in one transaction — or, for a dry run, report what it
    would change and roll back. Raises `RosterRefused` listing every problem; nothing is written."""
    if not policies.can_exchange(actor, organization):
        raise PermissionDenied
    job = _Import(actor, organization, read_roster(content))
    job.match()
    if job.problems:
        raise RosterRefused(job.problems)
    try:
        with transaction.atomic():
            job.apply()
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as error:
        raise RosterRefused(
            [Problem("", None, "", "", " ".join(error.messages), error.code or "refused")]
        ) from error
    return job.outcome


def check_upload(
    *, actor: Membership, organization: Organization, upload: UploadedFile
) -> ImportRun:
    """«Загрузить OneRoster»: keep the upload with its dry run, or its diagnostics if refused."""
    if not policies.can_exchange(actor, organization):
        raise PermissionDenied
    run = ImportRun(
        organization=organization,
        author=actor,
        kind=ImportRun.Kind.ONEROSTER,
        filename=(upload.name or "")[:255],
    )
    content = b"" if upload.size and upload.size > MAX_UPLOAD_BYTES else upload.read()
    try:
        if upload.size and upload.size > MAX_UPLOAD_BYTES:
            raise RosterRefused(
                [
                    Problem(
                        "",
                        None,
                        "",
                        "",
                        _("The file is larger than %(limit)s MB.")
                        % {"limit": MAX_UPLOAD_BYTES // 2**20},
                        "too_large",
                    )
                ]
            )
        outcome = import_roster(
            actor=actor, organization=organization, content=content, dry_run=True
        )
    except RosterRefused as refused:
        run.status = ImportRun.Status.REFUSED
        run.report = {"problems": [problem.as_dict() for problem in refused.problems]}
        run.save()
        return run
    run.status = ImportRun.Status.CHECKED
    run.report = outcome.as_report()
    run.file.save(f"oneroster-{organization.pk}.zip", ContentFile(content), save=False)
    run.save()
    return run


def apply_run(*, actor: Membership, run: ImportRun) -> ImportRun:
    """Apply a checked upload; if the school changed meanwhile and it no longer fits, the run is
    refused with the new diagnostics and nothing is written."""
    if run.kind != ImportRun.Kind.ONEROSTER or not policies.can_exchange(actor, run.organization):
        raise PermissionDenied
    if run.status != ImportRun.Status.CHECKED:
        raise ValidationError(
            _("This upload has already been applied or refused."), code="not_checked"
        )
    with run.file.open("rb") as stored:
        content = stored.read()
    try:
        with transaction.atomic():
            outcome = import_roster(
                actor=actor, organization=run.organization, content=content, dry_run=False
            )
            run.status = ImportRun.Status.APPLIED
            run.applied_at = timezone.now()
            run.report = outcome.as_report()
            run.save()
    except RosterRefused as refused:
        run.status = ImportRun.Status.REFUSED
        run.report = {"problems": [problem.as_dict() for problem in refused.problems]}
        run.save()
        return run
    run.file.delete(save=True)
    return run


def import_runs(organization: Organization) -> QuerySet[ImportRun]:
    """The school's recent OneRoster uploads, newest first."""
    return ImportRun.objects.filter(
        organization=organization, kind=ImportRun.Kind.ONEROSTER
    ).select_related("author__person")[:10]


def import_run(*, viewer: Membership, run_id: int) -> ImportRun | None:
    """An upload of the viewer's school, if the viewer may exchange its data."""
    run = (
        ImportRun.objects.filter(pk=run_id, kind=ImportRun.Kind.ONEROSTER)
        .select_related("organization", "author__person")
        .first()
    )
    if run is None or not policies.can_exchange(viewer, run.organization):
        return None
    return run


def year_of(organization: Organization) -> AcademicYear | None:
    """The year an export writes and an import fills."""
    return current_year(organization.pk)
