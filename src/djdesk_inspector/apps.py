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
        reapers=(
            Reaper("djdesk_inspector.tasks.reap_scans"),
            Reaper("djdesk_inspector.tasks.reap_rehearsals"),
        ),
        job_kinds=("djdesk_inspector.tasks.SCAN", "djdesk_inspector.tasks.REHEARSAL"),
        extra={
            "nav": (
                (_("Dashboard"), "djdesk_inspector:dashboard"),
                (_("Add workspace"), "djdesk_inspector:wizard", "add-workspace"),
            ),
            "workspaces": "djdesk_inspector.workspaces.switcher_entries",
        },
    )

    def ready(self) -> None:
        from djdesk_inspector import checks

        checks.register()
