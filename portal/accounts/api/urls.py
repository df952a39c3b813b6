from django.urls import path

from portal.accounts.api import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/token/", views.MyTokenView.as_view(), name="api-me-token"),
]
