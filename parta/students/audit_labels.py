"""Names of the students app's audited actions and fields on the audit screen."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "students.student_card_created": _("Student card created"),
    "students.student_enrolled": _("Student enrolled in a class"),
    "students.student_left": _("Student left the class"),
    "students.student_transferred": _("Student moved to another class"),
    "students.guardian_added": _("Parent linked to a student"),
    "students.group_members_set": _("Group members chosen"),
    "students.class_promoted": _("Students moved up to the next year's class"),
}

FIELD_LABELS: dict[str, Promise] = {
    "school_class": _("Class"),
    "student": _("Student"),
    "guardian": _("Parent"),
    "relation": _("Relation"),
    "students": _("Students"),
    "from_class": _("From class"),
}
