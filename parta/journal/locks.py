"""When a journal is read-only: an archived year, a date outside the terms, a closed term.

A closed term opens again only for one journal and only under the deputy head's permit.
"""

from datetime import date

from django.utils.translation import gettext as _

from parta.core import calendar
from parta.journal.models import CorrectionPermit
from parta.school.models import TeachingAssignment, Term


def active_permit(*, term: Term, assignment: TeachingAssignment) -> CorrectionPermit | None:
    """The deputy head's permit to correct this closed term of this journal, if still valid."""
    return (
        CorrectionPermit.objects.filter(
            term=term, assignment=assignment, valid_until__gte=calendar.today()
        )
        .order_by("-valid_until")
        .first()
    )


def edit_block(*, assignment: TeachingAssignment, term: Term | None) -> str | None:
    """Why this term of the journal cannot be edited now, or None when it can."""
    year = assignment.group.school_class.year
    if year.is_archived:
        return _("The academic year %(year)s is archived: its journals are read-only.") % {
            "year": year
        }
    if term is None:
        return _("The date is outside the terms of the academic year.")
    if term.is_closed and active_permit(term=term, assignment=assignment) is None:
        return _("%(term)s is closed: a correction needs the deputy head's permission.") % {
            "term": term.name
        }
    return None


def term_on(terms: list[Term], day: date) -> Term | None:
    return next((term for term in terms if term.contains(day)), None)
