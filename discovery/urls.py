"""URLs of the Upptäckt pages, mounted at /upptackt/ (namespace ``discovery``)."""

from django.urls import path

from discovery import views

app_name = "discovery"

urlpatterns: list = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("applikationer/", views.ApplicationListView.as_view(), name="applications"),
    path("applikationer/<int:pk>/", views.ApplicationDetailView.as_view(), name="application"),
    path("applikationer/<int:pk>/beslut/", views.decide_view, name="decide"),
    path("applikationer/<int:pk>/registrera/", views.register_view, name="register"),
    path("importera/", views.upload_view, name="upload"),
    path("importera/<int:pk>/", views.upload_status, name="upload_status"),
    path("importera/<int:pk>/bekrafta/", views.upload_confirm, name="upload_confirm"),
    path("importera/<int:pk>/avbryt/", views.upload_cancel, name="upload_cancel"),
]
