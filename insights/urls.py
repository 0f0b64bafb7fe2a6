"""The insights pages: the dashboard at the root, the analyses under /analys/ (namespace ``analysis``)."""

from django.urls import include, path

from insights.views.analysis import EquityView, Pm3GapsView, SsoCoverageView, StandardisationView
from insights.views.dashboard import DashboardView
from insights.views.duplicates import DuplicatesView, MergeView, NotSameProductView, UndoNotSameProductView

analysis_urlpatterns = [
    path("dubbletter/", DuplicatesView.as_view(), name="duplicates"),
    path("dubbletter/sla-ihop/", MergeView.as_view(), name="merge"),
    path("dubbletter/inte-samma/", NotSameProductView.as_view(), name="not_same_product"),
    path("dubbletter/angra/", UndoNotSameProductView.as_view(), name="undo_not_same_product"),
    path("standardisering/", StandardisationView.as_view(), name="standardisation"),
    path("inloggning/", SsoCoverageView.as_view(), name="sso_coverage"),
    path("pm3/", Pm3GapsView.as_view(), name="pm3_gaps"),
    path("likvardighet/", EquityView.as_view(), name="equity"),
]

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("analys/", include((analysis_urlpatterns, "analysis"))),
]
