"""The django-tasks task that executes a run, on the backend named in the settings."""

from __future__ import annotations

from typing import Any

from djdesk_inspector.kernel import compat
from djdesk_inspector.presets import conf


@compat.task()
def run_preset(run_id: int) -> str:
    """Runs inside the worker (or inline with ImmediateBackend); returns the final status."""
    from djdesk_inspector.presets import runner

    return runner.execute(run_id)


def configured() -> Any:
    """The task bound to ``DJDESK_PRESETS['TASK_BACKEND']``."""
    return run_preset.using(backend=conf.get().TASK_BACKEND)
