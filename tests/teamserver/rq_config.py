"""The RQ configuration shared by the test process and the RQ worker it starts."""

from __future__ import annotations

from typing import Any

RQ_BACKEND = "django_tasks_rq.RQBackend"
QUEUE = "default"


def rq_settings(url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``TASKS`` and ``RQ_QUEUES`` for a Redis at ``url`` (django-rq reads the latter)."""
    tasks = {"default": {"BACKEND": RQ_BACKEND, "QUEUES": [QUEUE]}}
    queues = {QUEUE: {"URL": url, "DEFAULT_TIMEOUT": 120}}
    return tasks, queues
