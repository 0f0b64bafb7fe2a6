"""Mutations of the GDPR record: processing activities, transfers, DPIAs, and "mark reviewed"."""

import graphene
from django.utils.translation import gettext as _

from gdpr import forms as gdpr_forms
from gdpr import models as gm
from gdpr.graphql import types
from gdpr.services import mark_reviewed
from portfolio.graphql.mutations import (
    FieldError,
    acting_user,
    find_instance,
    form_mutations,
    mutation_type,
    not_found,
    permission_error,
    refuse,
)
from portfolio.services import StaleEditError

__all__ = ["RecordMutation"]


class MarkReviewedInput(graphene.InputObjectType):
    id = graphene.ID(required=True, description="Behandlingens Relay-id.")
    version = graphene.Int(required=True, description="Versionen du läste.")


class MarkReviewed(graphene.Mutation):
    """Record that you reviewed a processing activity today (Art. 5.2 accountability)."""

    class Arguments:
        input = MarkReviewedInput(required=True)

    processing_activity = graphene.Field(
        types.ProcessingActivityType, description="Behandlingen efter granskningen."
    )
    errors = graphene.List(
        graphene.NonNull(FieldError), required=True, description="Fel; tom när allt gick bra."
    )

    @staticmethod
    def mutate(root, info, input):
        denied = permission_error(info, gm.ProcessingActivity, "change")
        if denied:
            return MarkReviewed(errors=refuse(info, denied))
        activity = find_instance(gm.ProcessingActivity, input["id"])
        if activity is None:
            return MarkReviewed(errors=refuse(info, not_found()))
        try:
            mark_reviewed(activity, user=acting_user(info), expected_version=input["version"])
        except StaleEditError as error:
            return MarkReviewed(errors=refuse(info, [FieldError(field="version", message=str(error))]))
        return MarkReviewed(processing_activity=activity, errors=[])


RecordMutation = mutation_type(
    "RecordMutation",
    "Create, update and delete processing activities, transfers and DPIAs; mark an activity reviewed.",
    form_mutations(gm.ProcessingActivity, gdpr_forms.ProcessingActivityForm, types.ProcessingActivityType),
    form_mutations(gm.Transfer, gdpr_forms.TransferForm, types.TransferType),
    form_mutations(gm.Dpia, gdpr_forms.DpiaForm, types.DpiaType),
    form_mutations(
        gm.ProcessorSecurityReview, gdpr_forms.ProcessorSecurityReviewForm, types.ProcessorSecurityReviewType
    ),
    mark_reviewed=MarkReviewed.Field(description=_("Markera en behandling som granskad i dag.")),
)
