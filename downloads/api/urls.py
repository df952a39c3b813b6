"""Downloads API under /api/v1/downloads/."""

from rest_framework.routers import SimpleRouter

from downloads.api import views

router = SimpleRouter()
router.register("downloads/jobs", views.DownloadJobViewSet, basename="api-download-job")
router.register("downloads/images", views.StoredImageViewSet, basename="api-stored-image")

urlpatterns = router.urls
