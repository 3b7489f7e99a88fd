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
    "students.order_drafted": _("Movement order drafted"),
    "students.order_changed": _("Draft movement order changed"),
    "students.order_deleted": _("Draft movement order deleted"),
    "students.order_applied": _("Movement order applied"),
    "students.order_cancelled": _("Movement order cancelled"),
    "students.person_corrected": _("Personal data corrected from an imported roster"),
    "exchange.oneroster_exported": _("Roster exported in OneRoster"),
    "exchange.oneroster_imported": _("Roster imported from OneRoster"),
    "students.card_updated": _("Student card changed"),
    "students.card_batch_updated": _("Student card changed by a batch update"),
    "students.guardian_batch_updated": _("Parent's data changed by a batch update"),
    "students.cards_exported": _("Students and parents exported to a file"),
    "students.card_data_viewed": _("Student's documents, health or psychological notes viewed"),
    "students.guardian_documents_viewed": _("Parent's SNILS and passport viewed"),
    "students.guardian_relation_changed": _("Parent's relation to the student changed"),
    "students.guardian_removed": _("Parent removed from the student's card"),
    "students.account_created": _("Login created for a student or parent"),
    "students.password_reset": _("New password generated for a student or parent"),
}

FIELD_LABELS: dict[str, Promise] = {
    "school_class": _("Class"),
    "student": _("Student"),
    "guardian": _("Parent"),
    "relation": _("Relation"),
    "students": _("Students"),
    "from_class": _("From class"),
    "sections": _("Sections of the card"),
    "personal_file_number": _("Personal file number"),
    "birth_certificate_series": _("Birth certificate series"),
    "birth_certificate_number": _("Birth certificate number"),
    "birth_certificate_issued_on": _("Birth certificate issued on"),
    "registration_address": _("Registration address"),
    "residence_address": _("Residence address"),
    "health_group": _("Health group"),
    "physical_education_group": _("Physical education group"),
    "disability": _("Special needs / disability"),
    "health_notes": _("Health notes"),
    "social_categories": _("Social categories"),
    "psychological_notes": _("Psychological notes"),
}
