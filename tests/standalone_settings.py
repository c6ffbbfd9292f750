"""The presets and docs apps without the inspector: `include("djdesk_inspector.urls")` must
still mount what is installed."""

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS

INSTALLED_APPS = [
    app for app in INSTALLED_APPS if app not in {"djdesk_inspector", "djdesk_inspector.datalab"}
]
