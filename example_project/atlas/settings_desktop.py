"""Atlas Telemetry as a desktop app: the development settings plus desktop mode.

Used by the launcher (``python -m djdesk_electron_kit.launch --settings
atlas.settings_desktop``) and by ``manage.py djdesk_serve --settings
atlas.settings_desktop``. Everything Atlas writes goes to the per-user data dir.
"""

from __future__ import annotations

import os

from djdesk_electron_kit.desktop_settings import apply, paths

DJDESK_DESKTOP = {"APP_NAME": "Atlas Telemetry"}

# atlas.settings creates its VAR_DIR on import: point it into the data dir, never the bundle.
os.environ.setdefault("ATLAS_VAR_DIR", str(paths(globals()).data_dir / "var"))

from atlas.settings import *  # noqa: E402, F403

apply(globals())
