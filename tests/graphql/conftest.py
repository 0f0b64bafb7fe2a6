"""Fixtures of the GraphQL tests: executing against the schema, over the test client, and data."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.test import Client, RequestFactory

from accounts.models import ApiToken
from config.schema import schema

#: The standard landscape query of issue 3: systems with vendor, capabilities, förvaltningsobjekt,
#: the organisations using them, role assignments with their person, costs and processing activities.
LANDSCAPE_QUERY = """
query Landscape($first: Int) {
  applications(first: $first) {
    totalCount
    edges { node {
      id name lifecycleStatus authentication identityProvider federation
      vendor { id name country }
      managementObject { id name }
      capabilities { edges { node { id name } } }
      organisations { totalCount edges { node { id name kind } } }
      roles { edges { node { role person { id name email } } } }
      costs { edges { node { year amount kind } } }
      processingActivities { edges { node { id name legalBasis specialCategories } } }
    } }
  }
}
"""


@dataclass
class Answer:
    data: dict | None
    errors: list

    @property
    def messages(self) -> list[str]:
        return [e["message"] if isinstance(e, dict) else str(e) for e in self.errors]


def execute(user, query: str, variables: dict | None = None) -> Answer:
    """Run ``query`` in-process as ``user`` (a request object carries the user, as in the view)."""
    request = RequestFactory().post("/graphql/")
    request.user = user
    request.api_token = None
    result = schema.execute(query, variable_values=variables, context_value=request)
    return Answer(result.data, [e.formatted for e in result.errors or []])


def post(client: Client, query: str, variables: dict | None = None, **headers):
    body = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return client.post("/graphql/", json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def run():
    return execute


@pytest.fixture
def token_for():
    """``token_for(user, read_only=False, expires_days=None) -> plaintext``."""

    def issue(user, **kwargs) -> str:
        _token, plaintext = ApiToken.issue(user, **kwargs)
        return plaintext

    return issue
