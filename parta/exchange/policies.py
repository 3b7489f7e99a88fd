"""Who may move student data in and out of a school in files.

The batch update and the OneRoster exchange change many student and parent cards at once: the
roles that keep those cards (the secretary, the HR specialist, the administrator) use them.
"""

from parta.identity.models import Membership
from parta.orgs.models import Organization
from parta.students import policies as student_policies


def can_exchange(member: Membership, organization: Organization) -> bool:
    """Export the school's students to a file and import it back."""
    return student_policies.can(member, student_policies.Action.BATCH_UPDATE, organization)
