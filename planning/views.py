"""The färdplan's pages: plans, their effektmål and åtgärder, the capability map and the
beslutsunderlag.

Built on the register's generic views (``portfolio.views_generic``) like every register page; the
writes go through ``planning.services`` (the one write path with the färdplan's rule: the strateg
plans, the dataskyddssamordnare owns processor agreements and DPIAs). Views only present what the
domain returns (docs/architecture.md, "Figures come from the domain").
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from portfolio.models import Contract, Service
from portfolio.services import StaleEditError, version_from_request
from portfolio.text import fold
from portfolio.views_generic import (
    Column,
    RegisterDetailView,
    RegisterEditView,
    RegisterListView,
    new_title,
    optimise_choice_fields,
)
from stewardship.analyses import schedule_refresh

from . import diagrams
from .filters import PlanFilterSet
from .forms import ActionForm, GoalForm, PlanForm
from .future import past_day_error
from .models import Action, Goal, Plan
from .services import (
    MANAGE_GDPR,
    can_edit_action,
    can_edit_plan,
    delete_action,
    delete_goal,
    save_action,
    save_goal,
    save_plan,
)
from .workbook import plan_summary, plan_workbook

__all__ = [
    "ActionEditView",
    "CapabilityMapView",
    "GoalEditView",
    "PlanDetailView",
    "PlanEditView",
    "PlanListView",
    "PlanPrintView",
    "PlanWorkbookView",
]

VIEW_PLAN = "planning.view_plan"


def _parse_day(text: str | None) -> datetime.date | None:
    try:
        return parse_date(text) if text else None
    except ValueError:  # well-formed but impossible, e.g. 2027-02-30
        return None


def _future_day(text: str | None) -> datetime.date | None:
    """A day of the register as it will be, or None (the plan's end) for a malformed or past one."""
    day = _parse_day(text)
    return None if past_day_error(day) else day


# ---------------------------------------------------------------------------------------------
# The capability map
# ---------------------------------------------------------------------------------------------


class CapabilityMapView(PermissionRequiredMixin, TemplateView):
    """The förmågekarta today, or at a plan's date (``?plan=<id>&on=<date>``: the register as it
    will be, from ``planning.future``); one area (``?omrade=``) or all of them.

    Today's map is read last known, like the dashboard: after a change to the register it shows
    the facts last computed, says from when, and has them refreshed once the page is rendered. A
    register too large to draw whole opens on the overview (``diagrams.MAP_TILE_LIMIT``).
    """

    template_name = "planning/capability_map.html"
    permission_required = ("portfolio.view_application", "portfolio.view_learningresource")
    raise_exception = True
    stale: diagrams.MapFacts | None = None

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.stale is not None:
            language, state = translation.get_language(), self.stale.register_state
            # Once the page is rendered, so the refresh does not compete with the render.
            response.add_post_render_callback(lambda _response: schedule_refresh(language, state))
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET
        dimension = diagrams.dimension_or_default(query.get("dimension"))
        plans = (
            list(Plan.objects.only("pk", "name", "horizon")) if self.request.user.has_perm(VIEW_PLAN) else []
        )
        plan, on, errors = None, None, []
        plan_id = query.get("plan", "")
        if plan_id and plans:
            plan = next((p for p in plans if str(p.pk) == plan_id), None)
            if plan is None:
                errors.append(gettext("Färdplanen finns inte."))
            else:
                on = _parse_day(query.get("on")) or plan.horizon
                if query.get("on") and _parse_day(query.get("on")) is None:
                    errors.append(gettext("Ange datumet som ÅÅÅÅ-MM-DD."))
                elif error := past_day_error(on):
                    errors.append(error)
                    on = plan.horizon
        capabilities = diagrams.capability_rows()
        try:
            area = diagrams.resolve_area(query.get("omrade"), capabilities)
        except LookupError:
            area = None
            errors.append(gettext("Området finns inte; kartan visar alla områden."))
        facts = diagrams.facts_at(plan, on, dimension) if plan else diagrams.facts_today(dimension)
        if not facts.current:
            self.stale = facts
        base = {"dimension": dimension, **({"plan": plan.pk, "on": on.isoformat()} if plan else {})}
        area_choices = diagrams.area_choices(capabilities)
        picture = diagrams.map_picture(
            facts.facts,
            capabilities,
            dimension,
            diagrams.map_title(dimension, area, capabilities, plan, on),
            area,
            {key: f"?{urlencode({**base, 'omrade': key})}" for key, _name in area_choices},
        )
        context.update(
            {
                "dimension": dimension,
                "dimensions": diagrams.DIMENSIONS,
                "plans": plans,
                "plan": plan,
                "on": on,
                "errors": errors,
                "area": area,
                "areas": [(str(key), name) for key, name in area_choices],
                "area_value": "" if area is None else str(area),
                "whole_map_url": f"?{urlencode(base)}",
                "facts": facts,
                "facts_computed_today": (
                    facts.computed_from is not None
                    and timezone.localdate(facts.computed_from) == timezone.localdate()
                ),
                "picture": picture,
                "cmap": picture.cmap,
                "svg": mark_safe(picture.svg),  # escaped while built
                "table": [
                    (area_name, capability, [counts.get(entry.key, 0) for entry in picture.legend])
                    for area_name, capability, counts in picture.rows
                ],
            }
        )
        return context


# ---------------------------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------------------------


class PlanListView(RegisterListView):
    model = Plan
    filterset_class = PlanFilterSet
    select_related = ("owner",)
    title = _("Färdplaner")
    intro = _(
        "En färdplan har en målbild, mätbara effektmål och åtgärder med tidplan, kostnad och det fynd "
        "som motiverade dem. Registret kan visas som det blir vid planens slut."
    )
    columns = [
        Column("name", _("Namn"), link=True, order="name"),
        Column("status", _("Status")),
        Column("owner", _("Ägare")),
        Column("horizon", _("Planens slut"), order="horizon"),
        Column("decided_by", _("Beslutad av")),
        Column("decided_on", _("Beslutsdatum")),
        Column("diarienummer", _("Diarienummer")),
    ]


class PlanDetailView(RegisterDetailView):
    """A plan: målbild and decision, effektmål today → at the end with their follow-up lines, the
    actions and the roadmap, conflicts and follow-up findings."""

    model = Plan
    template_name = "planning/plan_detail.html"
    select_related = ("owner",)
    fields = ["owner", "horizon", "status", "decided_by", "decided_on", "diarienummer"]

    def more_context(self, plan: Plan) -> dict[str, Any]:
        user = self.request.user
        summary = plan_summary(plan, series=True)
        group_by = self.request.GET.get("gruppera", "capability")
        roadmap = diagrams.roadmap_for(summary, group_by)
        return {
            "summary": summary,
            "group_by": group_by,
            "roadmap_groups": diagrams.ROADMAP_GROUPS,
            "roadmap": roadmap,
            "roadmap_svg": mark_safe(diagrams.render_roadmap(roadmap)),  # escaped while built
            "goal_charts": [
                (row, mark_safe(diagrams.render_goal_line(row, f"goal-line-{row.goal.pk}")))
                for row in summary.goals
            ],
            "can_edit_plan": can_edit_plan(user),
            "may_add_action": user.has_perm("planning.add_action") or user.has_perm(MANAGE_GDPR),
            "editable_actions": {
                row.action.pk for row in summary.actions if can_edit_action(user, {row.action.kind})
            },
            "deletable_actions": {
                row.action.pk
                for row in summary.actions
                if can_edit_action(user, {row.action.kind}, deleting=True)
            },
            "may_delete_goals": user.has_perm("planning.delete_goal"),
        }


# ---------------------------------------------------------------------------------------------
# Editing: plans, goals, actions through planning.services
# ---------------------------------------------------------------------------------------------


class PlanningEditView(RegisterEditView):
    """Create or edit through the Form and the färdplan's save function (permission, history)."""

    save = staticmethod(save_plan)

    def get_permission_required(self):
        return ()

    def has_permission(self) -> bool:
        return self.request.user.is_authenticated and self.may_edit()

    def may_edit(self) -> bool:
        return can_edit_plan(self.request.user, creating=self.creating)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.make_form(obj, request.POST)
        if form.is_valid():
            try:
                saved = self.save(
                    form,
                    user=request.user,
                    expected_version=version_from_request(request.POST.get("version"), obj),
                )
            except StaleEditError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, gettext("Ändringen är sparad."))
                return HttpResponseRedirect(self.success_url(saved))
        return self.render_to_response(self.context(obj, form), status=400)

    def success_url(self, saved) -> str:
        return saved.get_absolute_url()

    def context(self, obj, form) -> dict[str, Any]:
        """The generic form page's context; every form of the färdplan sits under the plan list."""
        return {
            "object": obj,
            "form": form,
            "title": (gettext("Ändra %(name)s") % {"name": obj}) if obj else new_title(self.model),
            "list_url": reverse("planning:plan_list"),
            "list_title": gettext("Färdplaner"),
            "cancel_url": obj.get_absolute_url() if isinstance(obj, Plan) else reverse("planning:plan_list"),
            "version": getattr(obj, "version", None),
        }


class PlanEditView(PlanningEditView):
    model = Plan
    form_class = PlanForm

    def success_url(self, saved: Plan) -> str:
        """Back to the action form that asked for a new plan, with the plan chosen."""
        nxt = self.request.POST.get("next") or self.request.GET.get("next")
        if self.creating and nxt and url_has_allowed_host_and_scheme(nxt, {self.request.get_host()}):
            return f"{nxt}{'&' if '?' in nxt else '?'}plan={saved.pk}"
        return saved.get_absolute_url()

    def context(self, obj, form) -> dict[str, Any]:
        context = super().context(obj, form)
        context["next"] = self.request.GET.get("next", "")
        return context


class GoalEditView(PlanningEditView):
    model = Goal
    form_class = GoalForm
    save = staticmethod(save_goal)

    def may_edit(self) -> bool:
        return can_edit_plan(self.request.user)

    def get_object(self):
        if self.creating:
            self.plan = get_object_or_404(Plan, pk=self.kwargs["plan"])
            return None
        goal = get_object_or_404(Goal.objects.select_related("plan"), pk=self.kwargs["pk"])
        self.plan = goal.plan
        return goal

    def make_form(self, obj, data=None):
        initial = {"plan": self.plan.pk, "target_date": self.plan.horizon} if obj is None else None
        form = self.form_class(data=data, instance=obj, initial=initial)
        optimise_choice_fields(form)
        return form

    def success_url(self, saved: Goal) -> str:
        return f"{saved.plan.get_absolute_url()}#goal-{saved.pk}"

    def context(self, obj, form) -> dict[str, Any]:
        context = super().context(obj, form)
        context["cancel_url"] = self.plan.get_absolute_url()
        if obj is None:
            context["title"] = gettext("Nytt effektmål i %(plan)s") % {"plan": self.plan}
        return context


#: Above this many registered services the action form offers, for the service and its
#: replacement, the chosen ones and those a search finds rather than every name: a municipality
#: has a few hundred, a register of thousands would send megabytes with each form.
ACTION_SERVICE_LIMIT = 500
#: How many services a search offers at most.
SERVICE_SEARCH_LIMIT = 50


def narrow_service_choices(form, query: str) -> int | None:
    """Offer ``form``'s service and replacement only the services chosen (bound or prefilled)
    and those matching ``query`` (the words of the folded search column) when the register holds
    more than :data:`ACTION_SERVICE_LIMIT`; validation still accepts any service. Returns the
    number of services when narrowed, else None."""
    total = Service.objects.count()
    if total <= ACTION_SERVICE_LIMIT:
        return None
    chosen = {
        str(value)
        for name in ("service", "replacement")
        if (value := form[name].value()) not in (None, "")
    }
    ids = {int(pk) for pk in chosen if pk.isdigit()}
    words = fold(query).split()
    if words:
        found = Service.objects.order_by("name", "pk")
        for word in words:
            found = found.filter(search_text__contains=word)
        ids.update(found.values_list("pk", flat=True)[:SERVICE_SEARCH_LIMIT])
    shown = Service.objects.filter(pk__in=ids)
    field = form.fields["service"]
    choices = [("", "---------")] + [
        (service.pk, field.label_from_instance(service)) for service in shown.order_by("name", "pk")
    ]
    for name in ("service", "replacement"):
        form.fields[name].widget.choices = choices
    # An action's contract is one of its service's (``ActionForm.clean``): offer those only.
    contract = form.fields["contract"]
    wanted = Q(pk__in=[])
    for name, condition in (("service", "service_links__service_id"), ("contract", "pk")):
        value = str(form[name].value() or "")
        if value.isdigit():
            wanted |= Q(**{condition: int(value)})
    contracts = Contract.objects.filter(wanted).distinct()
    contract.widget.choices = [("", "---------")] + [
        (row.pk, contract.label_from_instance(row)) for row in contracts.order_by("name", "pk")
    ]
    return total


#: GET parameters a finding page may prefill the action form with.
PREFILL = ("plan", "kind", "name", "service", "replacement", "finding_kind", "finding_ref", "finding_label")


class ActionEditView(PlanningEditView):
    """An action; a new one may come prefilled from a finding page ("Lägg till i färdplan")."""

    model = Action
    form_class = ActionForm
    template_name = "planning/action_form.html"
    save = staticmethod(save_action)

    def may_edit(self) -> bool:
        user = self.request.user
        if self.creating:
            return user.has_perm("planning.add_action") or user.has_perm(MANAGE_GDPR)
        self.action_obj = get_object_or_404(Action, pk=self.kwargs["pk"])
        return can_edit_action(user, {self.action_obj.kind})

    def get_object(self):
        return None if self.creating else self.action_obj

    def make_form(self, obj, data=None):
        initial = None
        if obj is None:
            query = self.request.GET
            initial = {name: query[name] for name in PREFILL if query.get(name)}
            if query.getlist("schools"):
                initial["schools"] = query.getlist("schools")
        form = self.form_class(data=data, instance=obj, initial=initial)
        optimise_choice_fields(form)
        user = self.request.user
        # Offer only the kinds this user may plan: the strateg no GDPR kinds without the right to.
        allowed = [
            (value, label)
            for value, label in form.fields["kind"].choices
            if not value or can_edit_action(user, {value}, creating=obj is None)
        ]
        form.fields["kind"].choices = allowed
        form.fields["schools"].widget.attrs["data-searchable"] = ""
        form.fields["schools"].queryset = form.fields["schools"].queryset.order_by("name")
        self.service_query = (self.request.GET.get("sok_tjanst") or "").strip()
        self.services_total = narrow_service_choices(form, self.service_query)
        return form

    def success_url(self, saved: Action) -> str:
        return f"{saved.plan.get_absolute_url()}#action-{saved.pk}"

    def context(self, obj, form) -> dict[str, Any]:
        context = super().context(obj, form)
        plan = obj.plan if obj else None
        if plan is None and (self.request.GET.get("plan") or "").isdigit():
            plan = Plan.objects.filter(pk=self.request.GET["plan"]).first()
        context["cancel_url"] = plan.get_absolute_url() if plan else reverse("planning:plan_list")
        context["finding_label"] = self.request.GET.get("finding_label", "") if obj is None else ""
        if getattr(self, "services_total", None):
            context["service_search"] = {
                "query": self.service_query,
                "total": self.services_total,
                "kept": [
                    (key, value)
                    for key, values in self.request.GET.lists()
                    if key != "sok_tjanst"
                    for value in values
                ],
            }
        context["new_plan_url"] = (
            f"{reverse('planning:plan_add')}?{urlencode({'next': self.request.get_full_path()})}"
            if obj is None and can_edit_plan(self.request.user, creating=True)
            else ""
        )
        return context


class PlanningDeleteView(View):
    """Remove a goal or an action after a confirmation page, version-checked; history keeps what
    it was and who removed it (``planning.services``). A wrongly entered row is removed, not edited
    into something else."""

    template_name = "planning/confirm_delete.html"
    model: type[Goal] | type[Action]

    def may_delete(self, obj) -> bool:
        raise NotImplementedError

    def delete(self, obj, **kwargs) -> None:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.object = get_object_or_404(self.model.objects.select_related("plan"), pk=kwargs["pk"])
        if not self.may_delete(self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, error: str = "") -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"object": self.object, "plan": self.object.plan, "error": error, "version": self.object.version},
            status=409 if error else 200,
        )

    def get(self, request, pk: int) -> HttpResponse:
        return self.render()

    def post(self, request, pk: int) -> HttpResponse:
        try:
            self.delete(
                self.object,
                user=request.user,
                expected_version=version_from_request(request.POST.get("version"), self.object),
            )
        except StaleEditError as error:
            return self.render(str(error))
        messages.success(request, gettext("%(name)s är borttagen.") % {"name": self.object})
        return HttpResponseRedirect(self.object.plan.get_absolute_url())


class GoalDeleteView(PlanningDeleteView):
    model = Goal
    delete = staticmethod(delete_goal)

    def may_delete(self, obj) -> bool:
        return self.request.user.has_perm("planning.delete_goal")


class ActionDeleteView(PlanningDeleteView):
    model = Action
    delete = staticmethod(delete_action)

    def may_delete(self, obj) -> bool:
        return can_edit_action(self.request.user, {obj.kind}, deleting=True)


# ---------------------------------------------------------------------------------------------
# The beslutsunderlag
# ---------------------------------------------------------------------------------------------


class PlanWorkbookView(PermissionRequiredMixin, View):
    """The plan as one Excel workbook for the nämnd (a download, so a plain view)."""

    permission_required = VIEW_PLAN
    raise_exception = True

    def get(self, request, pk: int) -> HttpResponse:
        plan = get_object_or_404(Plan, pk=pk)
        on = _future_day(request.GET.get("on"))
        response = HttpResponse(
            plan_workbook(plan, on),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = slugify(plan.name) or f"fardplan-{plan.pk}"
        response["Content-Disposition"] = (
            f'attachment; filename="{name}-{timezone.localdate().isoformat()}.xlsx"'
        )
        return response


class PlanPrintView(PermissionRequiredMixin, TemplateView):
    """The same beslutsunderlag as a printable page."""

    template_name = "planning/plan_print.html"
    permission_required = VIEW_PLAN
    raise_exception = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        plan = get_object_or_404(Plan.objects.select_related("owner"), pk=kwargs["pk"])
        summary = plan_summary(plan, _future_day(self.request.GET.get("on")))
        roadmap = diagrams.roadmap_for(summary, "capability")
        context.update(
            {
                "plan": plan,
                "summary": summary,
                "roadmap_svg": mark_safe(diagrams.render_roadmap(roadmap, "print-roadmap")),
                "roadmap": roadmap,
            }
        )
        return context
