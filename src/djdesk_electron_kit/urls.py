"""Runtime URLs, mounted at ``desktop/`` by ``djdesk_inspector.urls``.

Used alone: ``path("djdesk/desktop/", include("djdesk_electron_kit.urls"))``. None of
them is under ``api/``, so the OpenAPI document does not list them.
"""

from django.urls import path

from djdesk_electron_kit import views

app_name = "djdesk_electron_kit"

urlpatterns = [
    path("health/", views.health, name="health"),
    path("bootstrap/", views.bootstrap, name="bootstrap"),
    path("about/", views.about, name="about"),
]
