"""Data lab URLs, mounted at the djdesk root by ``djdesk_inspector.urls``.

Used alone: ``path("djdesk/", include("djdesk_inspector.datalab.urls"))``. Nothing is
mounted without the inspector (``djdesk_datalab.E010`` says why), so a misconfigured
project still starts and shows that message.
"""

from django.urls import path

from djdesk_inspector.kernel.registry import installed_label

app_name = "djdesk_datalab"

EXPORT = "api/workspaces/<slug:slug>/exports/<str:export_id>/"

urlpatterns: list[object] = []

if installed_label("djdesk_inspector"):
    from djdesk_inspector.datalab import api_views, views

    urlpatterns = [
        path("datalab/", views.index, name="index"),
        path("datalab/<slug:slug>/", views.workspace_page, name="workspace"),
        path("api/datalab/templates/", api_views.templates, name="api-templates"),
        path(
            "api/workspaces/<slug:slug>/exports/",
            api_views.workspace_exports,
            name="api-exports",
        ),
        path(EXPORT, api_views.export_detail, name="api-export"),
        path(EXPORT + "notebook.ipynb", api_views.export_notebook, name="api-export-notebook"),
        path(EXPORT + "export.zip", api_views.export_zip, name="api-export-zip"),
        path(EXPORT + "preview/", api_views.export_preview, name="api-export-preview"),
    ]
