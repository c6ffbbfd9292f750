"""One job lifecycle, the same for every kind: scans, preset runs and data-lab exports.

Every test runs once per declared kind, on real SQLite with real django-tasks backends
(``ImmediateBackend`` and django-tasks-db's ``DatabaseBackend``); nothing is mocked.
The jobs are made to end fast (a missing folder, interpreter or template), since what
is tested is the lifecycle, not the work.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from djdesk_inspector.datalab.tasks import EXPORT
from djdesk_inspector.kernel import compat, jobs, reaping
from djdesk_inspector.models import Snapshot, Workspace
from djdesk_inspector.presets.tasks import RUN
from djdesk_inspector.tasks import SCAN

pytestmark = pytest.mark.django_db(transaction=True)

DEAD_PID = 2**22 + 12345  # above the default pid_max: never a live process


@dataclass(frozen=True)
class Case:
    """A kind, the settings dict naming its backend, and how to make a row of it."""

    kind: jobs.JobKind
    setting: str
    fields: Callable[[Path], dict[str, Any]]

    def request(self, tmp_path: Path) -> Any:
        return jobs.request(self.kind, **self.fields(tmp_path))

    def row(self, tmp_path: Path, status: str, **extra: Any) -> Any:
        return self.kind.rows().create(**self.fields(tmp_path), status=status, **extra)


def _workspace(tmp_path: Path) -> Workspace:
    folder = tmp_path / f"missing-{Workspace.objects.count()}"
    return Workspace.objects.create(name=folder.name, project_path=str(folder))


def scan_fields(tmp_path: Path) -> dict[str, Any]:
    return {"workspace": _workspace(tmp_path), "kind": "static"}


def run_fields(tmp_path: Path) -> dict[str, Any]:
    return {
        "preset_key": "check",
        "target": "host",
        "project_path": str(tmp_path),
        "interpreter": str(tmp_path / "no-python"),
        "argv": ["check"],
    }


def export_fields(tmp_path: Path) -> dict[str, Any]:
    workspace = _workspace(tmp_path)
    snapshot = Snapshot.objects.create(workspace=workspace, mode="static")
    return {"workspace": workspace, "snapshot": snapshot, "template": "gone", "version": 1}


CASES = [
    Case(SCAN, "DJDESK_INSPECTOR", scan_fields),
    Case(RUN, "DJDESK_PRESETS", run_fields),
    Case(EXPORT, "DJDESK_INSPECTOR", export_fields),
]


@pytest.fixture(params=CASES, ids=[case.kind.name for case in CASES])
def case(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> Case:
    settings.DJDESK_DATALAB = {"EXPORT_ROOT": str(tmp_path / "exports"), "EXECUTE": False}
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def database_backend(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": compat.DATABASE_BACKEND}}


def status_of(case: Case, row: Any) -> str:
    return case.kind.rows().values_list("status", flat=True).get(pk=row.pk)  # type: ignore[no-any-return]


def error_of(case: Case, row: Any) -> str:
    return case.kind.rows().values_list(case.kind.error_field, flat=True).get(pk=row.pk)  # type: ignore[no-any-return]


# -- declaration ------------------------------------------------------------------------


def test_the_installed_apps_declare_their_kinds() -> None:
    names = [kind.name for kind in jobs.kinds()]
    assert names == ["scan", "rehearsal", "preset_run", "export"]
    assert jobs.kind_named("export") is EXPORT
    with pytest.raises(LookupError):
        jobs.kind_named("nope")


def test_every_kind_declares_a_working_reaper() -> None:
    paths = {item.reaper.function for item in reaping.resolve_all() if item.function}
    assert {
        "djdesk_inspector.tasks.reap_scans",
        "djdesk_inspector.presets.tasks.reap_runs",
        "djdesk_inspector.datalab.tasks.reap_exports",
    } <= paths


# -- request and enqueue after commit ---------------------------------------------------------


def test_outside_a_transaction_the_immediate_backend_has_run_the_job(
    case: Case, tmp_path: Path
) -> None:
    row = case.request(tmp_path)
    # The returned row is fresh: the job ran (and failed on its missing input) already.
    assert row.status == case.kind.statuses.failed
    assert row.task_id
    assert getattr(row, case.kind.worker_pid_field) == os.getpid()
    assert getattr(row, case.kind.error_field)


def test_a_request_inside_a_transaction_runs_only_once_it_commits(
    case: Case, tmp_path: Path
) -> None:
    with transaction.atomic():
        with transaction.atomic():  # a savepoint commits nothing
            row = case.request(tmp_path)
        assert row.status == case.kind.statuses.queued
        assert status_of(case, row) == case.kind.statuses.queued
        assert not row.task_id
    assert status_of(case, row) == case.kind.statuses.failed


def test_a_rolled_back_request_enqueues_nothing(
    case: Case, tmp_path: Path, database_backend: None
) -> None:
    class Abort(Exception):
        pass

    made: list[Any] = []

    def request_then_abort() -> None:
        with transaction.atomic():
            made.append(case.request(tmp_path))
            assert not DBTaskResult.objects.exists()
            raise Abort

    with pytest.raises(Abort):
        request_then_abort()
    row = made[0]
    assert not case.kind.rows().filter(pk=row.pk).exists()
    assert not DBTaskResult.objects.exists()


def test_the_database_backend_gets_the_task_after_commit(
    case: Case, tmp_path: Path, database_backend: None
) -> None:
    with transaction.atomic():
        row = case.request(tmp_path)
        assert not DBTaskResult.objects.exists()
    row.refresh_from_db()
    result = DBTaskResult.objects.get()
    assert str(result.id) == row.task_id
    assert result.task_path == case.kind.task
    assert result.args_kwargs["args"] == [jobs.task_argument(row.pk)]
    assert row.status == case.kind.statuses.queued


def test_a_changed_backend_setting_applies_without_a_reimport(
    case: Case, tmp_path: Path, settings: Any
) -> None:
    settings.TASKS = {
        "default": {"BACKEND": compat.IMMEDIATE_BACKEND},
        "queue": {"BACKEND": compat.DATABASE_BACKEND},
    }
    setattr(settings, case.setting, {"TASK_BACKEND": "queue"})
    queued = case.request(tmp_path)
    assert queued.status == case.kind.statuses.queued
    assert DBTaskResult.objects.get(id=queued.task_id).backend_name == "queue"
    setattr(settings, case.setting, {"TASK_BACKEND": "default"})
    ran = case.request(tmp_path)
    assert ran.status == case.kind.statuses.failed
    assert DBTaskResult.objects.count() == 1


def test_a_backend_that_refuses_the_task_fails_the_job_visibly(
    case: Case, tmp_path: Path, settings: Any
) -> None:
    setattr(settings, case.setting, {"TASK_BACKEND": "no-such-alias"})
    row = case.request(tmp_path)
    assert row.status == case.kind.statuses.failed
    assert getattr(row, case.kind.error_field).startswith(
        f"The {case.kind.noun} could not be queued: "
    )


# -- claim, progress, end -----------------------------------------------------------------


def test_a_job_is_claimed_exactly_once(case: Case, tmp_path: Path) -> None:
    row = case.row(tmp_path, case.kind.statuses.queued)
    start = threading.Barrier(4)
    won: list[bool] = []

    def claim() -> None:
        try:
            start.wait()
            won.append(jobs.claim(case.kind, row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(won) == [False, False, False, True]
    row.refresh_from_db()
    assert row.status == case.kind.statuses.running
    assert getattr(row, case.kind.worker_pid_field) == os.getpid()
    assert getattr(row, case.kind.heartbeat_field) is not None
    assert not jobs.claim(case.kind, row.pk)


def test_progress_is_written_only_when_it_changes(case: Case, tmp_path: Path) -> None:
    row = case.row(tmp_path, case.kind.statuses.running)
    progress = jobs.Progress(case.kind, row.pk)
    with CaptureQueriesContext(connection) as queries:
        progress(10, "Reading")
        progress(10, "Reading")
        progress(150, "Writing")
    assert len(queries) == 2
    row.refresh_from_db()
    assert getattr(row, case.kind.progress_field) == 99  # 100 only when it finished


def test_an_ended_job_never_changes_again(case: Case, tmp_path: Path) -> None:
    row = case.row(tmp_path, case.kind.statuses.running)
    assert jobs.fail(case.kind, row.pk, "It broke: password=hunter2 token=abc123")
    assert not jobs.finish(case.kind, row.pk)
    assert not jobs.fail(case.kind, row.pk, "again")
    row.refresh_from_db()
    assert row.status == case.kind.statuses.failed
    error = getattr(row, case.kind.error_field)
    assert error.startswith("It broke: password=") and "hunter2" not in error
    assert "abc123" not in error
    assert row.finished_at is not None


def test_finish_records_success(case: Case, tmp_path: Path) -> None:
    row = case.row(tmp_path, case.kind.statuses.running)
    assert jobs.finish(case.kind, row.pk)
    row.refresh_from_db()
    assert row.status == case.kind.statuses.succeeded
    assert getattr(row, case.kind.progress_field) == 100
    assert getattr(row, case.kind.error_field) == ""


# -- cancel --------------------------------------------------------------------------------


def test_cancelling_a_queued_job_ends_it_before_it_runs(case: Case, tmp_path: Path) -> None:
    row = case.row(tmp_path, case.kind.statuses.queued)
    assert jobs.cancel(case.kind, row.pk) == "cancelled"
    assert not jobs.claim(case.kind, row.pk)
    row.refresh_from_db()
    assert row.status == case.kind.statuses.cancelled_or_failed
    assert getattr(row, case.kind.cancel_field) is True
    if not case.kind.statuses.cancelled:  # no such status: failed, with the reason
        assert getattr(row, case.kind.error_field) == jobs.CANCELLED_BEFORE_START
    assert jobs.cancel(case.kind, row.pk) == "ended"


def test_cancelling_a_running_job_asks_its_worker(case: Case, tmp_path: Path) -> None:
    row = case.row(tmp_path, case.kind.statuses.running)
    assert not jobs.cancel_requested(case.kind, row.pk)
    assert jobs.cancel(case.kind, row.pk) == "requested"
    assert jobs.cancel_requested(case.kind, row.pk)
    assert status_of(case, row) == case.kind.statuses.running
    assert jobs.end(case.kind, row.pk, "cancelled")
    assert status_of(case, row) == case.kind.statuses.cancelled_or_failed


def test_a_job_cancelled_before_its_worker_claims_it_is_closed_by_the_claim(
    case: Case, tmp_path: Path
) -> None:
    row = case.row(tmp_path, case.kind.statuses.queued, cancel_requested=True)
    assert not jobs.claim(case.kind, row.pk)
    assert status_of(case, row) == case.kind.statuses.cancelled_or_failed


def test_cancelling_a_missing_job(case: Case) -> None:
    missing = 10**9 if case.kind is not EXPORT else "0" * 32
    assert jobs.cancel(case.kind, missing) == "missing"


# -- where the task is: ready, gone, unknown ---------------------------------------------------


def test_task_state_with_the_database_backend(
    case: Case, tmp_path: Path, database_backend: None
) -> None:
    row = case.request(tmp_path)
    assert jobs.task_state(case.kind, row.task_id) == jobs.READY
    # A worker took the task a moment ago: it is about to claim the row.
    DBTaskResult.objects.filter(id=row.task_id).update(
        status=compat.TaskResultStatus.RUNNING, started_at=timezone.now()
    )
    assert jobs.task_state(case.kind, row.task_id) == jobs.READY
    assert jobs.task_state(case.kind, row.task_id, worker_died=True) == jobs.GONE
    DBTaskResult.objects.filter(id=row.task_id).update(
        started_at=timezone.now() - timedelta(seconds=jobs.CLAIM_GRACE_SECONDS + 1)
    )
    assert jobs.task_state(case.kind, row.task_id) == jobs.GONE
    DBTaskResult.objects.filter(id=row.task_id).delete()
    assert jobs.task_state(case.kind, row.task_id) == jobs.GONE
    assert jobs.task_state(case.kind, "not-a-task-id") == jobs.GONE
    assert jobs.task_state(case.kind, "") == jobs.UNKNOWN


def test_a_task_the_worker_ran_is_gone(case: Case, tmp_path: Path, database_backend: None) -> None:
    row = case.request(tmp_path)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert status_of(case, row) == case.kind.statuses.failed  # it ran, on its bad input
    assert DBTaskResult.objects.get(id=row.task_id).status == compat.TaskResultStatus.SUCCESSFUL
    assert jobs.task_state(case.kind, row.task_id) == jobs.GONE


def test_a_backend_without_results_or_a_broken_alias_is_unknown(
    case: Case, tmp_path: Path, settings: Any, database_backend: None
) -> None:
    row = case.request(tmp_path)
    settings.TASKS = {"default": {"BACKEND": compat.IMMEDIATE_BACKEND}}
    assert jobs.task_state(case.kind, row.task_id) == jobs.UNKNOWN
    setattr(settings, case.setting, {"TASK_BACKEND": "no-such-alias"})
    assert jobs.task_state(case.kind, row.task_id) == jobs.UNKNOWN


# -- reaping ---------------------------------------------------------------------------------


def _age(case: Case, row: Any, seconds: float) -> None:
    case.kind.rows().filter(pk=row.pk).update(
        **{case.kind.created_field: timezone.now() - timedelta(seconds=seconds)}
    )


def test_reaping_keeps_ready_and_fresh_unknown_jobs_and_fails_lost_ones(
    case: Case, tmp_path: Path, database_backend: None
) -> None:
    ready = case.request(tmp_path)
    gone = case.request(tmp_path)
    DBTaskResult.objects.filter(id=gone.task_id).delete()
    fresh_unknown = case.row(tmp_path, case.kind.statuses.queued)
    old_unknown = case.row(tmp_path, case.kind.statuses.queued)
    old_ready = case.request(tmp_path)
    stale = case.kind.stale_after() + 5
    _age(case, old_unknown, stale)
    _age(case, old_ready, stale)
    assert jobs.reap(case.kind) == 2
    queued, failed = case.kind.statuses.queued, case.kind.statuses.failed
    assert status_of(case, ready) == status_of(case, old_ready) == queued
    assert status_of(case, fresh_unknown) == queued
    assert status_of(case, gone) == status_of(case, old_unknown) == failed
    assert error_of(case, gone) == jobs.lost_error(case.kind)
    assert jobs.reap(case.kind) == 0


def test_reaping_running_jobs_is_safe_beside_a_live_worker(case: Case, tmp_path: Path) -> None:
    now = timezone.now()
    pid, beat = case.kind.worker_pid_field, case.kind.heartbeat_field
    alive = case.row(tmp_path, case.kind.statuses.running, **{pid: os.getpid(), beat: now})
    dead = case.row(tmp_path, case.kind.statuses.running, **{pid: DEAD_PID, beat: now})
    unclaimed = case.row(tmp_path, case.kind.statuses.running)
    done = case.row(tmp_path, case.kind.statuses.succeeded)
    assert jobs.reap(case.kind) == 2
    assert status_of(case, alive) == case.kind.statuses.running
    assert status_of(case, dead) == status_of(case, unclaimed) == case.kind.statuses.failed
    assert error_of(case, dead) == jobs.running_error(case.kind)
    assert status_of(case, done) == case.kind.statuses.succeeded


def test_the_worker_the_launcher_saw_die_takes_its_jobs_along(
    case: Case, tmp_path: Path, database_backend: None
) -> None:
    pid, beat = case.kind.worker_pid_field, case.kind.heartbeat_field
    # Its pid may already belong to another process; the launcher knows it died.
    running = case.row(
        tmp_path, case.kind.statuses.running, **{pid: os.getpid(), beat: timezone.now()}
    )
    taken = case.request(tmp_path)  # a task the dead worker had taken, row not claimed yet
    DBTaskResult.objects.filter(id=taken.task_id).update(
        status=compat.TaskResultStatus.RUNNING, started_at=timezone.now()
    )
    waiting = case.request(tmp_path)
    reason = "The tasks worker died (exit code -9)."
    counts = reaping.reap_all(reason=reason, worker_pid=os.getpid())
    assert sum(counts.values()) >= 2
    assert status_of(case, running) == status_of(case, taken) == case.kind.statuses.failed
    assert error_of(case, running) == error_of(case, taken) == reason
    assert status_of(case, waiting) == case.kind.statuses.queued


def test_reap_all_passes_the_reason_to_every_kind(tmp_path: Path, settings: Any) -> None:
    settings.DJDESK_DATALAB = {"EXPORT_ROOT": str(tmp_path / "exports"), "EXECUTE": False}
    rows = [
        (
            case,
            case.row(
                tmp_path, case.kind.statuses.running, **{case.kind.worker_pid_field: DEAD_PID}
            ),
        )
        for case in CASES
    ]
    counts = reaping.reap_all(reason="The tasks worker died (exit code -9).")
    for case, row in rows:
        assert status_of(case, row) == case.kind.statuses.failed
        assert error_of(case, row) == "The tasks worker died (exit code -9)."
    assert counts["djdesk_inspector.tasks.reap_scans"] == 1
    assert counts["djdesk_inspector.presets.tasks.reap_runs"] == 1
    assert counts["djdesk_inspector.datalab.tasks.reap_exports"] == 1


def test_a_silent_heartbeat_means_a_dead_runner_for_kinds_whose_worker_beats(
    tmp_path: Path,
) -> None:
    case = CASES[1]
    assert case.kind.beats
    old = timezone.now() - timedelta(seconds=case.kind.stale_after() + 5)
    silent = case.row(
        tmp_path, case.kind.statuses.running, runner_pid=os.getpid(), heartbeat_at=old
    )
    assert jobs.reap(case.kind) == 1
    assert status_of(case, silent) == case.kind.statuses.failed
    scan = CASES[0]
    assert not scan.kind.beats  # a long scan step writes nothing: only its pid tells
    quiet = scan.row(tmp_path, scan.kind.statuses.running, worker_pid=os.getpid(), heartbeat_at=old)
    assert jobs.reap(scan.kind) == 0
    assert status_of(scan, quiet) == scan.kind.statuses.running
