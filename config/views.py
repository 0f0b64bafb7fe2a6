"""Pages that compose the portfolio and the GDPR record: the dashboard and the analyses.

``config`` is the one place allowed to import every app (DESIGN.md, principle 3). Views here
only present what the analyses return: every figure comes from ``portfolio.analysis`` or
``gdpr.gaps``, never from arithmetic in a view.
"""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from gdpr.models import ProcessingActivityApplication, ProcessingActivityLearningResource
from portfolio.merge import move_links
from portfolio.models import Application, LearningResource

__all__ = ["DashboardView", "move_processing_activity_links"]


def move_processing_activity_links(kept, duplicate, *, user=None, reason: str = "") -> tuple[int, int]:
    """The GDPR part of a merge: the duplicate's processing activities now run in the kept service."""
    if isinstance(kept, Application):
        through, owner = ProcessingActivityApplication, "application"
    else:
        through, owner = ProcessingActivityLearningResource, "learning_resource"
    return move_links(through, owner, "processing_activity", kept, duplicate, user=user, reason=reason)


move_processing_activity_links.label = _("behandlingar")


class DashboardView(PermissionRequiredMixin, TemplateView):
    """The landscape at a glance."""

    template_name = "dashboard/dashboard.html"
    permission_required = ("portfolio.view_application",)
    raise_exception = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["applications_in_use"] = Application.objects.in_use().count()
        context["learning_resources_in_use"] = LearningResource.objects.in_use().count()
        return context
