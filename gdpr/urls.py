"""URLs of the gdpr app's web pages (mounted at /dataskydd/)."""

from django.urls import path

from gdpr import views
from portfolio.views_generic import RegisterExportView

app_name = "gdpr"

urlpatterns: list = [
    path("behandlingar/", views.ActivityListView.as_view(), name="activity_list"),
    path("behandlingar/export.xlsx", views.ActivityExportView.as_view(), name="activity_export"),
    path("behandlingar/ny/", views.ActivityEditView.as_view(creating=True), name="activity_create"),
    path("behandlingar/<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("behandlingar/<int:pk>/andra/", views.ActivityEditView.as_view(), name="activity_edit"),
    path("behandlingar/<int:pk>/granskad/", views.mark_activity_reviewed, name="activity_review"),
    path("overforingar/ny/", views.TransferEditView.as_view(creating=True), name="transfer_create"),
    path("overforingar/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("overforingar/<int:pk>/andra/", views.TransferEditView.as_view(), name="transfer_edit"),
    path("konsekvensbedomningar/ny/", views.DpiaEditView.as_view(creating=True), name="dpia_create"),
    path("konsekvensbedomningar/<int:pk>/", views.dpia_detail, name="dpia_detail"),
    path("konsekvensbedomningar/<int:pk>/andra/", views.DpiaEditView.as_view(), name="dpia_edit"),
    path(
        "sakerhetsgranskningar/", views.SecurityReviewListView.as_view(), name="processorsecurityreview_list"
    ),
    path(
        "sakerhetsgranskningar/export.xlsx",
        RegisterExportView.as_view(list_view=views.SecurityReviewListView),
        name="processorsecurityreview_export",
    ),
    path(
        "sakerhetsgranskningar/ny/",
        views.SecurityReviewEditView.as_view(creating=True),
        name="processorsecurityreview_add",
    ),
    path(
        "sakerhetsgranskningar/<int:pk>/",
        views.SecurityReviewDetailView.as_view(),
        name="processorsecurityreview_detail",
    ),
    path(
        "sakerhetsgranskningar/<int:pk>/andra/",
        views.SecurityReviewEditView.as_view(),
        name="processorsecurityreview_edit",
    ),
    path(
        "pub-avtal/ny/",
        views.ProcessorAgreementEditView.as_view(creating=True),
        name="processor_agreement_add",
    ),
    path("pub-avtal/<int:pk>/", views.ProcessorAgreementEditView.as_view(), name="processor_agreement_edit"),
    path("incidenter/", views.BreachListView.as_view(), name="breach_list"),
    path(
        "incidenter/export.xlsx",
        RegisterExportView.as_view(list_view=views.BreachListView),
        name="breach_export",
    ),
    path("incidenter/ny/", views.BreachEditView.as_view(creating=True), name="breach_add"),
    path("incidenter/rapportera/", views.BreachReportView.as_view(), name="breach_report"),
    path("incidenter/forteckning/", views.BreachRegisterDownloadView.as_view(), name="breach_register"),
    path("incidenter/<int:pk>/", views.BreachDetailView.as_view(), name="breach_detail"),
    path("incidenter/<int:pk>/andra/", views.BreachEditView.as_view(), name="breach_edit"),
    path("registrerad/", views.subject_report_view, name="subject_report"),
    path("registrerad/radera/", views.subject_erase_view, name="subject_erase"),
    path("brister/", views.GapListView.as_view(), name="gap_list"),
    path("brister/acceptera/", views.acknowledge_gap, name="gap_acknowledge"),
    path("brister/accepterade/<int:pk>/aterkalla/", views.withdraw_gap_acknowledgement, name="gap_withdraw"),
    path("uppfoljning/", views.FollowupView.as_view(), name="followup"),
    path("att-granska/", views.ReviewDueView.as_view(), name="review_due"),
    path("snabbspar/", views.QuestionnaireView.as_view(), name="questionnaire"),
    path("registerforteckning/", views.RopaDownloadView.as_view(), name="ropa_download"),
]
