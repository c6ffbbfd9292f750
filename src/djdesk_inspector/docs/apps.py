from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from djdesk_inspector.kernel.registry import Contributions, Mount, StatusSection


class DocsConfig(AppConfig):
    name = "djdesk_inspector.docs"
    label = "djdesk_docs"
    verbose_name = _("djdesk offline docs")
    default_auto_field = "django.db.models.BigAutoField"
    djdesk = Contributions(
        mount=Mount("docs/", "djdesk_inspector.docs.urls"),
        status_sections=(StatusSection("docs", "djdesk_inspector.docs.status.section"),),
        extra={
            "nav": ((_("Docs"), "djdesk_docs:index"),),
            # For djdesk_bundle --include-docs: () -> (bundle folder, manifest file name).
            "offline_docs": "djdesk_inspector.docs.manifest.offline_bundle",
        },
    )

    def ready(self) -> None:
        from djdesk_inspector.docs import checks

        checks.register()
