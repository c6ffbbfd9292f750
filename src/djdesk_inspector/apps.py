from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from djdesk_inspector.kernel.registry import Contributions, Mount, Reaper


class InspectorConfig(AppConfig):
    name = "djdesk_inspector"
    label = "djdesk_inspector"
    verbose_name = _("djdesk inspector")
    default_auto_field = "django.db.models.BigAutoField"
    djdesk = Contributions(
        mount=Mount("", "djdesk_inspector.inspector_urls"),
        operations="djdesk_inspector.api_schema.OPERATIONS",
        reapers=(Reaper("djdesk_inspector.scans.reap_stale_scans"),),
    )

    def ready(self) -> None:
        from djdesk_inspector import checks

        checks.register()
