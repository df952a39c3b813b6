"""Pages under /downloads/ and device links under /d/."""

from django.urls import path

from downloads import views

app_name = "downloads"

urlpatterns = [
    path("downloads/", views.job_list, name="job-list"),
    path("downloads/request/", views.job_request, name="job-request"),
    path("downloads/jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("downloads/jobs/<int:pk>/progress/", views.job_progress, name="job-progress"),
    path("downloads/jobs/<int:pk>/cancel/", views.job_cancel, name="job-cancel"),
    path("downloads/jobs/<int:pk>/retry/", views.job_retry, name="job-retry"),
    path("downloads/images/", views.image_list, name="image-list"),
    path("downloads/images/<int:pk>/", views.image_detail, name="image-detail"),
    path("downloads/images/<int:pk>/file/", views.image_file, name="image-file"),
    path("d/<str:signed>/<str:name>", views.device_file, name="device-file"),
    # The device list's and fleet report's action: its path stays where forms and bookmarks know it.
    path("catalog/fleet/download/", views.fleet_download, name="fleet-download"),
]
