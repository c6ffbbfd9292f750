"""Mount every installed djdesk app: ``path("djdesk/", include("djdesk_inspector.urls"))``."""

from django.urls import include, path, re_path

from djdesk_inspector import api_root
from djdesk_inspector.kernel import registry

urlpatterns = [
    path("api/openapi.json", api_root.openapi_document, name="djdesk-openapi"),
    *(path(mount.prefix, include(mount.urlconf)) for mount in registry.mounts()),
    # Last: any other api/ path is a JSON 404, never an HTML page. A regex, not
    # <path:rest>, whose "." stops at a newline; [\s\S] because reverse() refuses
    # inline flags such as (?s).
    re_path(r"^api/(?P<rest>[\s\S]*)\Z", api_root.unknown_endpoint, name="djdesk-api-unknown"),
]
