"""Catalog pages under /catalog/ and the fleet dashboard at /dashboard/."""

from django.urls import path

from portal.catalog import views

app_name = "catalog"

urlpatterns = [
    path("catalog/", views.product_list_view, name="product-list"),
    # <path:pid>: Cisco PIDs may hold a slash (ISR4351/K9).
    path("catalog/products/<path:pid>/", views.product_detail_view, name="product-detail"),
    path("catalog/standards/", views.standard_list_view, name="standard-list"),
    path("catalog/standards/new/", views.standard_create_view, name="standard-create"),
    path("catalog/standards/add/", views.standard_add_view, name="standard-add"),
    path("catalog/standards/<int:pk>/delete/", views.standard_delete_view, name="standard-delete"),
    path("catalog/refresh/", views.refresh_list_view, name="refresh-list"),
    path("catalog/refresh/start/", views.refresh_start_view, name="refresh-start"),
    path("catalog/refresh/<int:pk>/", views.refresh_detail_view, name="refresh-detail"),
    path("catalog/refresh/<int:pk>/progress/", views.refresh_progress_view, name="refresh-progress"),
    path("catalog/refresh/<int:pk>/retry/", views.refresh_retry_view, name="refresh-retry"),
    path("catalog/refresh/device/<device_id:pk>/", views.device_refresh_view, name="device-refresh"),
    path("catalog/refresh/running-images/", views.running_images_check_view, name="running-images-check"),
    path("catalog/images/", views.image_lookup_view, name="image-lookup"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("dashboard/export.csv", views.dashboard_export_view, name="dashboard-export"),
]
