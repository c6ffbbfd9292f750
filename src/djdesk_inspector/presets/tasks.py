"""The task that executes a run, and the run job kind, on the backend the settings name."""

from __future__ import annotations

from djdesk_inspector.kernel import compat, jobs
from djdesk_inspector.presets import conf
from djdesk_inspector.presets.models import RunStatus


@compat.task()
def run_preset(run_id: int) -> str:
    """Runs inside the worker (or inline with ImmediateBackend); returns the final status."""
    from djdesk_inspector.presets import runner

    return runner.execute(run_id)


def backend_alias() -> str:
    return conf.get().TASK_BACKEND


def stale_after() -> float:
    return float(conf.get().STALE_AFTER)


RUN = jobs.JobKind(
    name="preset_run",
    noun="task",
    model="djdesk_presets.TaskRun",
    task="djdesk_inspector.presets.tasks.run_preset",
    backend=backend_alias,
    statuses=jobs.Statuses(
        queued=RunStatus.REQUESTED,
        running=RunStatus.RUNNING,
        succeeded=RunStatus.SUCCEEDED,
        failed=RunStatus.FAILED,
        cancelled=RunStatus.CANCELLED,
    ),
    worker_pid_field="runner_pid",
    beats=True,
    stale_after=stale_after,
)

reap_runs = jobs.reaper(RUN)
