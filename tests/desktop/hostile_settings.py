"""Atlas desktop settings whose host target runs a hostile preset command.

``BASE_DIR`` points at ``hostile_project/`` (a ``manage.py`` that finds this checkout),
so a "This project" preset runs ``hostile_sleep``: a command that starts a child in its
process group and a double-forked grandchild in a session of its own, then sleeps.
"""

from pathlib import Path

from atlas.settings_desktop import *  # noqa: F403
from atlas.settings_desktop import INSTALLED_APPS

from djdesk_inspector.presets.conf import DEFAULT_ALLOWLIST

BASE_DIR = Path(__file__).resolve().parent / "hostile_project"
INSTALLED_APPS = [*INSTALLED_APPS, "tests.desktop.hostile_app"]
DJDESK_PRESETS = {"ALLOWLIST": [*DEFAULT_ALLOWLIST, "hostile_sleep"]}
