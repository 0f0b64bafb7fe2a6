"""The Form of a data flow: validates the web edit, a GraphQL mutation and an imported row alike."""

from django.utils.translation import gettext_lazy as _

from portfolio.forms import RegisterForm, service_ends
from portfolio.models import DataFlow

__all__ = ["DataFlowForm"]


class DataFlowForm(
    service_ends(
        ("source_service", "source_", (_("från system"), _("från lärresurs"))),
        ("target_service", "target_", (_("till system"), _("till lärresurs"))),
    ),
    RegisterForm,
):

    class Meta:
        model = DataFlow
        fields = [
            "name", "source_application", "source_learning_resource", "source_external", "target_application",
            "target_learning_resource", "target_external", "description", "processes_personal_data",
            "personal_data_categories", "method", "frequency", "operated_by", "external_id",
        ]
