"""Which djdesk apps mount URLs under ``include("djdesk_inspector.urls")``.

One declared table, so ``urls.py``, the OpenAPI document and the status payload agree
on what is installed. An app's URLconf is only imported when the app is installed, so
any djdesk app works on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Mount:
    app_label: str
    prefix: str
    urlconf: str


MOUNTS: tuple[Mount, ...] = (
    Mount("djdesk_inspector", "", "djdesk_inspector.inspector_urls"),
    Mount("djdesk_presets", "", "djdesk_inspector.presets.urls"),
    Mount("djdesk_datalab", "", "djdesk_inspector.datalab.urls"),
    Mount("djdesk_docs", "docs/", "djdesk_inspector.docs.urls"),
    Mount("djdesk_electron_kit", "desktop/", "djdesk_electron_kit.urls"),
)


def installed_label(label: str) -> bool:
    return any(config.label == label for config in apps.get_app_configs())


def installed_mounts() -> list[Mount]:
    return [mount for mount in MOUNTS if installed_label(mount.app_label)]
