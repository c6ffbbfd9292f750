"""Settings for the real RQ worker the team-server tests start (django-tasks-rq).

The test process passes its database and Redis through the environment, as for
``tests.worker_settings``; tasks go to django-tasks-rq's backend.
"""

from __future__ import annotations

import os

from tests.teamserver.rq_config import rq_settings
from tests.worker_settings import *  # noqa: F403
from tests.worker_settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django_rq", "django_tasks_rq"]
TASKS, RQ_QUEUES = rq_settings(os.environ["DJDESK_TEST_REDIS_URL"])
