"""The scan task and the scan job kind (``django.tasks`` on Django >= 6.0).

Workers import tasks by dotted path, so ``run_scan`` lives at module level. Its
backend alias is read from ``DJDESK_INSPECTOR["TASK_BACKEND"]`` each time a scan is
enqueued or looked up (:data:`SCAN`), never at import, so a changed setting applies
without a re-import.
"""

from __future__ import annotations

from typing import Any

from djdesk_inspector import conf
from djdesk_inspector.kernel import jobs
from djdesk_inspector.kernel.compat import task
from djdesk_inspector.models import RehearsalStatus, ScanStatus


@task()
def run_scan(scan_id: int) -> dict[str, Any]:
    """Run one queued scan; see :func:`djdesk_inspector.scans.execute`."""
    from djdesk_inspector import scans

    return scans.execute(scan_id)


def backend_alias() -> str:
    return conf.get().TASK_BACKEND


SCAN = jobs.JobKind(
    name="scan",
    noun="scan",
    model="djdesk_inspector.Scan",
    task="djdesk_inspector.tasks.run_scan",
    backend=backend_alias,
    statuses=jobs.Statuses(
        queued=ScanStatus.QUEUED,
        running=ScanStatus.RUNNING,
        succeeded=ScanStatus.SUCCEEDED,
        failed=ScanStatus.FAILED,
    ),
    message_field="progress_message",
)

reap_scans = jobs.reaper(SCAN)


@task()
def run_rehearsal(rehearsal_id: int) -> str:
    """Run one queued rehearsal; see :func:`djdesk_inspector.rehearsals.execute`."""
    from djdesk_inspector import rehearsals

    return rehearsals.execute(rehearsal_id)


REHEARSAL = jobs.JobKind(
    name="rehearsal",
    noun="rehearsal",
    model="djdesk_inspector.Rehearsal",
    task="djdesk_inspector.tasks.run_rehearsal",
    backend=backend_alias,
    statuses=jobs.Statuses(
        queued=RehearsalStatus.QUEUED,
        running=RehearsalStatus.RUNNING,
        succeeded=RehearsalStatus.SUCCEEDED,
        failed=RehearsalStatus.FAILED,
        cancelled=RehearsalStatus.CANCELLED,
    ),
    message_field="progress_message",
)

reap_rehearsals = jobs.reaper(REHEARSAL)
