"""Pages under /webhooks/ (administrators)."""

from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("webhooks/", views.webhook_list, name="webhook-list"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook-detail"),
    path("webhooks/<int:pk>/test/", views.webhook_test, name="webhook-test"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook-delete"),
    path("webhooks/deliveries/", views.delivery_list, name="delivery-list"),
    path("webhooks/deliveries/<int:pk>/", views.delivery_detail, name="delivery-detail"),
    path("webhooks/deliveries/<int:pk>/redeliver/", views.delivery_redeliver, name="delivery-redeliver"),
]
