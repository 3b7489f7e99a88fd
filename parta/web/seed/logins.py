"""The table of seeded logins printed at the end of `parta seed`: who to log in as, and where."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q
from django.utils.translation import gettext as _

from parta.identity.models import Membership, role_label
from parta.orgs.models import Region


@dataclass(frozen=True)
class LoginRow:
    """One line of the table: a login entering one cabinet in one role."""

    login: str
    password: str
    tab: str
    unit: str
    role: str
    note: str = ""


def login_rows(memberships: list[Membership]) -> list[LoginRow]:
    """One row per role of each membership, in the order the memberships come."""
    rows: list[LoginRow] = []
    for membership in memberships:
        account = membership.person.account
        tab = _("Education authority") if membership.authority_id else _("Organisation")
        note = (
            _("must change the password at the first login") if account.must_change_password else ""
        )
        for role in membership.available_roles:
            rows.append(
                LoginRow(
                    login=account.login,
                    password=settings.PARTA_DEMO_PASSWORD,
                    tab=tab,
                    unit=str(membership.unit),
                    role=role_label(role, authority=bool(membership.authority_id)),
                    note=note,
                )
            )
    return rows


def region_memberships(region: Region, *, limit: int | None = None) -> list[Membership]:
    """Staff of a region: the ministry, the municipal authorities, then the organisations; then
    the students and parents who have a login."""
    queryset = (
        Membership.objects.filter(Q(organization__region=region) | Q(authority__region=region))
        .filter(Q(kind=Membership.Kind.STAFF) | Q(person__account__isnull=False), is_archived=False)
        .select_related("person__account", "organization", "authority")
        .prefetch_related("role_rows")
        .order_by(
            F("kind").desc(),
            F("organization_id").asc(nulls_first=True),
            F("authority__level").desc(),
            "authority_id",
            "pk",
        )
    )
    return list(queryset[:limit] if limit else queryset)


def format_table(rows: list[LoginRow]) -> str:
    """A plain-text table with aligned columns, for the terminal."""
    header = (_("Login"), _("Password"), _("Where to log in"), _("Role"))
    lines = [
        (row.login, row.password, f"{row.tab}: {row.unit}", f"{row.role} {row.note}".strip())
        for row in rows
    ]
    widths = [max(len(line[index]) for line in [header, *lines]) for index in range(4)]
    rendered = []
    for number, line in enumerate([header, *lines]):
        rendered.append(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
        if number == 0:
            rendered.append("  ".join("-" * width for width in widths))
    return "\n".join(rendered)
