"""Atlas desktop settings whose tasks worker cannot start (it dies on import)."""

import os

from atlas.settings_desktop import *  # noqa: F403
from atlas.settings_desktop import DJDESK_DESKTOP

if os.environ.get("DJDESK_ROLE") == "worker":
    raise SystemExit("this worker refuses to start")

DJDESK_DESKTOP = {**DJDESK_DESKTOP, "WORKER_MAX_FAILURES": 2}
