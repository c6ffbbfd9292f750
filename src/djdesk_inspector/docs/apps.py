from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocsConfig(AppConfig):
    name = "djdesk_inspector.docs"
    label = "djdesk_docs"
    verbose_name = _("djdesk offline docs")

    def ready(self) -> None:
        from djdesk_inspector.docs import checks

        checks.register()
