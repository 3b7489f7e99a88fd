"""Names of the school structure's audited actions and fields on the audit screen."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "school.year_saved": _("Academic year saved"),
    "school.terms_saved": _("Terms of the year saved"),
    "school.term_closed": _("Term closed"),
    "school.term_reopened": _("Term reopened"),
    "school.holiday_saved": _("Holidays saved"),
    "school.holiday_deleted": _("Holidays deleted"),
    "school.transfer_saved": _("School day transferred"),
    "school.transfer_deleted": _("Day transfer deleted"),
    "school.class_saved": _("Class saved"),
    "school.class_deleted": _("Class deleted"),
    "school.group_saved": _("Group saved"),
    "school.group_deleted": _("Group deleted"),
    "school.curriculum_saved": _("Curriculum saved"),
    "school.assignment_saved": _("Teaching assignment saved"),
    "school.assignment_deleted": _("Teaching assignment deleted"),
    "school.bells_saved": _("Bell schedule saved"),
    "school.timetable_changed": _("Timetable changed"),
    "school.timetable_entry_removed": _("Lesson removed from the timetable"),
    "school.year_transition": _("Transition to the next academic year"),
    "school.year_archived": _("Academic year archived"),
    "school.announcement_published": _("Announcement published"),
    "school.year_seeded": _("Demo data: school year loaded"),
}

FIELD_LABELS: dict[str, Promise] = {
    "grade": _("Parallel"),
    "letter": _("Letter"),
    "class_teacher": _("Class teacher"),
    "term_kind": _("Kind of periods"),
    "terms": _("Terms"),
    "teacher": _("Teacher"),
    "subject": _("Subject"),
    "group": _("Group"),
    "hours_per_week": _("Hours a week"),
    "weekday": _("Day"),
    "period": _("Lesson"),
    "room": _("Room"),
    "closed_at": _("Closed at"),
    "works_as": _("Works by the timetable of"),
    "bells": _("Bell schedule"),
    "lines": _("Subjects and hours a week"),
    "title": _("Title"),
    "school_class": _("Class"),
    "is_pass_fail": _("Pass/fail"),
    "is_archived": _("Archived"),
    "not_promoted": _("Classes not moved up"),
    "assignments_not_copied": _("Teaching assignments not copied"),
}
