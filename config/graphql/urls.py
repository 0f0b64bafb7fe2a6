"""Mounted at /graphql/ by config/urls.py."""

from django.urls import path

from config.graphql.view import graphql_view

urlpatterns = [path("", graphql_view, name="graphql")]
