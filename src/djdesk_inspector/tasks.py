"""django-tasks tasks of the inspector (``django.tasks`` on Django >= 6.0).

Workers import tasks by dotted path, so ``run_scan`` lives at module level; the
backend alias comes from ``DJDESK_INSPECTOR["TASK_BACKEND"]`` (``request_scan``
also passes it explicitly, so a changed setting applies without a re-import).
"""

from __future__ import annotations

from typing import Any

from djdesk_inspector import conf
from djdesk_inspector.kernel.compat import task


@task(backend=conf.get().TASK_BACKEND)
def run_scan(scan_id: int) -> dict[str, Any]:
    """Run one queued scan; see :func:`djdesk_inspector.scans.execute`."""
    from djdesk_inspector import scans

    return scans.execute(scan_id)
