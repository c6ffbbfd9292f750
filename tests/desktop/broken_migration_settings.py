"""Atlas desktop settings plus an app whose second migration raises."""

from atlas.settings_desktop import *  # noqa: F403
from atlas.settings_desktop import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.desktop.broken_app"]
