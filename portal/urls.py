"""Depot's URLs: pages at the top, the REST API under /api/v1/, its schema and docs under /api/."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal.core import views as core_views
from portal.core.api.routing import api_urls

api_v1 = [
    path("", include("portal.accounts.api.urls")),
    path("", include("portal.inventory.api.urls")),
    path("", include("portal.catalog.api.urls")),
    path("", include("downloads.api.urls")),
    path("", include("compliance.api.urls")),
    path("", include("webhooks.api.urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("portal.accounts.urls")),
    path("", include("portal.inventory.urls")),
    path("", include("portal.catalog.urls")),
    path("", include("downloads.urls")),
    path("", include("compliance.urls")),
    path("", include("webhooks.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_urls(api_v1))),
    # The schema needs a token or a session like the rest of the API; its docs page sends browsers to log in.
    *api_urls([path("api/schema/", SpectacularAPIView.as_view(), name="api-schema")]),
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
]

handler403 = core_views.permission_denied
handler404 = core_views.not_found
handler500 = core_views.server_error

admin.site.site_header = "Depot administration"
admin.site.site_title = "Depot"
