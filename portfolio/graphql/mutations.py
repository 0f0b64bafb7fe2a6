"""Mutations of the portfolio, and the factory every app's form-backed mutations are built with.

A mutation is the web form by another road: its input becomes the data of **the same Django
Form** the web UI uses (so every rule is checked once), it is written through
``portfolio.services.save_form`` / ``delete_versioned`` (atomic, versioned, in history with the
acting user), and it answers with the object and a typed error list. Any error — invalid field,
missing permission, stale version — changes nothing: the whole request is rolled back.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import graphene
from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _
from graphene.utils.str_converters import to_camel_case, to_snake_case
from graphene_django.constants import MUTATION_ERRORS_FLAG
from graphql_relay import from_global_id

from portfolio import forms as portfolio_forms
from portfolio import models as pm
from portfolio.graphql import types
from portfolio.graphql.base import decode_global_id
from portfolio.permissions import permission
from portfolio.services import StaleEditError, delete_versioned, save_form

__all__ = [
    "FieldError", "PortfolioMutation", "acting_user", "find_instance", "form_mutations", "mutation_type",
    "not_found", "permission_error", "refuse",
]

#: Recorded as the change reason in history, so a record's history says which road a change took.
REASON = "Ändrad via GraphQL-API"


class FieldError(graphene.ObjectType):
    """What was wrong with a mutation's input; nothing was saved."""

    field = graphene.String(description="Inmatningsfältet (camelCase) felet gäller; null för hela posten.")
    message = graphene.String(required=True, description="Vad som är fel, på svenska.")


def _input_type(form_field: forms.Field):
    """The GraphQL input type of a form field."""
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return graphene.List(graphene.NonNull(graphene.ID))
    if isinstance(form_field, forms.ModelChoiceField):
        return graphene.ID
    if isinstance(form_field, forms.MultipleChoiceField):
        return graphene.List(graphene.NonNull(graphene.String))
    if isinstance(form_field, forms.BooleanField):
        return graphene.Boolean
    if isinstance(form_field, forms.DecimalField):  # before IntegerField: Django derives it from that
        return graphene.Decimal
    if isinstance(form_field, forms.FloatField):
        return graphene.Float
    if isinstance(form_field, forms.IntegerField):
        return graphene.Int
    if isinstance(form_field, forms.DateField):
        return graphene.Date
    return graphene.String


def _describe(form_field: forms.Field) -> str:
    text = str(form_field.label or "")
    text = text[:1].upper() + text[1:]
    if form_field.help_text:
        text = f"{text}. {form_field.help_text}"
    if isinstance(form_field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        text = f"{text} (Relay-id)"
    if form_field.required:
        text = f"{text.rstrip('.')}. Obligatorisk när posten skapas."
    return text


def _input_fields(form_class: type[forms.ModelForm]) -> dict[str, graphene.InputField]:
    form = form_class()
    return {
        name: graphene.InputField(_input_type(field), description=_describe(field))
        for name, field in form.fields.items()
    }


def _form_value(value):
    """A model value as form data (the form's own initial conversion, minus model instances)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | models.QuerySet):
        return [_form_value(v) for v in value]
    if value is None or isinstance(value, bool | int | Decimal | datetime.date | str):
        return value
    return str(value)  # e.g. django-countries' Country


def _form_data(form_class, instance, payload: dict) -> dict:
    """Form data: the record's current values (a new record's defaults), overlaid with what was sent.

    So an update changes only the fields the client sends, and a create that leaves out a field
    gets the model's default — as the web form shows it pre-filled.
    """
    form = form_class()
    base = instance if instance is not None else form_class._meta.model()
    # The form's own initial: per-kind service fields and a learning resource's type included.
    current = form_class(instance=base).initial_values()
    data = {name: _form_value(current.get(name)) for name in form.fields}
    for name, value in payload.items():
        field = form.fields.get(name)
        if field is None:
            continue
        if isinstance(field, forms.ModelMultipleChoiceField):
            model = field.queryset.model
            value = [decode_global_id(v, model) for v in (value or [])]
        elif isinstance(field, forms.ModelChoiceField) and value not in (None, ""):
            value = decode_global_id(value, field.queryset.model)
        elif value is None and isinstance(field, forms.BooleanField):
            continue
        elif value is None and isinstance(field, forms.CharField):
            value = ""
        data[name] = value
    return data


def _errors(form: forms.BaseForm) -> list[FieldError]:
    out = []
    for name, messages in form.errors.items():
        field = None if name == forms.forms.NON_FIELD_ERRORS else to_camel_case(name)
        out.extend(FieldError(field=field, message=str(m)) for m in messages)
    return out


def refuse(info, errors: list[FieldError]) -> list[FieldError]:
    """Mark the request so that every mutation in it is rolled back (ATOMIC_MUTATIONS)."""
    setattr(info.context, MUTATION_ERRORS_FLAG, True)
    return errors


def acting_user(info):
    return getattr(info.context, "user", None)


def permission_error(info, model: type[models.Model], action: str) -> list[FieldError] | None:
    """An error list if the acting user (or token) may not ``action`` ``model``; ``None`` if allowed."""
    token = getattr(info.context, "api_token", None)
    if token is not None and token.read_only:
        return [FieldError(field=None, message=_("API-token är skrivskyddad: den kan inte ändra något."))]
    user = acting_user(info)
    perm = permission(model, action)
    if user is None or not user.is_active or not user.has_perm(perm):
        message = _("Behörighet saknas: din roll får inte %(action)s %(model)s.") % {
            "action": {"add": _("skapa"), "change": _("ändra"), "delete": _("ta bort")}[action],
            "model": model._meta.verbose_name_plural,
        }
        return [FieldError(field=None, message=message)]
    return None


def find_instance(model: type[models.Model], global_id: str):
    """The row a Relay id names, or ``None`` if the id is malformed, of another type or gone."""
    try:
        type_name, pk = from_global_id(global_id)
    except Exception:
        return None
    from graphene_django.registry import get_global_registry

    node = get_global_registry().get_type_for_model(model)
    if node is None or type_name != node._meta.name or not str(pk).isdigit():
        return None
    return model._default_manager.filter(pk=pk).first()


def not_found() -> list[FieldError]:
    return [FieldError(field="id", message=_("Posten finns inte (fel id, eller borttagen)."))]


def form_mutations(
    model: type[models.Model],
    form_class: type[forms.ModelForm],
    node_type: type,
    *,
    name: str | None = None,
    result_field: str | None = None,
    saver: Callable = save_form,
    deleter: Callable = delete_versioned,
    permission_check: Callable | None = None,
) -> dict[str, graphene.Field]:
    """``create<Name>``, ``update<Name>`` and ``delete<Name>`` for ``model``, validated by ``form_class``.

    ``saver`` and ``deleter`` are the app's write services when it has rules of its own on top of
    ``save_form`` / ``delete_versioned`` (the färdplan's GDPR actions); a ``PermissionDenied`` they
    raise is answered as an error. ``permission_check(info, model, action)`` replaces the model
    permission check made before anything is read.
    """
    permission_check = permission_check or permission_error
    name = name or model.__name__
    result_field = result_field or name[:1].lower() + name[1:]
    verbose = str(model._meta.verbose_name)
    fields = _input_fields(form_class)
    version_field = graphene.InputField(
        graphene.Int, required=True,
        description="Versionen du läste (fältet version): skyddar mot att skriva över andras ändringar.",
    )
    id_field = graphene.InputField(graphene.ID, required=True, description="Postens Relay-id.")

    create_input = type(f"Create{name}Input", (graphene.InputObjectType,), {**fields})
    update_input = type(
        f"Update{name}Input", (graphene.InputObjectType,),
        {"id": id_field, "version": version_field, **fields},
    )
    delete_input = type(
        f"Delete{name}Input",
        (graphene.InputObjectType,),
        {"id": graphene.InputField(graphene.ID, required=True, description="Postens Relay-id."),
         "version": graphene.InputField(graphene.Int, required=True, description="Versionen du läste.")},
    )
    errors_field = graphene.List(
        graphene.NonNull(FieldError), required=True, description="Fel; tom när allt gick bra."
    )

    def save(info, instance, payload: dict, expected_version: int | None):
        form = form_class(data=_form_data(form_class, instance, payload), instance=instance)
        if not form.is_valid():
            return None, refuse(info, _errors(form))
        try:
            saved = saver(form, user=acting_user(info), expected_version=expected_version, reason=REASON)
        except StaleEditError as error:
            return None, refuse(info, [FieldError(field="version", message=str(error))])
        except PermissionDenied as error:
            return None, refuse(info, [FieldError(field=None, message=str(error))])
        return saved, []

    def mutate_create(root, info, input):
        denied = permission_check(info, model, "add")
        if denied:
            return create_payload(errors=refuse(info, denied))
        instance, errors = save(info, None, dict(input), None)
        return create_payload(**{result_field: instance, "errors": errors})

    def mutate_update(root, info, input):
        denied = permission_check(info, model, "change")
        if denied:
            return update_payload(errors=refuse(info, denied))
        payload = dict(input)
        instance = find_instance(model, payload.pop("id"))
        version = payload.pop("version")
        if instance is None:
            return update_payload(errors=refuse(info, not_found()))
        instance, errors = save(info, instance, payload, version)
        return update_payload(**{result_field: instance, "errors": errors})

    def mutate_delete(root, info, input):
        denied = permission_check(info, model, "delete")
        if denied:
            return delete_payload(errors=refuse(info, denied))
        instance = find_instance(model, input["id"])
        if instance is None:
            return delete_payload(errors=refuse(info, not_found()))
        try:
            deleter(instance, user=acting_user(info), expected_version=input["version"], reason=REASON)
        except PermissionDenied as error:
            return delete_payload(errors=refuse(info, [FieldError(field=None, message=str(error))]))
        except StaleEditError as error:
            return delete_payload(errors=refuse(info, [FieldError(field="version", message=str(error))]))
        except models.ProtectedError:
            message = _("Posten används av andra poster och kan inte tas bort.")
            return delete_payload(errors=refuse(info, [FieldError(field="id", message=message)]))
        return delete_payload(deleted_id=input["id"], errors=[])

    def payload_type(kind: str, mutate: Callable, input_type, extra: dict, doc: str):
        arguments = type("Arguments", (), {"input": input_type(required=True)})
        return type(
            f"{kind}{name}",
            (graphene.Mutation,),
            {
                "Arguments": arguments, "errors": errors_field, "mutate": staticmethod(mutate),
                "__doc__": doc, **extra,
            },
        )

    node_field = {result_field: graphene.Field(node_type, description=f"Posten ({verbose}) efter ändringen.")}
    create_payload = payload_type("Create", mutate_create, create_input, node_field, f"Skapa {verbose}.")
    update_payload = payload_type(
        "Update", mutate_update, update_input, node_field,
        f"Ändra {verbose}: bara de fält du skickar ändras; version måste vara den du läste.",
    )
    delete_payload = payload_type(
        "Delete", mutate_delete, delete_input,
        {"deleted_id": graphene.ID(description="Relay-id för den borttagna posten.")},
        f"Ta bort {verbose} (historiken behåller den).",
    )
    prefix = to_snake_case(name)
    return {
        f"create_{prefix}": create_payload.Field(description=f"Skapa {verbose}."),
        f"update_{prefix}": update_payload.Field(description=f"Ändra {verbose}."),
        f"delete_{prefix}": delete_payload.Field(description=f"Ta bort {verbose}."),
    }


def mutation_type(name: str, doc: str, *groups: dict[str, graphene.Field], **fields) -> type:
    """A mutation ``ObjectType`` named ``name`` holding generated ``groups`` of fields and ``fields``.

    Built with ``type()`` because the field names are computed (``createVendor`` …): a class body
    can only declare names it spells out, and writing into ``locals()`` there is undefined
    behaviour that happens to work in CPython.
    """
    namespace: dict = {"__doc__": doc}
    for group in groups:
        namespace.update(group)
    namespace.update(fields)
    return type(name, (graphene.ObjectType,), namespace)


#
# The portfolio's mutations
#


PortfolioMutation = mutation_type(
    "PortfolioMutation",
    "Create, update and delete systems, learning resources, vendors, role assignments and costs.",
    form_mutations(pm.Application, portfolio_forms.ApplicationForm, types.ApplicationType),
    form_mutations(pm.LearningResource, portfolio_forms.LearningResourceForm, types.LearningResourceType),
    form_mutations(pm.Vendor, portfolio_forms.VendorForm, types.VendorType),
    form_mutations(pm.RoleAssignment, portfolio_forms.RoleAssignmentForm, types.RoleAssignmentType),
    form_mutations(pm.Cost, portfolio_forms.CostForm, types.CostType),
)
