"""URLs of the gdpr app's web pages."""

from django.urls import path  # noqa: F401

app_name = "gdpr"

urlpatterns: list = []
