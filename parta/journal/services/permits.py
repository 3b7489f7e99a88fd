"""The deputy head's permission to correct a closed term (seed 004: closed periods are final)."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parta.core import audit, calendar
from parta.identity.models import Membership
from parta.journal import policies
from parta.journal.models import CorrectionPermit
from parta.school.models import TeachingAssignment, Term

LONGEST_PERMIT_DAYS = 14


@transaction.atomic
def permit_correction(
    *,
    actor: Membership,
    assignment: TeachingAssignment,
    term: Term,
    reason: str,
    valid_until: date,
) -> CorrectionPermit:
    """Open one closed term of one journal for corrections until a date, with a reason."""
    school_class = assignment.group.school_class
    if not policies.can_permit_corrections(actor, school_class):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if term.year_id != school_class.year_id:
        errors["term"] = _("The term belongs to another academic year.")
    elif not term.is_closed:
        errors["term"] = _("%(term)s is open: the teacher can correct it without a permit.") % {
            "term": term.name
        }
    if school_class.year.is_archived:
        errors["term"] = _("The academic year %(year)s is archived: it can only be viewed.") % {
            "year": school_class.year
        }
    if not reason.strip():
        errors["reason"] = _("Say why the correction is needed: the reason goes to the audit log.")
    today = calendar.today()
    if not today <= valid_until <= today + timedelta(days=LONGEST_PERMIT_DAYS):
        errors["valid_until"] = ngettext(
            "A permit runs from today for at most %(days)s day: choose a date until %(date)s.",
            "A permit runs from today for at most %(days)s days: choose a date until %(date)s.",
            LONGEST_PERMIT_DAYS,
        ) % {
            "days": LONGEST_PERMIT_DAYS,
            "date": (today + timedelta(days=LONGEST_PERMIT_DAYS)).strftime("%d.%m.%Y"),
        }
    if errors:
        raise ValidationError(errors)
    permit = CorrectionPermit.objects.create(
        term=term,
        assignment=assignment,
        granted_by=actor,
        reason=reason.strip(),
        valid_until=valid_until,
    )
    audit.record(
        actor=actor,
        action="journal.correction_permitted",
        target=permit,
        after={
            "journal": str(assignment),
            "term": term.name,
            "reason": permit.reason,
            "valid_until": valid_until.isoformat(),
        },
        organization_id=school_class.organization_id,
    )
    return permit
