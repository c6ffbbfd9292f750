from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PresetsConfig(AppConfig):
    name = "djdesk_inspector.presets"
    label = "djdesk_presets"
    verbose_name = _("djdesk task presets")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from djdesk_inspector.presets import checks, sync

        checks.register()
        post_migrate.connect(sync.after_migrate, sender=self)
