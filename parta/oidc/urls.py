from django.urls import path

from parta.oidc.views import clients

app_name = "oidc"
urlpatterns = [
    path("clients/", clients.client_list, name="clients"),
    path("clients/add/", clients.client_add, name="client-add"),
    path("clients/<int:client_id>/", clients.client_edit, name="client-edit"),
    path("clients/<int:client_id>/switch/", clients.client_switch, name="client-switch"),
    path("clients/<int:client_id>/delete/", clients.client_delete, name="client-delete"),
    path("clients/<int:client_id>/secret/", clients.client_secret, name="client-secret"),
]
