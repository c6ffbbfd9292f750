"""Settings for real ``db_worker`` subprocesses started by the presets tests and bench.

The test process passes its own (file) SQLite database and presets settings through
the environment, so the worker and the test read and write the same rows.
"""

from __future__ import annotations

import json
import os

from tests import databases
from tests.settings import *  # noqa: F403
from tests.settings import DATABASES, compat

DATABASES = {
    "default": {
        **DATABASES["default"],
        "NAME": os.environ["DJDESK_WORKER_DB"],
        "OPTIONS": {}
        if databases.is_postgres(DATABASES["default"])
        else {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
}
TASKS = {"default": {"BACKEND": compat.DATABASE_BACKEND}}
DJDESK_PRESETS = json.loads(os.environ.get("DJDESK_WORKER_PRESETS") or "{}")
