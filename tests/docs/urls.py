"""The docs app mounted where ``djdesk_inspector.urls`` puts it, without the other apps."""

from django.urls import include, path

urlpatterns = [path("djdesk/docs/", include("djdesk_inspector.docs.urls"))]
