"""Webhooks API under /api/v1/webhooks/ (the delivery log first: "deliveries" is not a webhook id)."""

from rest_framework.routers import SimpleRouter

from webhooks.api import views

router = SimpleRouter()
router.register("webhooks/deliveries", views.DeliveryViewSet, basename="api-webhook-delivery")
router.register("webhooks", views.WebhookViewSet, basename="api-webhook")

urlpatterns = router.urls
