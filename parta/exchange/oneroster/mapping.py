"""The OneRoster 1.2 CSV binding as far as a school's roster needs it, and how our rows map to it.

Files, their columns in the binding's order and their required columns follow the 1EdTech
OneRoster CSV Binding 1.2.1. Users carry no roles in 1.2: `roles.csv` ties a user to an org with a
role (student, parent, guardian, teacher…), so it is part of every valid roster.

sourcedIds are stable: ours are derived from primary keys with the region's code
(`parta-<region>-person-12`); a row that came from another system keeps that system's sourcedId
(an `ExternalId`), so files travelling back and forth keep their identifiers.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from parta.exchange.models import ExternalId
from parta.students.models import Guardianship

SYSTEM = "oneroster"
MANIFEST_VERSION = "1.0"
ONEROSTER_VERSION = "1.2"

MANIFEST = "manifest.csv"
ORGS = "orgs.csv"
SESSIONS = "academicSessions.csv"
COURSES = "courses.csv"
CLASSES = "classes.csv"
USERS = "users.csv"
ROLES = "roles.csv"
ENROLLMENTS = "enrollments.csv"
DEMOGRAPHICS = "demographics.csv"

MANIFEST_COLUMNS = ("propertyName", "value")

#: Data file → its columns in the binding's order.
COLUMNS: dict[str, tuple[str, ...]] = {
    SESSIONS: (
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    ),
    CLASSES: (
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ),
    COURSES: (
        "sourcedId",
        "status",
        "dateLastModified",
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ),
    DEMOGRAPHICS: (
        "sourcedId",
        "status",
        "dateLastModified",
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ),
    ENROLLMENTS: (
        "sourcedId",
        "status",
        "dateLastModified",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ),
    ORGS: (
        "sourcedId",
        "status",
        "dateLastModified",
        "name",
        "type",
        "identifier",
        "parentSourcedId",
    ),
    ROLES: (
        "sourcedId",
        "status",
        "dateLastModified",
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ),
    USERS: (
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ),
}

#: Columns of the first 1.2 edition that 1.2.1 dropped: still read, never written.
FORMER_COLUMNS: dict[str, frozenset[str]] = {USERS: frozenset({"resourceSourcedIds"})}

REQUIRED: dict[str, tuple[str, ...]] = {
    SESSIONS: ("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"),
    CLASSES: (
        "sourcedId",
        "title",
        "courseSourcedId",
        "classType",
        "schoolSourcedId",
        "termSourcedIds",
    ),
    COURSES: ("sourcedId", "title", "orgSourcedId"),
    DEMOGRAPHICS: ("sourcedId",),
    ENROLLMENTS: ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
    ORGS: ("sourcedId", "name", "type"),
    ROLES: ("sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"),
    USERS: ("sourcedId", "enabledUser", "username", "givenName", "familyName"),
}

#: Files the binding lists in the manifest (`file.<name>`); a roster uses the first eight.
MANIFEST_FILES = (
    "academicSessions",
    "categories",
    "classes",
    "classResources",
    "courses",
    "courseResources",
    "demographics",
    "enrollments",
    "lineItemLearningObjectiveIds",
    "lineItems",
    "lineItemScoreScales",
    "orgs",
    "resources",
    "resultLearningObjectiveIds",
    "results",
    "resultScoreScales",
    "roles",
    "scoreScales",
    "userProfiles",
    "userResources",
    "users",
)
#: Files a roster must hold; demographics may be absent.
ROSTER_FILES = (ORGS, SESSIONS, COURSES, CLASSES, USERS, ROLES, ENROLLMENTS)
DATA_FILES = (*ROSTER_FILES, DEMOGRAPHICS)
FILE_MODES = ("absent", "bulk", "delta")

STATUSES = ("active", "tobedeleted")
BOOLEANS = ("true", "false")
ORG_TYPES = ("department", "school", "district", "local", "state", "national")
SESSION_TYPES = ("gradingPeriod", "semester", "schoolYear", "term")
CLASS_TYPES = ("homeroom", "scheduled")
ROLE_TYPES = ("primary", "secondary")
USER_ROLES = (
    "aide",
    "counselor",
    "districtAdministrator",
    "guardian",
    "parent",
    "principal",
    "proctor",
    "relative",
    "siteAdministrator",
    "student",
    "systemAdministrator",
    "teacher",
)
ENROLLMENT_ROLES = ("administrator", "proctor", "student", "teacher")
SEXES = ("male", "female", "unspecified", "other")
#: Enumerations the binding lets a system extend with its own `ext:` values.
EXTENSIBLE = {"classType", "type", "role", "sex"}

GUARDIAN_ROLES = ("parent", "guardian", "relative")
RELATION_ROLE = {
    Guardianship.Relation.MOTHER: "parent",
    Guardianship.Relation.FATHER: "parent",
    Guardianship.Relation.GUARDIAN: "guardian",
    Guardianship.Relation.TRUSTEE: "guardian",
    Guardianship.Relation.OTHER: "relative",
}


def relation_of(role: str, sex: str) -> str:
    """Our relation for a OneRoster guardian role: a parent is the mother or the father by sex."""
    if role == "parent":
        return {"female": Guardianship.Relation.MOTHER, "male": Guardianship.Relation.FATHER}.get(
            sex, Guardianship.Relation.OTHER
        )
    if role == "guardian":
        return Guardianship.Relation.GUARDIAN
    return Guardianship.Relation.OTHER


def grade_code(grade: int) -> str:
    """A parallel as a CEDS grade level: 0 → KG, 5 → 05, 13 → 13."""
    return "KG" if grade == 0 else f"{grade:02d}"


def grade_of(code: str) -> int | None:
    if code == "KG":
        return 0
    return int(code) if code.isdigit() else None


def school_year(ends_on: date) -> str:
    """The binding's schoolYear: the calendar year in which the school year ends."""
    return str(ends_on.year)


#: ExternalId kinds: which table the object_id points into.
USER, CLASS, ASSIGNMENT, ENROLMENT = "user", "class", "assignment", "enrollment"
DERIVED_KINDS = {"person": USER, "class": CLASS, "assignment": ASSIGNMENT, "enrolment": ENROLMENT}


@dataclass(frozen=True)
class Identifiers:
    """Our sourcedIds in one region, and the external ones remembered for our rows."""

    region_code: str
    external: dict[tuple[str, int], str]

    @property
    def prefix(self) -> str:
        return f"parta-{self.region_code}-"

    def derived(self, name: str, *keys: object) -> str:
        return self.prefix + "-".join([name, *(str(key) for key in keys)])

    def of(self, kind: str, pk: int) -> str:
        """The sourcedId of one of our rows: the remembered external one, else the derived one."""
        external = self.external.get((kind, pk))
        if external is not None:
            return external
        name = next(name for name, value in DERIVED_KINDS.items() if value == kind)
        return self.derived(name, pk)

    def parse(self, sourced_id: str) -> tuple[str, int] | None:
        """(kind, pk) of a sourcedId we derived in this region, else None."""
        match = re.fullmatch(rf"{re.escape(self.prefix)}([a-z]+)-(\d+)", sourced_id)
        if match is None or match.group(1) not in DERIVED_KINDS:
            return None
        return DERIVED_KINDS[match.group(1)], int(match.group(2))


def identifiers(region_code: str, kinds_and_ids: dict[str, list[int]]) -> Identifiers:
    """Our identifiers with the external sourcedIds remembered for these rows (one query)."""
    wanted = Q(pk__in=[])
    for kind, ids in kinds_and_ids.items():
        wanted |= Q(kind=kind, object_id__in=ids)
    rows = ExternalId.objects.filter(wanted, system=SYSTEM).values_list(
        "kind", "object_id", "external_id"
    )
    external = {(kind, object_id): external_id for kind, object_id, external_id in rows}
    return Identifiers(region_code=region_code, external=external)
