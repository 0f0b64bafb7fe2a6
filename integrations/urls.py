"""URLs of the integrations app's web pages."""

from django.urls import path  # noqa: F401

app_name = "integrations"

urlpatterns: list = []
