"""Checks every write to a school's structure starts with."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership
from parta.school.models import AcademicYear
from parta.school.policies import Action, can


def locked_year(year: AcademicYear) -> AcademicYear:
    """The year re-read under a row lock, so stale marks and checks see the latest state."""
    return (
        AcademicYear.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=year.pk)
    )


def taken_by_another(rows: QuerySet, row: Model | None) -> bool:
    """Whether `rows` holds any row but `row`, the one being changed (None for a new one)."""
    if row is not None:
        rows = rows.exclude(pk=row.pk)
    return rows.exists()


def check_manage(actor: Membership | audit.SystemActor, year: AcademicYear) -> None:
    """Refuse unless the actor may change this school's structure and the year is not archived."""
    if not isinstance(actor, audit.SystemActor) and not can(
        actor, Action.MANAGE_STRUCTURE, year.organization
    ):
        raise PermissionDenied
    if year.is_archived:
        raise ValidationError(
            _("The academic year %(year)s is archived: it can only be viewed.") % {"year": year},
            code="year_archived",
        )
