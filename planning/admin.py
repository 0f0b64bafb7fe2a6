"""The admin of the färdplan: plans with their goals and actions, versioned and with history."""

from django.contrib import admin

from portfolio.admin import LinkAdmin, RegisterAdmin

from .models import Action, ActionSchool, Goal, Plan


@admin.register(Plan)
class PlanAdmin(RegisterAdmin):
    list_display = ("name", "status", "horizon", "decided_by", "decided_on", "diarienummer", "owner")
    list_filter = ("status", "decided_by")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner",)
    search_text_fields = ()
    plain_search_fields = ("name", "diarienummer")
    history_list_display = ["version", "status"]


@admin.register(Goal)
class GoalAdmin(RegisterAdmin):
    list_display = ("name", "plan", "metric", "comparison", "target_value", "target_date")
    list_filter = ("metric",)
    list_select_related = ("plan",)
    autocomplete_fields = ("plan", "capability")
    search_text_fields = ()
    plain_search_fields = ("name",)
    history_list_display = ["version", "target_value", "target_date"]


@admin.register(Action)
class ActionAdmin(RegisterAdmin):
    list_display = ("__str__", "plan", "kind", "status", "planned_end", "responsible")
    list_filter = ("kind", "status", "finding_kind")
    list_select_related = ("plan", "service", "responsible")
    autocomplete_fields = ("plan", "service", "replacement", "contract", "responsible")
    search_text_fields = ("service__search_text",)
    plain_search_fields = ("name",)
    history_list_display = ["version", "status", "planned_end"]


@admin.register(ActionSchool)
class ActionSchoolAdmin(LinkAdmin):
    list_display = ("action", "organisation")
    list_select_related = ("action", "organisation")
    autocomplete_fields = ("action", "organisation")
    search_text_fields = ("organisation__search_text",)
