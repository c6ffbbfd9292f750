"""The presets app mounted where ``djdesk_inspector.urls`` puts it, on its own."""

from django.urls import include, path

urlpatterns = [path("djdesk/", include("djdesk_inspector.presets.urls"))]
