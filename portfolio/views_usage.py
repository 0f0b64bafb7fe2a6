"""The users per school of one service (``ServiceUsage.users``), edited on the service's page.

SSO coverage by users, "keep the most used" in standardisation and the equity matrix all read
this figure; before, only the admin could set it. Which schools use a service is chosen in the
service's own form (its organisations); this page sets how many users each of them has, for all
of them at once. It is a page of its own rather than a register's edit view because it writes
several records in one submission (a model formset), each versioned and with history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseModelFormSet, modelformset_factory
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext
from django.views.generic import TemplateView

from portfolio.forms import ServiceUsersForm
from portfolio.models import Application, LearningResource, ServiceUsage
from portfolio.permissions import change_permission, may_change
from portfolio.services import StaleEditError, save_changed_forms
from portfolio.views_generic import RegisterMixin, detail_url

__all__ = ["ServiceUsersView", "service_users_url", "usage_urls"]

class _UsagesOfOneService(BaseModelFormSet):
    """The rows the page showed, and only those: a submitted id outside the service's usages
    (another service's, or none) would otherwise become a new row or reach another record."""

    def clean(self):
        super().clean()
        if any(form.instance.pk is None for form in self.forms):
            raise ValidationError(gettext("En rad hör inte till tjänsten; läs in sidan igen."))


#: Only the rows the page shows: no new rows (a school is added in the service's form), none deleted.
UsersFormSet = modelformset_factory(
    ServiceUsage, form=ServiceUsersForm, formset=_UsagesOfOneService, extra=0, edit_only=True
)


def service_users_url(user, service: models.Model) -> str | None:
    """The page setting ``service``'s users per school, for someone who may change them."""
    if not may_change(user, ServiceUsage):
        return None
    return reverse(f"portfolio:{service._meta.model_name}_users", args=[service.pk])


class ServiceUsersView(RegisterMixin, TemplateView):
    """Users per school of one system or learning resource: one number per school, saved together."""

    template_name = "portfolio/service_users.html"
    model: type[models.Model] | None = None

    def get_permission_required(self):
        return (change_permission(ServiceUsage),)

    def get_service(self) -> models.Model:
        return get_object_or_404(self.model._default_manager.all(), pk=self.kwargs["pk"])

    def usages(self, service) -> models.QuerySet:
        return (
            ServiceUsage.objects.filter(service=service)
            .select_related("organisation")
            .order_by("organisation__name", "pk")
        )

    def get(self, request, *args, **kwargs):
        service = self.get_service()
        return self.render_to_response(self.context(service, UsersFormSet(queryset=self.usages(service))))

    def post(self, request, *args, **kwargs):
        service = self.get_service()
        formset = UsersFormSet(request.POST, queryset=self.usages(service))
        if formset.is_valid():
            try:
                saved = save_changed_forms(formset.forms, user=request.user)
            except StaleEditError as error:
                messages.error(request, str(error))
            else:
                if saved:
                    messages.success(request, gettext("Ändringen är sparad."))
                return HttpResponseRedirect(detail_url(service))
        return self.render_to_response(self.context(service, formset), status=400)

    def context(self, service, formset) -> dict[str, Any]:
        return {
            "service": service,
            "formset": formset,
            # A row refused as not the service's has no school to show; the formset's error says so.
            "rows": [(form, form.instance.organisation) for form in formset.forms if form.instance.pk],
            "title": gettext("Användare per skola: %(name)s") % {"name": service},
            "cancel_url": detail_url(service),
        }


def usage_urls(prefixes: dict[type[models.Model], str]) -> list:
    """The users-per-school page of each service kind, under the kind's register prefix."""
    return [
        path(
            f"{prefixes[model]}/<int:pk>/anvandare/",
            ServiceUsersView.as_view(model=model),
            name=f"{model._meta.model_name}_users",
        )
        for model in (Application, LearningResource)
    ]
