"""Human-readable names of audit-log actions and of the fields their before/after values carry."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: Action code (what a service passes to `core.audit.record`) → what the audit screen shows.
ACTION_LABELS: dict[str, Promise] = {
    "identity.staff_added": _("Staff member added"),
    "identity.staff_imported": _("Staff member imported from another organisation"),
    "identity.staff_updated": _("Staff card changed"),
    "identity.staff_archived": _("Staff member archived"),
    "identity.staff_restored": _("Staff member restored from the archive"),
    "identity.staff_deleted": _("Staff member deleted"),
    "identity.login_changed": _("Login changed"),
    "identity.password_set": _("Password set by the administrator"),
    "identity.own_password_changed": _("Own password changed"),
    "identity.api_token_issued": _("API token issued"),
    "identity.people_merged": _("Duplicate cards merged"),
    "orgs.card_updated": _("Organisation card changed"),
    "orgs.director_set": _("Head of the organisation chosen"),
    "identity.personal_data_viewed": _("Personal data viewed"),
    "orgs.region_created": _("Region created"),
    "orgs.region_seeded": _("Demo data: region loaded"),
    "orgs.subjects_seeded": _("Demo data: subject catalogue loaded"),
    "orgs.municipalities_seeded": _("Demo data: municipalities loaded"),
    "orgs.authorities_seeded": _("Demo data: education authorities loaded"),
    "orgs.organizations_seeded": _("Demo data: organisations loaded"),
    "orgs.branches_seeded": _("Demo data: branches loaded"),
    "identity.people_seeded": _("Demo data: people loaded"),
    "identity.accounts_seeded": _("Demo data: accounts loaded"),
    "identity.memberships_seeded": _("Demo data: cabinets loaded"),
    "identity.roles_seeded": _("Demo data: roles loaded"),
    "identity.subjects_taught_seeded": _("Demo data: subjects taught loaded"),
    "identity.account_opened": _("Account opened at the first Gosuslugi login"),
    "identity.consent_given": _("Consent to the transfer of personal data given"),
    "identity.gosuslugi_linked": _("Gosuslugi account linked"),
    "identity.gosuslugi_only_roles_set": _("Roles with Gosuslugi-only login changed"),
    "identity.invitation_sent": _("Staff member invited"),
    "identity.invitation_resent": _("Invitation sent again"),
    "identity.invitation_revoked": _("Invitation revoked"),
    "identity.invitation_accepted": _("Invitation accepted"),
}

#: Field name in `before`/`after` → its name on the screen.
FIELD_LABELS: dict[str, Promise] = {
    "last_name": _("Surname"),
    "first_name": _("First name"),
    "middle_name": _("Patronymic"),
    "has_no_middle_name": _("No patronymic"),
    "birth_date": _("Date of birth"),
    "sex": _("Sex"),
    "citizenship": _("Citizenship"),
    "snils": _("SNILS"),
    "passport_series": _("Passport series"),
    "passport_number": _("Passport number"),
    "passport_issued_on": _("Passport issued on"),
    "passport_issued_by": _("Passport issued by"),
    "email": _("E-mail"),
    "phone": _("Phone"),
    "position": _("Position"),
    "starts_on": _("Start date"),
    "ends_on": _("End date"),
    "roles": _("Roles"),
    "subjects": _("Subjects taught"),
    "login": _("Login"),
    "is_archived": _("Archived"),
    "is_director": _("Head of the organisation"),
    "must_change_password": _("Must change the password at the first login"),
    "director": _("Head of the organisation"),
    "kind": _("Kind"),
    "short_name": _("Short name"),
    "full_name": pgettext_lazy("organisation", "Full name"),
    "inn": _("INN"),
    "ogrn": _("OGRN"),
    "address": _("Address"),
    "person": _("Person"),
    "person_id": _("Person number"),
    "id": _("Card number"),
    "unit": _("Organisation or authority"),
    "memberships": _("Cabinets"),
    "duplicate": _("Merged card"),
    "dropped_login": _("Login that stopped working"),
    "matched_by": _("Found by"),
    "version": _("Text version"),
    "expires_at": _("Valid until"),
}

#: Personal data (DESIGN.md: shown only to roles that need it, masked elsewhere).
PERSONAL_FIELDS = frozenset(
    {
        "snils",
        "passport_series",
        "passport_number",
        "passport_issued_on",
        "passport_issued_by",
        "birth_certificate_series",
        "birth_certificate_number",
        "birth_certificate_issued_on",
        "registration_address",
        "residence_address",
    }
)
#: Health, social and psychological data of a student's card: the audit log keeps the values,
#: the audit screen never shows them (their readers are the medical worker and the
#: psychologist, who do not read the audit log).
SPECIAL_CATEGORY_FIELDS = frozenset(
    {
        "health_group",
        "physical_education_group",
        "disability",
        "health_notes",
        "social_categories",
        "psychological_notes",
    }
)
