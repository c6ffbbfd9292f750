"""The django-tasks task that builds an export, enqueued on the inspector's backend.

Workers import tasks by dotted path, so ``run_export`` lives at module level; the
backend alias is ``DJDESK_INSPECTOR["TASK_BACKEND"]``, passed at enqueue time so a
changed setting applies without a re-import.
"""

from __future__ import annotations

from typing import Any

from djdesk_inspector.kernel import compat


@compat.task()
def run_export(export_id: str) -> dict[str, Any]:
    """Runs inside the worker (or inline with ImmediateBackend); see ``exports.execute``."""
    from djdesk_inspector.datalab import exports

    return exports.execute(export_id)
