"""Preset URLs, mounted at the djdesk root by ``djdesk_inspector.urls``.

Used alone: ``path("djdesk/", include("djdesk_inspector.presets.urls"))``.
"""

from django.urls import path

from djdesk_inspector.presets import api_views, views

app_name = "djdesk_presets"

urlpatterns = [
    path("runs/", views.runs_page, name="runs"),
    path("api/presets/", api_views.presets, name="api-presets"),
    path("api/task-runs/", api_views.task_runs, name="api-runs"),
    path("api/task-runs/<int:run_id>/", api_views.task_run, name="api-run"),
    path("api/task-runs/<int:run_id>/log/", api_views.task_run_log, name="api-run-log"),
    path("api/task-runs/<int:run_id>/cancel/", api_views.task_run_cancel, name="api-run-cancel"),
]
