"""URLs of the review round (mounted at /granskning/)."""

from django.urls import path

from stewardship import views

app_name = "stewardship"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("ny/", views.round_create, name="round_create"),
    path("mina/", views.my_items, name="my_items"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/export/", views.round_export, name="round_export"),
    path("<int:pk>/avsluta/", views.round_close, name="round_close"),
    path("post/<int:pk>/stammer/", views.item_confirm, name="item_confirm"),
    path("post/<int:pk>/ratta/", views.item_correct, name="item_correct"),
]
