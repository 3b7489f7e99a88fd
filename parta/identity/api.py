"""The identity part of the JSON API: organisations, their staff, people and the caller's cabinet.

A caller is a cabinet acting in one role, exactly as on the screens: either an API token
(`Authorization: Bearer <key>`, bound to the cabinet and role it was issued in) or the browser
session's current cabinet (unsafe methods then need the CSRF token). Every check is a policy of
`parta.identity.policies`; what the caller may not see answers 404, as the screens do.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from parta.core import audit
from parta.identity.models import ApiToken, Membership, Person, role_label
from parta.identity.policies import Action, can
from parta.identity.schemas import (
    CabinetOut,
    ErrorOut,
    MeOut,
    OrganizationOut,
    OrganizationPage,
    PersonOut,
    StaffPage,
    TokenIn,
    TokenOut,
    UnitOut,
)
from parta.identity.selectors import cabinets as cabinets_selectors
from parta.identity.selectors import organizations as organizations_selectors
from parta.identity.selectors import staff as staff_selectors
from parta.identity.services.accounts import issue_api_token
from parta.identity.services.reads import record_personal_data_view
from parta.orgs.models import Organization

ORGANIZATION_PAGE_SIZE = 50
#: How stale `ApiToken.last_used_at` may get: one write a minute, not one per request.
LAST_USED_PRECISION = timedelta(minutes=1)


class BearerToken(HttpBearer):
    """`Authorization: Bearer <key>`: the token's cabinet, acting in the token's role."""

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        api_token = (
            ApiToken.objects.select_related(
                "membership__person__account",
                "membership__organization",
                "membership__authority",
            )
            .prefetch_related("membership__role_rows")
            .filter(key_hash=ApiToken.hash_key(token))
            .first()
        )
        if api_token is None or not api_token.is_valid:
            return None
        membership = api_token.membership
        account = getattr(membership.person, "account", None)
        if (
            account is None
            or not account.is_active
            or membership.is_archived
            or api_token.role not in membership.available_roles
        ):
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return membership.acting_as(api_token.role)


class CabinetSession(SessionAuth):
    """The browser session's current cabinet and role (set by `CabinetMiddleware`)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Membership | None:
        user = request.user
        if not user.is_authenticated or user.must_change_password:
            return None
        return getattr(request, "membership", None)


router = Router(tags=["identity"], auth=[BearerToken(), CabinetSession()])

NOT_FOUND = {401: ErrorOut, 404: ErrorOut}


def _unit_out(membership: Membership) -> UnitOut:
    if membership.organization_id:
        return UnitOut(
            kind="organization", id=membership.organization_id, name=str(membership.unit)
        )
    return UnitOut(kind="authority", id=membership.authority_id, name=str(membership.unit))


def _roles(codes: list[str], *, authority: bool) -> list[dict[str, str]]:
    return [{"code": code, "name": role_label(code, authority=authority)} for code in codes]


def _cabinet(membership: Membership) -> CabinetOut:
    return CabinetOut(
        membership_id=membership.pk,
        unit=_unit_out(membership),
        position=membership.position,
        roles=_roles(membership.available_roles, authority=bool(membership.authority_id)),
    )


def _login(person: Person) -> str:
    account = getattr(person, "account", None)
    return account.login if account is not None else ""


def _snils(person: Person, *, personal: bool) -> str:
    return person.snils_display if personal else person.snils_masked


def _organization(member: Membership, organization_id: int) -> Organization:
    organization = cabinets_selectors.unit_by_key(viewer=member, kind="org", pk=organization_id)
    if organization is None:
        raise Http404
    return organization  # type: ignore[return-value]


@router.get("/organizations", response={200: OrganizationPage, 401: ErrorOut})
def organizations(
    request: HttpRequest,
    kind: Organization.Kind | None = None,
    municipality: int | None = None,
    search: str = "",
    page: int = 1,
) -> dict:
    """Organisations whose cabinet the caller may open, by municipality and name, 50 a page."""
    queryset = organizations_selectors.subordinate_organizations(
        viewer=request.auth, search=search, kind=kind or ""
    )
    if municipality is not None:
        queryset = queryset.filter(municipality_id=municipality)
    result = Paginator(queryset, ORGANIZATION_PAGE_SIZE).get_page(page)
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "items": list(result),
    }


@router.get("/organizations/{organization_id}", response={200: OrganizationOut, **NOT_FOUND})
def organization(request: HttpRequest, organization_id: int) -> Organization:
    """One organisation's card."""
    return _organization(request.auth, organization_id)


@router.get("/organizations/{organization_id}/staff", response={200: StaffPage, **NOT_FOUND})
def organization_staff(
    request: HttpRequest, organization_id: int, search: str = "", role: str = "", page: int = 1
) -> dict:
    """The organisation's current staff with roles, positions and subjects taught, a page at a time.

    СНИЛС is shown in full only to roles that may see personal data, and each such read is
    written to the audit log."""
    member = request.auth
    unit = _organization(member, organization_id)
    if not can(member, Action.LIST_STAFF, unit):
        raise Http404
    result = staff_selectors.staff_list(
        viewer=member,
        unit=unit,
        filters=staff_selectors.StaffFilter(search=search, role=role),
        page=page,
    )
    personal = can(member, Action.VIEW_PERSONAL_DATA, unit)
    items = [
        {
            "membership_id": membership.pk,
            "person": membership.person,
            "login": _login(membership.person),
            "position": membership.position,
            "is_director": membership.is_director,
            "roles": _roles(membership.role_codes, authority=False),
            "subjects": list(membership.subjects.all()),
            "snils": _snils(membership.person, personal=personal),
        }
        for membership in result
    ]
    shown = [item["membership_id"] for item in items if personal and item["snils"]]
    if shown:
        # one entry for the page, not one per row: the list keeps a fixed number of queries
        audit.record(
            actor=member,
            action="identity.personal_data_viewed",
            target=unit,
            after={"memberships": shown},
            organization_id=unit.pk,
        )
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "items": items,
    }


@router.get("/people/{person_id}", response={200: PersonOut, **NOT_FOUND})
def person(request: HttpRequest, person_id: int) -> dict:
    """A person, with those of their cabinets the caller may see the staff card of."""
    member = request.auth
    found = (
        Person.objects.filter(pk=person_id)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(kind=Membership.Kind.STAFF, is_archived=False)
                .select_related("organization", "authority")
                .prefetch_related("role_rows")
                .order_by("pk"),
            )
        )
        .first()
    )
    if found is None:
        raise Http404
    visible = [m for m in found.memberships.all() if can(member, Action.VIEW_STAFF, m.unit)]
    if not visible:
        raise Http404
    readable = [m for m in visible if can(member, Action.VIEW_PERSONAL_DATA, m.unit)]
    personal = bool(readable)
    if readable and found.snils:
        record_personal_data_view(actor=member, membership=readable[0])
    return {
        "id": found.pk,
        "last_name": found.last_name,
        "first_name": found.first_name,
        "middle_name": found.middle_name,
        "full_name": found.full_name,
        "birth_date": found.birth_date,
        "sex": found.sex,
        "snils": _snils(found, personal=personal),
        "cabinets": [_cabinet(m) for m in visible],
    }


@router.get("/me", response={200: MeOut, 401: ErrorOut})
def me(request: HttpRequest) -> dict:
    """Who is calling: the person, the cabinet and the role the call acts in."""
    member = request.auth
    authority = bool(member.authority_id)
    return {
        "person": member.person,
        "login": _login(member.person),
        "cabinet": _cabinet(member),
        "role": _roles([member.active_role], authority=authority)[0],
        "available_roles": _roles(member.available_roles, authority=authority),
    }


@router.post(
    "/tokens",
    auth=CabinetSession(),
    response={201: TokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    """Issue a token for the session's current cabinet and role; the key is shown only here."""
    member = request.auth
    try:
        key = issue_api_token(actor=member, name=payload.name)
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error
    return Status(
        201,
        {
            "key": key,
            "name": payload.name.strip(),
            "role": _roles([member.active_role], authority=bool(member.authority_id))[0],
            "cabinet": _unit_out(member),
        },
    )
