from django.urls import path

from parta.identity.views import (
    audit,
    auth,
    gosuslugi,
    invitations,
    organizations,
    people,
    profile,
    readiness,
    staff,
)

app_name = "identity"
urlpatterns = [
    path("login/", auth.login_page, name="login"),
    path("login/organizations/", auth.login_organizations, name="login-organizations"),
    path("logout/", auth.logout_view, name="logout"),
    path("password/first/", auth.first_password, name="first-password"),
    path("role/", auth.choose_cabinet, name="choose-cabinet"),
    path("login/gosuslugi/", gosuslugi.start, name="gosuslugi-start"),
    path("login/gosuslugi/callback/", gosuslugi.callback, name="gosuslugi-callback"),
    path("login/gosuslugi/consent/", gosuslugi.consent, name="gosuslugi-consent"),
    path("region/login/", gosuslugi.login_settings, name="login-settings"),
]
urlpatterns += [
    path("profile/", profile.profile, name="profile"),
    path("profile/password/", profile.own_password, name="own-password"),
]

# Staff screens
urlpatterns += [
    path("<unit:unit>/staff/", staff.staff_list, name="staff-list"),
    path("<unit:unit>/staff/add/", staff.staff_add, name="staff-add"),
    path("<unit:unit>/staff/import/", staff.staff_import, name="staff-import"),
    path("<unit:unit>/staff/invitations/", invitations.invitations, name="invitations"),
    path(
        "invitations/<int:invitation_id>/resend/",
        invitations.invitation_resend,
        name="invitation-resend",
    ),
    path(
        "invitations/<int:invitation_id>/revoke/",
        invitations.invitation_revoke,
        name="invitation-revoke",
    ),
    path("invitation/<str:token>/", invitations.accept, name="invitation"),
    path("staff/<int:membership_id>/", staff.staff_card, name="staff-card"),
    path("staff/<int:membership_id>/password/", staff.staff_password, name="staff-password"),
    path("staff/<int:membership_id>/archive/", staff.staff_archive, name="staff-archive"),
    path("staff/<int:membership_id>/delete/", staff.staff_delete, name="staff-delete"),
]

# Organisation and people screens
urlpatterns += [
    path("org/<int:org_id>/card/", organizations.org_card, name="org-card"),
    path("organizations/", organizations.subordinates, name="subordinates"),
    path("reports/no-director/", organizations.report_no_director, name="report-no-director"),
    path("people/duplicates/", people.duplicates, name="duplicates"),
    path("people/merge/<int:survivor_id>/<int:duplicate_id>/", people.merge, name="merge"),
    path("<unit:unit>/audit/", audit.audit_log, name="audit"),
]

# «Готовность к входу через Госуслуги»
urlpatterns += [
    path("reports/gosuslugi/", readiness.summary, name="login-readiness"),
    path(
        "org/<int:org_id>/reports/gosuslugi/",
        readiness.organization,
        name="login-readiness-organization",
    ),
]
