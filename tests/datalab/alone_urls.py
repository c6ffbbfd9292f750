"""The data lab's URLconf mounted on its own."""

from django.urls import include, path

urlpatterns = [path("djdesk/", include("djdesk_inspector.datalab.urls"))]
