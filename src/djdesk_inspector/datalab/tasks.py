"""The export task and the export job kind, enqueued on the inspector's backend.

Workers import tasks by dotted path, so ``run_export`` lives at module level; the
backend alias is ``DJDESK_INSPECTOR["TASK_BACKEND"]``, read each time an export is
enqueued or looked up (:data:`EXPORT`), so a changed setting applies without a
re-import.
"""

from __future__ import annotations

from typing import Any

from djdesk_inspector import conf as inspector_conf
from djdesk_inspector.datalab.models import ExportStatus
from djdesk_inspector.kernel import compat, jobs


@compat.task()
def run_export(export_id: str) -> dict[str, Any]:
    """Runs inside the worker (or inline with ImmediateBackend); see ``exports.execute``."""
    from djdesk_inspector.datalab import exports

    return exports.execute(export_id)


def backend_alias() -> str:
    return inspector_conf.get().TASK_BACKEND


EXPORT = jobs.JobKind(
    name="export",
    noun="export",
    model="djdesk_datalab.Export",
    task="djdesk_inspector.datalab.tasks.run_export",
    backend=backend_alias,
    statuses=jobs.Statuses(
        queued=ExportStatus.QUEUED,
        running=ExportStatus.RUNNING,
        succeeded=ExportStatus.SUCCEEDED,
        failed=ExportStatus.FAILED,
    ),
    message_field="progress_message",
    on_reaped="djdesk_inspector.datalab.exports.remove_leftovers",
)

reap_exports = jobs.reaper(EXPORT)
