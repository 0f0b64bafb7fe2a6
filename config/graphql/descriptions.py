"""Give every field of the schema a description, from the model's verbose names and help texts.

graphene-django only copies ``help_text``; the register's models name every field with a
Swedish ``verbose_name``, so that and the allowed codes of a choice field become the description.
An API is a contract: a field a client cannot read the meaning of is a field it will misuse.
"""

from __future__ import annotations

import graphene
from django.core.exceptions import FieldDoesNotExist
from graphene.utils.str_converters import to_snake_case
from graphene_django.types import DjangoObjectType
from graphql import GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType, get_named_type

__all__ = ["describe_schema", "model_field_description"]

GENERIC = {
    "id": "Relay-id (globalt, stabilt): används i node(id:) och i mutationers relationer.",
    "pk": "Primärnyckel i databasen (samma nummer som i webbgränssnittets adresser).",
}

ARGUMENTS = {
    "first": "De första N raderna (högst 100 per sida).",
    "last": "De sista N raderna (högst 100 per sida).",
    "offset": "Hoppa över så många rader.",
    "after": "Rader efter denna markör (pageInfo.endCursor från föregående sida).",
    "before": "Rader före denna markör.",
    "ordering": "Sortering: fältnamn, minus före för fallande, flera med komma (t.ex. \"-updated,name\").",
}


def _connection_model(field):
    """The model behind a connection field's nodes, if any."""
    named = get_named_type(field.type)
    graphene_type = getattr(named, "graphene_type", None)
    node = getattr(getattr(graphene_type, "_meta", None), "node", None)
    if isinstance(node, type) and issubclass(node, DjangoObjectType):
        return node._meta.model
    return None


def _describe_arguments(field) -> None:
    model = _connection_model(field)
    for name, argument in field.args.items():
        if argument.description:
            continue
        snake = to_snake_case(name)
        text = ARGUMENTS.get(name)
        if text is None and model is not None:
            text = model_field_description(model, snake)
        argument.description = text or snake.replace("_", " ")


def model_field_description(model, name: str) -> str | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    verbose = getattr(field, "verbose_name", None)
    if verbose is None and hasattr(field, "related_model"):
        verbose = field.related_model._meta.verbose_name_plural
    text = str(verbose or name)
    text = text[:1].upper() + text[1:]
    help_text = getattr(field, "help_text", "")
    if help_text:
        text = f"{text}. {help_text}"
    choices = getattr(field, "item_choices", None)
    pairs = list(choices.choices) if choices is not None else list(getattr(field, "choices", None) or [])
    if pairs and len(pairs) <= 40:
        codes = ", ".join(f"{code} ({label})" for code, label in pairs)
        text = f"{text}. Koder: {codes}"
    return text


def describe_schema(schema: graphene.Schema) -> graphene.Schema:
    """Fill in every missing field description of a built schema; return the schema."""
    for type_ in schema.graphql_schema.type_map.values():
        if type_.name.startswith("__"):
            continue
        if isinstance(type_, GraphQLInputObjectType):
            for name, field in type_.fields.items():
                if not field.description:
                    field.description = GENERIC.get(name) or to_snake_case(name).replace("_", " ")
            continue
        if not isinstance(type_, GraphQLObjectType):
            continue
        graphene_type = getattr(type_, "graphene_type", None)
        model = None
        if isinstance(graphene_type, type) and issubclass(graphene_type, DjangoObjectType):
            model = graphene_type._meta.model
        if not type_.description and model is not None:
            type_.description = str(model._meta.verbose_name)
        for name, field in type_.fields.items():
            _describe_arguments(field)
            if field.description:
                continue
            snake = to_snake_case(name)
            text = GENERIC.get(name)
            if text is None and model is not None:
                text = model_field_description(model, snake)
            field.description = text or snake.replace("_", " ")
    # An interface's fields read as they do on the types that implement it (the Service interface).
    for type_ in schema.graphql_schema.type_map.values():
        if not isinstance(type_, GraphQLInterfaceType) or type_.name.startswith("__"):
            continue
        implementations = schema.graphql_schema.get_implementations(type_).objects
        for name, field in type_.fields.items():
            if not field.description and implementations:
                field.description = implementations[0].fields[name].description
    return schema
