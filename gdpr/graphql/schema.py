"""Root fields of the GDPR record (the Article 30 register and what hangs on it)."""

import graphene

from gdpr.graphql import types
from portfolio.graphql.base import RegisterConnectionField

__all__ = ["RecordQuery"]


class RecordQuery(graphene.ObjectType):
    processing_activities = RegisterConnectionField(
        types.ProcessingActivityType, as_of=True, description="Behandlingar: registerförteckningen (art. 30)."
    )
    transfers = RegisterConnectionField(
        types.TransferType, as_of=True, description="Tredjelandsöverföringar."
    )
    dpias = RegisterConnectionField(types.DpiaType, as_of=True, description="Konsekvensbedömningar.")
    processor_security_reviews = RegisterConnectionField(
        types.ProcessorSecurityReviewType,
        as_of=True,
        description="Säkerhetsgranskningar av personuppgiftsbiträden (art. 28.1, 32).",
    )
    breaches = RegisterConnectionField(
        types.BreachType,
        as_of=True,
        description="Personuppgiftsincidenter (art. 33.5); tomt för den som inte får läsa incidenter.",
    )
    gap_acknowledgements = RegisterConnectionField(
        types.GapAcknowledgementType, as_of=True, description="Accepterade brister (motiverade undantag)."
    )
