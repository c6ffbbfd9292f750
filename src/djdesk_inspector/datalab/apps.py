from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatalabConfig(AppConfig):
    name = "djdesk_inspector.datalab"
    label = "djdesk_datalab"
    verbose_name = _("djdesk data lab")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from djdesk_inspector.datalab import checks

        checks.register()
