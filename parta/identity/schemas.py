"""Shapes of the identity part of the JSON API."""

from datetime import date

from ninja import Schema

from parta.orgs.models import Organization


class MunicipalityOut(Schema):
    id: int
    name: str


class OrganizationOut(Schema):
    id: int
    kind: str
    short_name: str
    full_name: str
    municipality: MunicipalityOut
    authority_id: int
    parent_id: int | None
    inn: str
    ogrn: str
    address: str
    phone: str
    email: str
    is_active: bool


class OrganizationListItem(OrganizationOut):
    has_director: bool
    director_name: str | None
    staff_count: int

    @staticmethod
    def resolve_has_director(organization: Organization) -> bool:
        return bool(organization.director_name)


class OrganizationPage(Schema):
    count: int
    page: int
    pages: int
    items: list[OrganizationListItem]


class RoleOut(Schema):
    code: str
    name: str


class SubjectOut(Schema):
    id: int
    name: str


class PersonBrief(Schema):
    id: int
    last_name: str
    first_name: str
    middle_name: str
    full_name: str


class StaffMemberOut(Schema):
    """One row of an organisation's staff list."""

    membership_id: int
    person: PersonBrief
    login: str
    position: str
    is_director: bool
    roles: list[RoleOut]
    subjects: list[SubjectOut]
    snils: str  # in full with the right to see personal data, else masked: ***-***-*** 95


class StaffPage(Schema):
    count: int
    page: int
    pages: int
    items: list[StaffMemberOut]


class UnitOut(Schema):
    kind: str  # "organization" or "authority"
    id: int
    name: str


class CabinetOut(Schema):
    membership_id: int
    unit: UnitOut
    position: str
    roles: list[RoleOut]


class PersonOut(PersonBrief):
    birth_date: date | None
    sex: str
    snils: str
    cabinets: list[CabinetOut]


class MeOut(Schema):
    person: PersonBrief
    login: str
    cabinet: CabinetOut
    role: RoleOut
    available_roles: list[RoleOut]


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    key: str
    name: str
    role: RoleOut
    cabinet: UnitOut


class ErrorOut(Schema):
    detail: str
