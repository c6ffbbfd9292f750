from django.urls import path

from djdesk_inspector import api_views, migration_views, views

app_name = "djdesk_inspector"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("w/<slug:slug>/", views.dashboard, name="workspace"),
    path("workspaces/new/", views.wizard, name="wizard"),
    path("w/<slug:slug>/scan/", views.rescan, name="rescan"),
    path("w/<slug:slug>/trust/", views.set_trust, name="trust"),
    path("api/workspaces/", api_views.workspaces, name="api-workspaces"),
    path("api/workspaces/<slug:slug>/", api_views.workspace_detail, name="api-workspace"),
    path("api/workspaces/<slug:slug>/status/", api_views.workspace_status, name="api-status"),
    path("api/workspaces/<slug:slug>/scans/", api_views.workspace_scans, name="api-scans"),
    path("api/workspaces/<slug:slug>/trust/", api_views.workspace_trust, name="api-trust"),
    path("api/workspaces/<slug:slug>/plan/", migration_views.plan, name="api-plan"),
    path("api/workspaces/<slug:slug>/diff/", migration_views.diff, name="api-diff"),
    path("api/workspaces/<slug:slug>/schema.mmd", migration_views.er_diagram, name="api-mermaid"),
    path(
        "api/workspaces/<slug:slug>/rehearsals/",
        migration_views.workspace_rehearsals,
        name="api-rehearsals",
    ),
    path(
        "api/workspaces/<slug:slug>/rehearsals/<int:rehearsal_id>/",
        migration_views.rehearsal_detail,
        name="api-rehearsal",
    ),
    path(
        "api/workspaces/<slug:slug>/rehearsals/<int:rehearsal_id>/cancel/",
        migration_views.rehearsal_cancel,
        name="api-rehearsal-cancel",
    ),
    path(
        "api/workspaces/<slug:slug>/models/<str:label>/",
        api_views.workspace_model,
        name="api-models",
    ),
]
