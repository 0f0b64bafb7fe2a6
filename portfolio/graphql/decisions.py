"""GraphQL face of the duplicate decisions: "not the same product", its undo, and the list of them.

The mutations write through :mod:`portfolio.duplicate_decisions`, the same service the web page
uses: the same permission (the strateg's right to change the services, like a merge), the same
atomic write with history naming the acting user. Any error changes nothing.
"""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _
from graphql import GraphQLError

from portfolio.duplicate_decisions import (
    DecisionError,
    decide_not_same_product,
    decision_rows,
    may_decide,
    may_undo,
    parse_service_keys,
    service_names,
    undo_not_same_product,
)
from portfolio.graphql.mutations import FieldError, acting_user, refuse

__all__ = ["DecisionMutation", "DecisionQuery"]

SERVICES = (
    "Registreringarna, som application:ID eller learning_resource:ID (tjänstetyp och primärnyckel, "
    "som i duplicateClusters): två för ett par, alla för ett helt kluster."
)


class DuplicateDecisionType(graphene.ObjectType):
    class Meta:
        name = "DuplicateDecision"
        description = "Ett beslut att två registreringar inte är samma produkt."

    first_service = graphene.String(
        required=True, description="Första tjänsten: application:ID eller learning_resource:ID."
    )
    first_name = graphene.String(required=True, description="Första tjänstens namn.")
    second_service = graphene.String(
        required=True, description="Andra tjänsten: application:ID eller learning_resource:ID."
    )
    second_name = graphene.String(required=True, description="Andra tjänstens namn.")
    reason = graphene.String(required=True, description="Motiveringen, tom om ingen gavs.")
    decided_by = graphene.String(description="Användarnamnet på den som beslutade; null om okänt.")
    decided_at = graphene.DateTime(required=True, description="När beslutet togs.")
    in_force = graphene.Boolean(
        required=True, description="Sant så länge båda registreringarna är oförändrade sedan beslutet."
    )

    @staticmethod
    def from_decision(decision, names: dict | None = None, in_force: bool = True) -> DuplicateDecisionType:
        names = names or {}
        first = (decision.first_type, decision.first_id)
        second = (decision.second_type, decision.second_id)
        return DuplicateDecisionType(
            first_service=f"{first[0]}:{first[1]}",
            first_name=names.get(first, ""),
            second_service=f"{second[0]}:{second[1]}",
            second_name=names.get(second, ""),
            reason=decision.reason,
            decided_by=decision.decided_by.get_username() if decision.decided_by_id else None,
            decided_at=decision.decided_at,
            in_force=in_force,
        )


def _rows_as_types() -> list[DuplicateDecisionType]:
    out = []
    for row in decision_rows():
        d = row.decision
        names = {(d.first_type, d.first_id): row.first_name, (d.second_type, d.second_id): row.second_name}
        out.append(DuplicateDecisionType.from_decision(d, names, row.in_force))
    return out


def _denied(info, check, keys) -> list[FieldError] | None:
    token = getattr(info.context, "api_token", None)
    if token is not None and token.read_only:
        return [FieldError(field=None, message=_("API-token är skrivskyddad: den kan inte ändra något."))]
    if not check(acting_user(info), {kind for kind, _pk in keys} or {"application"}):
        return [
            FieldError(
                field=None,
                message=_("Behörighet saknas: din roll får inte besluta om dubbletter."),
            )
        ]
    return None


class NotSameProductInput(graphene.InputObjectType):
    services = graphene.List(graphene.NonNull(graphene.String), required=True, description=SERVICES)
    reason = graphene.String(description="Motivering, t.ex. ”två avtal, olika skolformer”.")


class UndoNotSameProductInput(graphene.InputObjectType):
    services = graphene.List(graphene.NonNull(graphene.String), required=True, description=SERVICES)


class DecideNotSameProduct(graphene.Mutation):
    """Besluta att registreringarna (ett par eller ett kluster) inte är samma produkt."""

    class Arguments:
        input = NotSameProductInput(required=True)

    decisions = graphene.List(
        graphene.NonNull(DuplicateDecisionType), description="Besluten, ett per par; null vid fel."
    )
    errors = graphene.List(
        graphene.NonNull(FieldError), required=True, description="Fel; tom när allt gick bra."
    )

    @staticmethod
    def mutate(root, info, input):
        try:
            keys = parse_service_keys(input["services"])
        except DecisionError as error:
            return DecideNotSameProduct(
                errors=refuse(info, [FieldError(field="services", message=str(error))])
            )
        denied = _denied(info, may_decide, keys)
        if denied:
            return DecideNotSameProduct(errors=refuse(info, denied))
        try:
            decisions = decide_not_same_product(
                keys, user=acting_user(info), reason=input.get("reason") or ""
            )
        except DecisionError as error:
            return DecideNotSameProduct(
                errors=refuse(info, [FieldError(field="services", message=str(error))])
            )
        names = service_names(keys)
        return DecideNotSameProduct(
            decisions=[DuplicateDecisionType.from_decision(d, names) for d in decisions], errors=[]
        )


class UndoNotSameProduct(graphene.Mutation):
    """Ångra beslutet att registreringarna inte är samma produkt; paren kan visas som dubbletter igen."""

    class Arguments:
        input = UndoNotSameProductInput(required=True)

    undone = graphene.Int(description="Antal beslut (par) som ångrades; null vid fel.")
    errors = graphene.List(
        graphene.NonNull(FieldError), required=True, description="Fel; tom när allt gick bra."
    )

    @staticmethod
    def mutate(root, info, input):
        try:
            keys = parse_service_keys(input["services"])
        except DecisionError as error:
            return UndoNotSameProduct(errors=refuse(info, [FieldError(field="services", message=str(error))]))
        denied = _denied(info, may_undo, keys)
        if denied:
            return UndoNotSameProduct(errors=refuse(info, denied))
        try:
            undone = undo_not_same_product(keys, user=acting_user(info))
        except DecisionError as error:
            return UndoNotSameProduct(errors=refuse(info, [FieldError(field="services", message=str(error))]))
        return UndoNotSameProduct(undone=undone, errors=[])


class DecisionMutation(graphene.ObjectType):
    decide_not_same_product = DecideNotSameProduct.Field(
        description=(
            "Besluta att registreringar inte är samma produkt (sparas med historik och beslutsfattare)."
        )
    )
    undo_not_same_product = UndoNotSameProduct.Field(
        description="Ångra ett beslut att registreringar inte är samma produkt."
    )


class DecisionQuery(graphene.ObjectType):
    duplicate_decisions = graphene.List(
        graphene.NonNull(DuplicateDecisionType),
        required=True,
        description=(
            "Besluten att registreringar inte är samma produkt, senaste först, med vem som beslutade."
        ),
    )

    @staticmethod
    def resolve_duplicate_decisions(root, info):
        user = getattr(info.context, "user", None)
        if user is None or not user.is_active or not user.has_perm("portfolio.view_duplicatedecision"):
            raise GraphQLError("Behörighet saknas för systemkartan.")
        return _rows_as_types()
