"""Settings of real ``db_worker`` processes running exports against the test database."""

from __future__ import annotations

import json
import os

from tests.worker_settings import *  # noqa: F403

DJDESK_DATALAB = json.loads(os.environ.get("DJDESK_WORKER_DATALAB") or "{}")
