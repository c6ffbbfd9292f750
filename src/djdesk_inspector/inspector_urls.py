from django.urls import path

from djdesk_inspector import api_views, views

app_name = "djdesk_inspector"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("w/<slug:slug>/", views.dashboard, name="workspace"),
    path("workspaces/new/", views.wizard, name="wizard"),
    path("w/<slug:slug>/scan/", views.rescan, name="rescan"),
    path("api/workspaces/", api_views.workspaces, name="api-workspaces"),
    path("api/workspaces/<slug:slug>/", api_views.workspace_detail, name="api-workspace"),
    path("api/workspaces/<slug:slug>/status/", api_views.workspace_status, name="api-status"),
    path("api/workspaces/<slug:slug>/scans/", api_views.workspace_scans, name="api-scans"),
    path(
        "api/workspaces/<slug:slug>/models/<str:label>/",
        api_views.workspace_model,
        name="api-models",
    ),
]
