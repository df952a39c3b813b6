from django.urls import path

from compliance import views

app_name = "compliance"

urlpatterns = [
    path("compliance/", views.queue, name="queue"),
    path("compliance/forms/", views.forms_overview, name="forms"),
    path("compliance/forms/<str:kind>/", views.form_detail, name="form"),
    path("compliance/forms/<str:kind>/refresh", views.form_refresh, name="form-refresh"),
    path("compliance/snapshots/<int:pk>/", views.snapshot_detail, name="snapshot"),
    path("compliance/audit/", views.audit, name="audit"),
    path("compliance/audit/export.csv", views.audit_csv, name="audit-csv"),
    path("compliance/audit/<int:sequence>/", views.audit_record, name="record"),
]
