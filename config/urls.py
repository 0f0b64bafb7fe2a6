"""The project's URLs: each app mounts its own (the dashboard and analyses: ``insights``); the admin
and authentication sit here."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from stewardship import public as stewardship_public

urlpatterns = [
    path("konto/logga-in/", login_not_required(auth_views.LoginView.as_view()), name="login"),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("dataskydd/", include("gdpr.urls")),
    path("import/", include("integrations.urls")),
    path("upptackt/", include("discovery.urls")),
    path("granskning/", include("stewardship.urls")),
    path("fardplan/", include("planning.urls")),
    path("offentlig/", stewardship_public.public_page, name="public"),
    path("graphql/", include("config.graphql.urls")),
    path("", include("insights.urls")),
    path("", include("portfolio.urls")),
]
