"""One job lifecycle for every kind of background work (scans, runs, exports ...).

request -> enqueue after commit -> claim -> progress -> finish / fail / cancel, and
reap for jobs a dead worker left behind. Apps declare their kinds as data
(:class:`JobKind`) in ``Contributions(job_kinds=...)``; see ``docs/jobs.rst``.
"""

from djdesk_inspector.kernel.jobs.kinds import (
    DEFAULT_STALE_AFTER,
    JobKind,
    Statuses,
    kind_named,
    kinds,
    task_argument,
)
from djdesk_inspector.kernel.jobs.lifecycle import (
    CANCELLED_BEFORE_START,
    Ending,
    Progress,
    cancel,
    cancel_requested,
    claim,
    end,
    ending_fields,
    enqueue,
    fail,
    finish,
    request,
    request_once,
    submit,
)
from djdesk_inspector.kernel.jobs.recovery import (
    CLAIM_GRACE_SECONDS,
    GONE,
    READY,
    UNKNOWN,
    TaskState,
    lost_error,
    reap,
    reaper,
    running_error,
    task_state,
)

__all__ = [
    "CANCELLED_BEFORE_START",
    "CLAIM_GRACE_SECONDS",
    "DEFAULT_STALE_AFTER",
    "GONE",
    "READY",
    "UNKNOWN",
    "Ending",
    "JobKind",
    "Progress",
    "Statuses",
    "TaskState",
    "cancel",
    "cancel_requested",
    "claim",
    "end",
    "ending_fields",
    "enqueue",
    "fail",
    "finish",
    "kind_named",
    "kinds",
    "lost_error",
    "reap",
    "reaper",
    "request",
    "request_once",
    "running_error",
    "submit",
    "task_argument",
    "task_state",
]
