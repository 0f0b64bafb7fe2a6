"""URLs of the integrations app's web pages."""

from django.urls import path

from integrations import views

app_name = "integrations"

urlpatterns: list = [
    path("", views.import_upload, name="import_upload"),
    path("<int:pk>/bekrafta/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/", views.import_status, name="import_status"),
    path("mall/<slug:kind>.xlsx", views.import_template, name="import_template"),
    path("landskap.xlsx", views.landscape_download, name="landscape_download"),
]
