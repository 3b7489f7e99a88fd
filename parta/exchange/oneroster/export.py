"""Выгрузить OneRoster: the school's current year as a zip of OneRoster 1.2 CSV files.

One bulk snapshot: in bulk files the binding leaves `status` and `dateLastModified` empty. Each
class of the year is a homeroom class, each teaching assignment a scheduled class of its subject
course; students are enrolled in both for their stays in the class (a subgroup's lessons: its
members only), teachers in the classes they lead or teach. СНИЛС and other documents have no
column in users.csv and are never written.
"""

import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from parta.core import audit
from parta.exchange import policies
from parta.exchange.oneroster import mapping as spec
from parta.identity.models import Membership, Person
from parta.orgs.models import Organization
from parta.school.models import AcademicYear, SchoolClass, TeachingAssignment, TimetableEntry
from parta.school.selectors.calendar import current_year
from parta.students.models import ClassEnrolment, GroupMembership, Guardianship

Row = dict[str, str]


def write_csv(columns: Iterable[str], rows: Iterable[Row]) -> bytes:
    """UTF-8 CSV with RFC 4180 quoting (CRLF line ends, quotes only where needed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = list(columns)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue().encode("utf-8")


def manifest_rows(files: Iterable[str], *, mode: str = "bulk") -> list[Row]:
    """The manifest: versions, then every file of the binding as bulk or absent."""
    present = {name.removesuffix(".csv") for name in files}
    rows = [
        {"propertyName": "manifest.version", "value": spec.MANIFEST_VERSION},
        {"propertyName": "oneroster.version", "value": spec.ONEROSTER_VERSION},
    ]
    rows += [
        {"propertyName": f"file.{name}", "value": mode if name in present else "absent"}
        for name in spec.MANIFEST_FILES
    ]
    rows += [
        {"propertyName": "source.systemName", "value": "parta"},
        {"propertyName": "source.systemCode", "value": "parta"},
    ]
    return rows


def pack(files: dict[str, list[Row]]) -> bytes:
    """A zip of the data files and their manifest, all at the top level."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(spec.MANIFEST, write_csv(spec.MANIFEST_COLUMNS, manifest_rows(files)))
        for name, rows in files.items():
            archive.writestr(name, write_csv(spec.COLUMNS[name], rows))
    return buffer.getvalue()


def _date(value) -> str:
    return value.isoformat() if value else ""


def _list(values: Iterable[object]) -> str:
    return ",".join(str(value) for value in values)


@dataclass
class _Users:
    """Everyone the roster names, with their roles and links to children or parents."""

    people: dict[int, Person] = field(default_factory=dict)
    roles: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    agents: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    grades: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))

    def add(self, person: Person, role: str) -> None:
        self.people.setdefault(person.pk, person)
        if role not in self.roles[person.pk]:
            self.roles[person.pk].append(role)


@dataclass(frozen=True)
class RosterData:
    """The year's rows the files are written from, loaded in a fixed number of queries."""

    organization: Organization
    year: AcademicYear
    classes: list[SchoolClass]
    assignments: list[TeachingAssignment]
    enrolments: list[ClassEnrolment]
    subgroup_members: dict[int, set[int]]
    guardianships: list[Guardianship]


def roster_data(organization: Organization) -> RosterData:
    """The school's current year with its classes, assignments, stays and parents."""
    year = current_year(organization.pk)
    if year is None:
        raise ValidationError(
            _("The school has no academic year: there is nothing to export."), code="no_year"
        )
    year = AcademicYear.objects.prefetch_related("terms").get(pk=year.pk)
    classes = list(
        SchoolClass.objects.filter(year=year).select_related("class_teacher__person__account")
    )
    assignments = list(
        TeachingAssignment.objects.filter(group__school_class__year=year)
        .select_related("group__school_class", "subject", "teacher__person__account")
        .prefetch_related(
            Prefetch("timetable", queryset=TimetableEntry.objects.order_by("period", "room"))
        )
        .order_by("group__school_class__grade", "group__school_class__letter", "pk")
    )
    enrolments = list(
        ClassEnrolment.objects.filter(school_class__year=year)
        .select_related("student__person__account")
        .order_by("school_class__grade", "school_class__letter", "starts_on", "pk")
    )
    subgroup_members: dict[int, set[int]] = defaultdict(set)
    for group_id, student_id in GroupMembership.objects.filter(
        group__school_class__year=year, group__is_whole_class=False
    ).values_list("group_id", "student_id"):
        subgroup_members[group_id].add(student_id)
    student_ids = {enrolment.student_id for enrolment in enrolments}
    guardianships = list(
        Guardianship.objects.filter(student_id__in=student_ids)
        .select_related("guardian__account")
        .order_by("student_id", "pk")
    )
    return RosterData(
        organization=organization,
        year=year,
        classes=classes,
        assignments=assignments,
        enrolments=enrolments,
        subgroup_members=subgroup_members,
        guardianships=guardianships,
    )


def roster_files(data: RosterData) -> dict[str, list[Row]]:
    """The rows of each data file, in a stable order."""
    organization, year = data.organization, data.year
    region_code = organization.region.code
    people_ids = {e.student.person_id for e in data.enrolments}
    people_ids |= {g.guardian_id for g in data.guardianships}
    people_ids |= {c.class_teacher.person_id for c in data.classes if c.class_teacher}
    people_ids |= {a.teacher.person_id for a in data.assignments}
    ids = spec.identifiers(
        region_code,
        {
            spec.USER: sorted(people_ids),
            spec.CLASS: [c.pk for c in data.classes],
            spec.ASSIGNMENT: [a.pk for a in data.assignments],
            spec.ENROLMENT: [e.pk for e in data.enrolments],
        },
    )
    school_id = ids.derived("org", organization.pk)
    authority = organization.authority
    authority_id = ids.derived("authority", authority.pk)
    orgs = [
        {"sourcedId": authority_id, "name": authority.short_name, "type": "district"},
        {
            "sourcedId": school_id,
            "name": organization.short_name,
            "type": "school",
            "identifier": organization.inn,
            "parentSourcedId": authority_id,
        },
    ]
    year_id = ids.derived("year", year.pk)
    terms = list(year.terms.all())
    term_type = "semester" if year.term_kind == AcademicYear.TermKind.HALF else "term"
    sessions = [
        {
            "sourcedId": year_id,
            "title": str(year),
            "type": "schoolYear",
            "startDate": _date(year.starts_on),
            "endDate": _date(year.ends_on),
            "schoolYear": spec.school_year(year.ends_on),
        }
    ]
    sessions += [
        {
            "sourcedId": ids.derived("term", term.pk),
            "title": term.name,
            "type": term_type,
            "startDate": _date(term.starts_on),
            "endDate": _date(term.ends_on),
            "parentSourcedId": year_id,
            "schoolYear": spec.school_year(year.ends_on),
        }
        for term in terms
    ]
    term_ids = _list(ids.derived("term", term.pk) for term in terms) or year_id

    courses: dict[str, Row] = {}

    def course(grade: int, subject=None) -> str:
        keys = (year.pk, grade, subject.pk) if subject else (year.pk, grade)
        sourced_id = ids.derived("course", *keys)
        if sourced_id not in courses:
            courses[sourced_id] = {
                "sourcedId": sourced_id,
                "schoolYearSourcedId": year_id,
                "title": _("%(subject)s, %(grade)s grade") % {"subject": subject, "grade": grade}
                if subject
                else _("%(grade)s grade") % {"grade": grade},
                "courseCode": f"{grade}-{subject.pk}" if subject else str(grade),
                "grades": spec.grade_code(grade),
                "orgSourcedId": school_id,
                "subjects": subject.name if subject else "",
            }
        return sourced_id

    users = _Users()
    classes, enrollments = [], []
    stays: dict[int, list[ClassEnrolment]] = defaultdict(list)
    for enrolment in data.enrolments:
        stays[enrolment.school_class_id].append(enrolment)
    for school_class in data.classes:
        class_id = ids.of(spec.CLASS, school_class.pk)
        classes.append(
            {
                "sourcedId": class_id,
                "title": school_class.name,
                "grades": spec.grade_code(school_class.grade),
                "courseSourcedId": course(school_class.grade),
                "classCode": school_class.name,
                "classType": "homeroom",
                "schoolSourcedId": school_id,
                "termSourcedIds": term_ids,
            }
        )
        if school_class.class_teacher:
            users.add(school_class.class_teacher.person, "teacher")
            enrollments.append(
                _teacher_row(ids, class_id, school_id, school_class.class_teacher.person)
            )
        for enrolment in stays[school_class.pk]:
            person = enrolment.student.person
            users.add(person, "student")
            users.grades[person.pk].add(school_class.grade)
            enrollments.append(
                {
                    "sourcedId": ids.of(spec.ENROLMENT, enrolment.pk),
                    "classSourcedId": class_id,
                    "schoolSourcedId": school_id,
                    "userSourcedId": ids.of(spec.USER, person.pk),
                    "role": "student",
                    "beginDate": _date(enrolment.starts_on),
                    "endDate": _date(enrolment.ends_on),
                }
            )
    for assignment in data.assignments:
        group = assignment.group
        school_class = group.school_class
        class_id = ids.of(spec.ASSIGNMENT, assignment.pk)
        entries = list(assignment.timetable.all())
        classes.append(
            {
                "sourcedId": class_id,
                "title": f"{group}: {assignment.subject}",
                "grades": spec.grade_code(school_class.grade),
                "courseSourcedId": course(school_class.grade, assignment.subject),
                "classCode": school_class.name,
                "classType": "scheduled",
                "location": ", ".join(sorted({entry.room for entry in entries if entry.room})),
                "schoolSourcedId": school_id,
                "termSourcedIds": term_ids,
                "subjects": assignment.subject.name,
                "periods": _list(sorted({entry.period for entry in entries})),
            }
        )
        users.add(assignment.teacher.person, "teacher")
        enrollments.append(_teacher_row(ids, class_id, school_id, assignment.teacher.person))
        for enrolment in stays[school_class.pk]:
            if group.is_whole_class or enrolment.student_id in data.subgroup_members[group.pk]:
                user_id = ids.of(spec.USER, enrolment.student.person_id)
                enrollments.append(
                    {
                        "sourcedId": f"{class_id}-{user_id}-{enrolment.starts_on:%Y%m%d}",
                        "classSourcedId": class_id,
                        "schoolSourcedId": school_id,
                        "userSourcedId": user_id,
                        "role": "student",
                        "beginDate": _date(enrolment.starts_on),
                        "endDate": _date(enrolment.ends_on),
                    }
                )
    people_of_students = {e.student_id: e.student.person for e in data.enrolments}
    for guardianship in data.guardianships:
        guardian = guardianship.guardian
        users.add(guardian, spec.RELATION_ROLE[guardianship.relation])
        student_person = people_of_students[guardianship.student_id]
        users.agents[guardian.pk].append(student_person.pk)
        users.agents[student_person.pk].append(guardian.pk)
    return {
        spec.ORGS: orgs,
        spec.SESSIONS: sessions,
        spec.COURSES: sorted(courses.values(), key=lambda row: row["sourcedId"]),
        spec.CLASSES: classes,
        spec.USERS: _user_rows(users, ids, school_id),
        spec.ROLES: _role_rows(users, ids, school_id),
        spec.ENROLLMENTS: enrollments,
        spec.DEMOGRAPHICS: _demographic_rows(users, ids),
    }


def _teacher_row(ids: spec.Identifiers, class_id: str, school_id: str, person: Person) -> Row:
    user_id = ids.of(spec.USER, person.pk)
    return {
        "sourcedId": f"{class_id}-{user_id}",
        "classSourcedId": class_id,
        "schoolSourcedId": school_id,
        "userSourcedId": user_id,
        "role": "teacher",
        "primary": "true",
    }


def _ordered(users: _Users) -> list[Person]:
    return sorted(users.people.values(), key=lambda person: (person.full_name, person.pk))


def _user_rows(users: _Users, ids: spec.Identifiers, school_id: str) -> list[Row]:
    rows = []
    for person in _ordered(users):
        user_id = ids.of(spec.USER, person.pk)
        account = getattr(person, "account", None)
        rows.append(
            {
                "sourcedId": user_id,
                "enabledUser": "true" if account is None or account.is_active else "false",
                "username": account.login if account else user_id,
                "givenName": person.first_name,
                "familyName": person.last_name,
                "middleName": person.middle_name,
                "email": person.email,
                "phone": person.phone,
                "agentSourcedIds": _list(
                    sorted(ids.of(spec.USER, pk) for pk in set(users.agents[person.pk]))
                ),
                "grades": _list(spec.grade_code(g) for g in sorted(users.grades[person.pk])),
                "primaryOrgSourcedId": school_id,
            }
        )
    return rows


def _role_rows(users: _Users, ids: spec.Identifiers, school_id: str) -> list[Row]:
    rows = []
    for person in _ordered(users):
        user_id = ids.of(spec.USER, person.pk)
        for number, role in enumerate(users.roles[person.pk]):
            rows.append(
                {
                    "sourcedId": f"{user_id}-{role}",
                    "userSourcedId": user_id,
                    "roleType": "primary" if number == 0 else "secondary",
                    "role": role,
                    "orgSourcedId": school_id,
                }
            )
    return rows


def _demographic_rows(users: _Users, ids: spec.Identifiers) -> list[Row]:
    return [
        {
            "sourcedId": ids.of(spec.USER, person.pk),
            "birthDate": _date(person.birth_date),
            "sex": person.sex,
        }
        for person in _ordered(users)
        if person.birth_date or person.sex
    ]


def export_roster(*, actor: Membership, organization: Organization) -> bytes:
    """The school's roster as a OneRoster 1.2 CSV zip; the export of personal data is audited."""
    if not policies.can_exchange(actor, organization):
        raise PermissionDenied
    files = roster_files(roster_data(organization))
    audit.record(
        actor=actor,
        action="exchange.oneroster_exported",
        target=organization,
        after={"users": len(files[spec.USERS]), "classes": len(files[spec.CLASSES])},
        organization_id=organization.pk,
    )
    return pack(files)
