from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectorConfig(AppConfig):
    name = "djdesk_inspector"
    label = "djdesk_inspector"
    verbose_name = _("djdesk inspector")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from djdesk_inspector import checks

        checks.register()
