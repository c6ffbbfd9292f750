from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from djdesk_inspector.kernel.registry import (
    Contributions,
    Mount,
    Reaper,
    StatusSection,
    installed_label,
)


class DatalabConfig(AppConfig):
    name = "djdesk_inspector.datalab"
    label = "djdesk_datalab"
    verbose_name = _("djdesk data lab")
    default_auto_field = "django.db.models.BigAutoField"
    djdesk = Contributions(
        mount=Mount("", "djdesk_inspector.datalab.urls"),
        status_sections=(StatusSection("exports", "djdesk_inspector.datalab.status.section"),),
        operations="djdesk_inspector.datalab.api_schema.OPERATIONS",
        reapers=(Reaper("djdesk_inspector.datalab.tasks.reap_exports"),),
        job_kinds=("djdesk_inspector.datalab.tasks.EXPORT",),
        extra={"nav": ((_("Data lab"), "djdesk_datalab:index"),)},
    )

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from djdesk_inspector.datalab import checks

        checks.register()
        if installed_label("djdesk_inspector"):
            from djdesk_inspector.datalab.exports import forget_workspace

            pre_delete.connect(
                forget_workspace,
                sender="djdesk_inspector.Workspace",
                dispatch_uid="djdesk_datalab.forget_workspace",
            )
