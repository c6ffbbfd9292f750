from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from djdesk_inspector.kernel.registry import Contributions, Mount, Reaper


class ElectronKitConfig(AppConfig):
    name = "djdesk_electron_kit"
    label = "djdesk_electron_kit"
    verbose_name = _("djdesk desktop runtime")
    default_auto_field = "django.db.models.BigAutoField"
    djdesk = Contributions(
        mount=Mount("desktop/", "djdesk_electron_kit.urls"),
        reapers=(
            Reaper(
                "djdesk_electron_kit.task_results.reap_task_results",
                requires="django_tasks_database",
            ),
        ),
    )

    def ready(self) -> None:
        from djdesk_electron_kit import checks

        checks.register()
