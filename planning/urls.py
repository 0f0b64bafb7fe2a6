"""The färdplan's pages under /fardplan/ (namespace ``planning``)."""

from django.urls import path

from portfolio.views_generic import RegisterExportView

from .views import (
    ActionDeleteView,
    ActionEditView,
    CapabilityMapView,
    GoalDeleteView,
    GoalEditView,
    PlanDetailView,
    PlanEditView,
    PlanListView,
    PlanPrintView,
    PlanWorkbookView,
)

app_name = "planning"

urlpatterns = [
    path("", PlanListView.as_view(), name="plan_list"),
    path("export.xlsx", RegisterExportView.as_view(list_view=PlanListView), name="plan_export"),
    path("ny/", PlanEditView.as_view(creating=True), name="plan_add"),
    path("<int:pk>/", PlanDetailView.as_view(), name="plan_detail"),
    path("<int:pk>/andra/", PlanEditView.as_view(), name="plan_edit"),
    path("<int:pk>/beslutsunderlag.xlsx", PlanWorkbookView.as_view(), name="plan_workbook"),
    path("<int:pk>/beslutsunderlag/", PlanPrintView.as_view(), name="plan_print"),
    path("<int:plan>/effektmal/ny/", GoalEditView.as_view(creating=True), name="goal_add"),
    path("effektmal/<int:pk>/andra/", GoalEditView.as_view(), name="goal_edit"),
    path("effektmal/<int:pk>/ta-bort/", GoalDeleteView.as_view(), name="goal_delete"),
    path("atgard/ny/", ActionEditView.as_view(creating=True), name="action_add"),
    path("atgard/<int:pk>/andra/", ActionEditView.as_view(), name="action_edit"),
    path("atgard/<int:pk>/ta-bort/", ActionDeleteView.as_view(), name="action_delete"),
    path("formagekarta/", CapabilityMapView.as_view(), name="capability_map"),
]
