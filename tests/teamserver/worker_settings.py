"""Settings for the team-server tests' ``db_worker`` processes.

``tests.worker_settings`` plus one log line per task execution on stderr, from both
task loggers (``django.tasks`` on Django >= 6, the ``django_tasks`` backport below).
Django's own ``django`` logger only prints with ``DEBUG`` on, and ``django.tasks``
would inherit that silence; the tests count these lines to count executions.
"""

from __future__ import annotations

from tests.worker_settings import *  # noqa: F403

_EXECUTIONS = {"handlers": ["stderr"], "level": "INFO", "propagate": False}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.tasks": _EXECUTIONS, "django_tasks": _EXECUTIONS},
}
