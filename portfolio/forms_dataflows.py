"""The Form of a data flow: validates the web edit, a GraphQL mutation and an imported row alike."""

from portfolio.forms import RegisterForm
from portfolio.models import DataFlow

__all__ = ["DataFlowForm"]


class DataFlowForm(RegisterForm):
    class Meta:
        model = DataFlow
        fields = [
            "name", "source_application", "source_learning_resource", "source_external", "target_application",
            "target_learning_resource", "target_external", "description", "processes_personal_data",
            "personal_data_categories", "method", "frequency", "operated_by", "external_id",
        ]
