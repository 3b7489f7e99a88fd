"""Names of the journal's audited actions and fields on the audit screen."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "journal.lessons_generated": _("Lessons generated from the timetable"),
    "journal.lesson_updated": _("Lesson changed"),
    "journal.cell_saved": _("Marks and attendance changed"),
    "journal.cell_conflict": _("Change refused: the cell was changed by someone else"),
    "journal.period_mark_set": _("Period mark changed"),
    "journal.attendance_reason_set": _("Reason of absence corrected"),
    "journal.homework_saved": _("Homework changed"),
    "journal.homework_file_added": _("File attached to homework"),
    "journal.homework_file_removed": _("File removed from homework"),
    "journal.substitution_set": _("Substitution"),
    "journal.correction_permitted": _("Correction of a closed term permitted"),
    "journal.plan_created": _("Lesson plan created"),
    "journal.plan_saved": _("Lesson plan saved"),
    "journal.plan_imported": _("Lesson plan imported"),
    "journal.plan_applied": _("Topics filled from the lesson plan"),
}

FIELD_LABELS: dict[str, Promise] = {
    "plan_topics": _("Topics in the plan"),
    "plan_hours": _("Hours in the plan"),
    "plan_journal": _("Journal"),
    "lessons_filled": _("Lessons filled"),
    "homework_added": _("Homework added"),
    "first_lesson_on": _("First lesson"),
    "last_lesson_on": _("Last lesson"),
    "topic": _("Topic"),
    "marks": _("Marks"),
    "attendance": _("Attendance"),
    "homework": _("Homework"),
    "work_type": _("Kind of work"),
    "value": _("Mark"),
    "period": _("Period"),
    "student": _("Student"),
    "lesson": _("Lesson"),
    "distance_format": _("Distance lesson"),
}
