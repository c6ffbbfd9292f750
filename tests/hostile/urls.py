"""A host project with its own ``/api/``: djdesk must leave those paths alone."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def host_api(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"host": True})


urlpatterns = [
    path("api/things/", host_api, name="host-api"),
    path("tools/djdesk/", include("djdesk_inspector.urls")),
]
