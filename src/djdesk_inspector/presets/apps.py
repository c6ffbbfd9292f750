from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from djdesk_inspector.kernel.registry import Contributions, Mount, Reaper, StatusSection


class PresetsConfig(AppConfig):
    name = "djdesk_inspector.presets"
    label = "djdesk_presets"
    verbose_name = _("djdesk task presets")
    default_auto_field = "django.db.models.BigAutoField"
    djdesk = Contributions(
        mount=Mount("", "djdesk_inspector.presets.urls"),
        status_sections=(StatusSection("task_runs", "djdesk_inspector.presets.status.section"),),
        operations="djdesk_inspector.presets.api_schema.OPERATIONS",
        reapers=(Reaper("djdesk_inspector.presets.tasks.reap_runs"),),
        job_kinds=("djdesk_inspector.presets.tasks.RUN",),
        extra={"nav": ((_("Task runs"), "djdesk_presets:runs"),)},
    )

    def ready(self) -> None:
        from djdesk_inspector.presets import checks, sync

        checks.register()
        post_migrate.connect(sync.after_migrate, sender=self)
