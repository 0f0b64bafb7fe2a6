"""Fixtures of the GraphQL tests: executing through the endpoint, over the test client, and data.

Every test here runs twice, once with the endpoint's own execution (``GRAPHQL_FAST_EXECUTION``
on, ``RegisterExecutionContext``) and once with graphql-core's stock execution: the short path
overrides graphql-core internals, so each answer the suite expects must come out of both. A test
that compares the two ways itself asks for ``both_execution_modes`` and runs once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.test import Client, RequestFactory

from accounts.models import ApiToken
from config.graphql.view import RegisterGraphQLView

#: The two ways the endpoint can execute a document (``settings.GRAPHQL_FAST_EXECUTION``).
EXECUTION_MODES = {"fast": True, "stock": False}

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
    """Run ``query`` in-process as ``user`` the way the endpoint does: its validation rules, its
    execution options (``settings.GRAPHQL_FAST_EXECUTION``), its atomic mutations; only the HTTP
    layer (body parsing, CSRF, tokens) is left out."""
    request = RequestFactory().post("/graphql/")
    request.user = user
    request.api_token = None
    result = RegisterGraphQLView().execute_graphql_request(request, {}, query, variables, None)
    return Answer(result.data, [e.formatted for e in result.errors or []])


def post(client: Client, query: str, variables: dict | None = None, **headers):
    body = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return client.post("/graphql/", json.dumps(body), content_type="application/json", **headers)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each test once per execution mode, unless it compares the modes itself."""
    if "execution_mode" in metafunc.fixturenames and "both_execution_modes" not in metafunc.fixturenames:
        metafunc.parametrize("execution_mode", list(EXECUTION_MODES), indirect=True)


@pytest.fixture(autouse=True)
def execution_mode(request, settings) -> str:
    """"fast" or "stock": how the endpoint executes documents during this test."""
    mode = getattr(request, "param", "fast")
    settings.GRAPHQL_FAST_EXECUTION = EXECUTION_MODES[mode]
    return mode


@pytest.fixture
def both_execution_modes(settings):
    """``in_mode(name)``: a context in which the endpoint executes documents the ``name`` way."""
    from contextlib import contextmanager

    @contextmanager
    def in_mode(mode: str):
        previous = settings.GRAPHQL_FAST_EXECUTION
        settings.GRAPHQL_FAST_EXECUTION = EXECUTION_MODES[mode]
        try:
            yield
        finally:
            settings.GRAPHQL_FAST_EXECUTION = previous

    return in_mode


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
