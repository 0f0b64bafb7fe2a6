"""Root fields of the GDPR record (the Article 30 register and what hangs on it)."""

import graphene
from query_optimizer import DjangoConnectionField

from gdpr.graphql import types

__all__ = ["RecordQuery"]


class RecordQuery(graphene.ObjectType):
    processing_activities = DjangoConnectionField(
        types.ProcessingActivityType, description="Behandlingar: registerförteckningen enligt art. 30."
    )
    transfers = DjangoConnectionField(types.TransferType, description="Tredjelandsöverföringar.")
    dpias = DjangoConnectionField(types.DpiaType, description="Konsekvensbedömningar.")
