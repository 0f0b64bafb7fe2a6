"""Every mutation × every role group: allowed exactly where the role's job says so (issue 3, Access).

The expected table is written out from the roles in docs/architecture.md, not derived from the permissions,
so that a change of the role groups that breaks the contract shows up here.
"""

import pytest
from graphql_relay import to_global_id

from accounts.roles import Role
from gdpr import models as gm
from planning import models as planning
from portfolio import models as pm
from portfolio.analysis.duplicates import load_service_records
from tests import factories as f
from tests.graphql.conftest import execute

pytestmark = pytest.mark.django_db

STRAT, DPC, IT, READ = Role.STRATEGIST, Role.DATA_PROTECTION, Role.IT, Role.READER


def gid(obj) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


#: model name → (factory for an existing row, valid create input (built lazily), {action: roles allowed})
CASES = {
    "Application": (
        f.ApplicationFactory,
        lambda: {"name": "Nytt system"},
        {"create": {STRAT, IT}, "update": {STRAT, IT}, "delete": {STRAT}},
    ),
    "LearningResource": (
        f.LearningResourceFactory,
        lambda: {"name": "Ny lärresurs"},
        {"create": {STRAT, IT}, "update": {STRAT, IT}, "delete": {STRAT}},
    ),
    "Vendor": (
        f.VendorFactory,
        lambda: {"name": "Ny leverantör AB", "country": "SE"},
        {"create": {STRAT, IT}, "update": {STRAT, IT}, "delete": {STRAT}},
    ),
    "RoleAssignment": (
        f.RoleAssignmentFactory,
        lambda: {
            "person": gid(f.PersonFactory()), "role": "systemagare",
            "application": gid(f.ApplicationFactory()),
        },
        {"create": {STRAT}, "update": {STRAT}, "delete": {STRAT}},
    ),
    "Cost": (
        f.CostFactory,
        lambda: {
            "amount": "1000", "year": 2026, "application": gid(f.ApplicationFactory()), "category": "licens",
            "kind": "budget",
        },
        {"create": {STRAT}, "update": {STRAT}, "delete": {STRAT}},
    ),
    "ProcessingActivity": (
        f.ProcessingActivityFactory,
        lambda: {"name": "Ny behandling"},
        {"create": {DPC}, "update": {DPC}, "delete": {DPC}},
    ),
    "Transfer": (
        f.TransferFactory,
        lambda: {
            "processingActivity": gid(f.ProcessingActivityFactory()), "country": "US", "recipient": "X Inc.",
        },
        {"create": {DPC}, "update": {DPC}, "delete": {DPC}},
    ),
    "Dpia": (
        f.DpiaFactory,
        lambda: {"processingActivity": gid(f.ProcessingActivityFactory()), "status": "pagar"},
        {"create": {DPC}, "update": {DPC}, "delete": {DPC}},
    ),
    "ProcessorSecurityReview": (
        f.ProcessorSecurityReviewFactory,
        lambda: {
            "vendor": gid(f.VendorFactory()), "reviewedOn": "2026-11-20", "outcome": "approved",
            "reference": "SOC 2 typ II 2026",
        },
        {"create": {DPC}, "update": {DPC}, "delete": {DPC}},
    ),
    "CatalogueProduct": (
        f.CatalogueProductFactory,
        lambda: {"name": "Ny katalogprodukt", "source": "Kommunens beslut"},
        {"create": {STRAT}, "update": {STRAT}, "delete": {STRAT}},
    ),
    "Plan": (
        f.PlanFactory,
        lambda: {"name": "Ny färdplan", "horizon": "2028-06-30"},
        {"create": {STRAT}, "update": {STRAT}, "delete": {STRAT}},
    ),
    "Goal": (
        f.GoalFactory,
        lambda: {
            "plan": gid(f.PlanFactory()), "name": "SSO", "metric": "sso_coverage_users", "comparison": "gte",
            "targetValue": "95", "targetDate": "2027-08-01",
        },
        {"create": {STRAT}, "update": {STRAT}, "delete": {STRAT}},
    ),
    # An action that is not a processor agreement or a DPIA (those are the dataskyddssamordnare's:
    # tests/planning/test_graphql.py).
    "Action": (
        f.ActionFactory,
        lambda: {
            "plan": gid(f.PlanFactory()), "kind": "phase_out", "service": gid(f.ApplicationFactory()),
            "plannedEnd": "2027-06-30",
        },
        {"create": {STRAT}, "update": {STRAT}, "delete": {STRAT}},
    ),
}

MODELS = {
    "Application": pm.Application, "LearningResource": pm.LearningResource, "Vendor": pm.Vendor,
    "RoleAssignment": pm.RoleAssignment, "Cost": pm.Cost, "ProcessingActivity": gm.ProcessingActivity,
    "Transfer": gm.Transfer, "Dpia": gm.Dpia, "ProcessorSecurityReview": gm.ProcessorSecurityReview,
    "CatalogueProduct": pm.CatalogueProduct, "Plan": planning.Plan, "Goal": planning.Goal,
    "Action": planning.Action,
}

MATRIX = [
    (name, action, role, role in allowed)
    for name, (_factory, _input, rules) in CASES.items()
    for action, allowed in rules.items()
    for role in (STRAT, DPC, IT, READ)
]


def snapshot(model) -> list:
    return list(model.objects.order_by("pk").values())


@pytest.mark.parametrize(("name", "action", "role", "allowed"), MATRIX)
def test_mutation_permission(name, action, role, allowed):
    user = f.UserFactory(role=role)
    factory, make_input, _rules = CASES[name]
    model = MODELS[name]
    if action == "create":
        payload = make_input()
    else:
        existing = factory()
        payload = {"id": gid(existing), "version": existing.version}
    before = snapshot(model)
    mutation = f"{action}{name}"
    query = (
        f"mutation($input: {action.title()}{name}Input!) "
        f"{{ {mutation}(input: $input) {{ errors {{ field message }} }} }}"
    )
    answer = execute(user, query, {"input": payload})
    assert answer.errors == []
    errors = answer.data[mutation]["errors"]
    if allowed:
        assert errors == []
        assert snapshot(model) != before
    else:
        assert errors and "Behörighet saknas" in errors[0]["message"]
        assert snapshot(model) == before


@pytest.mark.parametrize(("role", "allowed"), [(STRAT, False), (DPC, True), (IT, False), (READ, False)])
def test_mark_reviewed_permission(role, allowed):
    user = f.UserFactory(role=role)
    activity = f.ProcessingActivityFactory(last_reviewed_on=None)
    answer = execute(
        user,
        "mutation($input: MarkReviewedInput!) { markReviewed(input: $input) { errors { message } } }",
        {"input": {"id": gid(activity), "version": activity.version}},
    )
    activity.refresh_from_db()
    assert (answer.data["markReviewed"]["errors"] == []) is allowed
    assert (activity.last_reviewed_on is not None) is allowed


@pytest.mark.parametrize(("role", "allowed"), [(STRAT, True), (DPC, False), (IT, False), (READ, False)])
def test_duplicate_decision_permission(role, allowed):
    user = f.UserFactory(role=role)
    services = [f"application:{f.ApplicationFactory().pk}", f"application:{f.ApplicationFactory().pk}"]
    decide = execute(
        user,
        "mutation($input: NotSameProductInput!) "
        "{ decideNotSameProduct(input: $input) { errors { message } } }",
        {"input": {"services": services}},
    )
    assert (decide.data["decideNotSameProduct"]["errors"] == []) is allowed
    assert pm.DuplicateDecision.objects.exists() is allowed
    if not allowed:
        pm.DuplicateDecision.for_records(*load_service_records()).save()  # the strateg decided
    undo = execute(
        user,
        "mutation($input: UndoNotSameProductInput!) "
        "{ undoNotSameProduct(input: $input) { errors { message } } }",
        {"input": {"services": services}},
    )
    assert (undo.data["undoNotSameProduct"]["errors"] == []) is allowed
    assert pm.DuplicateDecision.objects.exists() is not allowed


def test_every_mutation_of_the_schema_is_in_the_matrix():
    from config.schema import schema

    covered = {f"{action}{name}" for name, _a, _r, _al in MATRIX for action in ("create", "update", "delete")}
    covered |= {"markReviewed", "decideNotSameProduct", "undoNotSameProduct"}
    mutations = set(schema.graphql_schema.mutation_type.fields)
    assert mutations <= covered, f"no permission test for {sorted(mutations - covered)}"
