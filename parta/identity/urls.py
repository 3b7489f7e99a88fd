from django.urls import path

from parta.identity.views import auth, profile

app_name = "identity"
urlpatterns = [
    path("login/", auth.login_page, name="login"),
    path("login/organizations/", auth.login_organizations, name="login-organizations"),
    path("logout/", auth.logout_view, name="logout"),
    path("password/first/", auth.first_password, name="first-password"),
    path("role/", auth.choose_cabinet, name="choose-cabinet"),
]
urlpatterns += [
    path("profile/", profile.profile, name="profile"),
    path("profile/password/", profile.own_password, name="own-password"),
]
