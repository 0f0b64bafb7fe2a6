"""The Form of a data flow: validates the web edit, a GraphQL mutation and an imported row alike."""

from django.utils.translation import gettext_lazy as _

from portfolio.forms import RegisterForm, ServiceTargetMixin, _service_choice
from portfolio.models import Application, DataFlow, LearningResource

__all__ = ["DataFlowForm"]


class DataFlowForm(ServiceTargetMixin, RegisterForm):
    source_application = _service_choice(Application, _("från system"))
    source_learning_resource = _service_choice(LearningResource, _("från lärresurs"))
    target_application = _service_choice(Application, _("till system"))
    target_learning_resource = _service_choice(LearningResource, _("till lärresurs"))
    service_targets = {
        "source_application": ("source_service", Application),
        "source_learning_resource": ("source_service", LearningResource),
        "target_application": ("target_service", Application),
        "target_learning_resource": ("target_service", LearningResource),
    }

    class Meta:
        model = DataFlow
        fields = [
            "name", "source_application", "source_learning_resource", "source_external", "target_application",
            "target_learning_resource", "target_external", "description", "processes_personal_data",
            "personal_data_categories", "method", "frequency", "operated_by", "external_id",
        ]
