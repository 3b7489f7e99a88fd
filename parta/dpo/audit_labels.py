"""Names of the dpo app's audited actions and fields on the audit screen."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "dpo.application_created": _("Application to a professional development group submitted"),
    "dpo.application_approved": _("Application approved by the head of the organisation"),
    "dpo.application_enrolled": _("Applicant included in the group"),
    "dpo.application_cancelled": _("Application cancelled"),
    "dpo.comment_added": _("Comment added to an application"),
    "dpo.assessments_imported": _("Competency assessment results imported"),
    "dpo.reminders_sent": _("Campaign reminders sent"),
}

FIELD_LABELS: dict[str, Promise] = {
    "cohort": _("Group"),
    "applicant": _("Applicant"),
    "status": _("Status"),
    "cancelled_by": _("Cancelled by"),
    "cancelled_at": _("Cancelled at"),
    "comment": _("Comment"),
    "directors": _("Directors reminded"),
    "teachers": _("Teachers reminded"),
}
