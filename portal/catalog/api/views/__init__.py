"""The catalog API's views, one module per concern; ``urls.py`` names them from here."""

from portal.catalog.api.views.devices import DeviceRecommendationView, DeviceReleasesView
from portal.catalog.api.views.fleet import RecommendationViewSet, ReportView
from portal.catalog.api.views.products import ImageViewSet, ProductViewSet, ReleaseViewSet
from portal.catalog.api.views.refreshes import RefreshViewSet
from portal.catalog.api.views.standards import ImageFamilyViewSet, StandardViewSet

__all__ = [
    "DeviceRecommendationView",
    "DeviceReleasesView",
    "ImageFamilyViewSet",
    "ImageViewSet",
    "ProductViewSet",
    "RecommendationViewSet",
    "RefreshViewSet",
    "ReleaseViewSet",
    "ReportView",
    "StandardViewSet",
]
