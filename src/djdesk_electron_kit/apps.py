from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectronKitConfig(AppConfig):
    name = "djdesk_electron_kit"
    label = "djdesk_electron_kit"
    verbose_name = _("djdesk desktop runtime")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from djdesk_electron_kit import checks

        checks.register()
