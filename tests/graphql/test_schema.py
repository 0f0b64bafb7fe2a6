"""The schema is a documented contract: committed as SDL, and every field described."""

from pathlib import Path

from django.conf import settings
from graphql import GraphQLInputObjectType, GraphQLObjectType, print_schema

from config.schema import schema

SDL = Path(settings.BASE_DIR) / "schema.graphql"

LINK_MODELS = {
    "ServiceCapability", "ContractService", "ProcessingActivityService", "BreachProcessingActivity",
    "BreachService",
}
#: Kept out of the API on purpose: the log of erasures belongs to the dataskyddssamordnare's page.
NOT_IN_API = {"PersonErasure"}


def test_committed_schema_graphql_matches_the_schema():
    """Regenerate with ``make schema`` when this fails, and commit schema.graphql."""
    assert SDL.exists(), "schema.graphql is missing: run make schema"
    assert SDL.read_text().strip() == print_schema(schema.graphql_schema).strip(), (
        "schema.graphql is out of date: run `make schema` and commit it"
    )


def test_every_field_argument_and_input_of_the_schema_has_a_description():
    missing = []
    for type_ in schema.graphql_schema.type_map.values():
        if type_.name.startswith("__") or not isinstance(type_, GraphQLObjectType | GraphQLInputObjectType):
            continue
        for name, field in type_.fields.items():
            if not field.description:
                missing.append(f"{type_.name}.{name}")
            for arg_name, argument in getattr(field, "args", {}).items():
                if not argument.description:
                    missing.append(f"{type_.name}.{name}({arg_name})")
    assert missing == []


def test_every_domain_model_has_a_type_and_the_issue_names_its_root_connections():
    from django.apps import apps

    types = schema.graphql_schema.type_map
    for app in ("portfolio", "gdpr"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical") or model._meta.auto_created:
                continue
            if model.__name__ in LINK_MODELS | NOT_IN_API:
                continue  # pure link rows: served as the connections they make (capabilities, applications …)
            assert model.__name__ in types, f"no GraphQL type for {model.__name__}"
    roots = set(schema.graphql_schema.query_type.fields)
    assert {
        "applications", "learningResources", "managementObjects", "vendors", "organisations", "capabilities",
        "people", "roleAssignments", "costs", "contracts", "processingActivities", "node",
    } <= roots
