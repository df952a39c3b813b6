"""Catalog API under /api/v1/catalog/ (and per-device reads under /api/v1/devices/<id>/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from portal.catalog.api import views

router = SimpleRouter()
router.register("catalog/products", views.ProductViewSet, basename="api-product")
router.register("catalog/releases", views.ReleaseViewSet, basename="api-release")
router.register("catalog/images", views.ImageViewSet, basename="api-image")
router.register("catalog/standards", views.StandardViewSet, basename="api-standard")
router.register("catalog/families", views.ImageFamilyViewSet, basename="api-family")
router.register("catalog/recommendations", views.RecommendationViewSet, basename="api-recommendation")
router.register("catalog/refreshes", views.RefreshViewSet, basename="api-refresh")

urlpatterns = [
    path("catalog/report/", views.ReportView.as_view(), name="api-report"),
    path(
        "devices/<device_id:pk>/recommendation/",
        views.DeviceRecommendationView.as_view(),
        name="api-device-recommendation",
    ),
    path("devices/<device_id:pk>/releases/", views.DeviceReleasesView.as_view(), name="api-device-releases"),
    *router.urls,
]
