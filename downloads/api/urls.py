"""Downloads API under /api/v1/downloads/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from downloads.api import views

router = SimpleRouter()
router.register("downloads/jobs", views.DownloadJobViewSet, basename="api-download-job")
router.register("downloads/images", views.StoredImageViewSet, basename="api-stored-image")

urlpatterns = [
    # The fleet report's action: its path stays where API users know it.
    path("catalog/fleet/download/", views.FleetDownloadView.as_view(), name="api-fleet-download"),
    *router.urls,
]
