from django.urls import path

from compliance.api import views

urlpatterns = [
    path("compliance/forms/", views.FormListView.as_view(), name="api-compliance-forms"),
    path("compliance/forms/<str:kind>/", views.FormDetailView.as_view(), name="api-compliance-form"),
    path("compliance/forms/<str:kind>/refresh/", views.FormRefreshView.as_view(), name="api-compliance-form-refresh"),
    path("compliance/snapshots/", views.SnapshotListView.as_view(), name="api-compliance-snapshots"),
    path("compliance/decisions/", views.DecisionListCreateView.as_view(), name="api-compliance-decisions"),
    path("compliance/decisions/<int:sequence>/", views.DecisionDetailView.as_view(), name="api-compliance-decision"),
    path("compliance/queue/", views.QueueView.as_view(), name="api-compliance-queue"),
    path("compliance/audit/", views.AuditListView.as_view(), name="api-compliance-audit"),
    path("compliance/audit/verify/", views.AuditVerifyView.as_view(), name="api-compliance-audit-verify"),
    path("compliance/audit/<int:sequence>/", views.AuditDetailView.as_view(), name="api-compliance-audit-record"),
]
