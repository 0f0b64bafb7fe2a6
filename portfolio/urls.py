"""URLs of the portfolio app's web pages."""

from django.urls import path  # noqa: F401

app_name = "portfolio"

urlpatterns: list = []
