"""Docs URLs, mounted at ``docs/`` by ``djdesk_inspector.urls``.

Used alone: ``path("djdesk/docs/", include("djdesk_inspector.docs.urls"))``.
"""

from django.urls import path

from djdesk_inspector.docs import views

app_name = "djdesk_docs"

urlpatterns = [
    path("", views.page, name="index"),
    path("<path:path>", views.page, name="page"),
]
