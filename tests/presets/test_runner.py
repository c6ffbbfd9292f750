"""The runner against a real project: clean env, redaction, caps, timeouts, cancel, refusals."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest

from djdesk_inspector.presets import runner, runs
from djdesk_inspector.presets.models import RunStatus, TaskRun, TaskRunLogLine
from tests.presets.conftest import log_text, pid_gone, wait_for
from tests.presets.projects import SECRET

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("dummy_backend")]


def execute(preset: str, target: str, args: dict[str, Any] | None = None) -> TaskRun:
    run = runs.request_run(target=target, preset=preset, args=args or {})
    runner.execute(run.pk)
    return TaskRun.objects.get(pk=run.pk)


@pytest.mark.django_db
def test_check_runs_in_the_workspace(workspace):
    run = execute("check", "workspace:shop", {"app_label": "shop"})
    assert run.status == RunStatus.SUCCEEDED, log_text(run.pk)
    assert run.exit_code == 0 and run.duration_ms and run.finished_at
    assert "System check identified no issues" in log_text(run.pk)
    seqs = list(TaskRunLogLine.objects.filter(run=run).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


@pytest.mark.django_db
def test_host_target_runs_the_host_project(host_project):
    run = execute(
        "sqlmigrate", "host", {"app_label": "djdesk_presets", "migration": "0001_initial"}
    )
    # The host registry offered the label; the shop project (our stand-in host) lacks it.
    assert run.status == RunStatus.FAILED and run.exit_code == 1
    assert run.settings_module == "shopproj.settings"
    assert "No installed app with label 'djdesk_presets'" in log_text(run.pk)


@pytest.mark.django_db
def test_a_nonzero_exit_code_fails_the_run(workspace, shop):
    models = shop / "shop" / "models.py"
    models.write_text(
        models.read_text() + "    sku = models.CharField(max_length=20, default='')\n"
    )
    run = execute("makemigrations-check", "workspace:shop")
    assert run.status == RunStatus.FAILED and run.exit_code == 1
    assert "Add field sku to product" in log_text(run.pk)
    assert not list((shop / "shop" / "migrations").glob("0003*"))  # --dry-run wrote nothing


@pytest.mark.django_db
def test_host_secrets_are_invisible_to_the_child(workspace, make_preset, monkeypatch, settings):
    make_preset("printenv", "printenv")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-canary-1234567890")
    monkeypatch.setenv("DJDESK_CANARY", "djdesk-canary")
    monkeypatch.setenv("PLAIN_HOST_VARIABLE", "plain-canary")
    monkeypatch.setenv("PYTHONPATH", "/nowhere")
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tests.settings")
    run = execute("printenv", "workspace:shop")
    text = log_text(run.pk)
    assert run.status == RunStatus.SUCCEEDED, text
    for leaked in (
        "AWS_SECRET_ACCESS_KEY",
        "aws-canary",
        "DJDESK_CANARY",
        "PLAIN_HOST_VARIABLE",
        "PYTHONPATH=/nowhere",
    ):
        assert leaked not in text
    assert "ENV DJANGO_SETTINGS_MODULE=shopproj.settings" in text
    assert "ENV PATH=" in text


@pytest.mark.django_db
def test_env_allowlist_adds_variables_but_never_secrets(
    workspace, make_preset, monkeypatch, settings
):
    settings.DJDESK_PRESETS = settings.DJDESK_PRESETS | {
        "ENV_ALLOWLIST": ["PLAIN_HOST_VARIABLE", "MY_API_TOKEN"]
    }
    make_preset("printenv", "printenv")
    monkeypatch.setenv("PLAIN_HOST_VARIABLE", "plain-canary")
    monkeypatch.setenv("MY_API_TOKEN", "token-canary")
    text = log_text(execute("printenv", "workspace:shop").pk)
    assert "ENV PLAIN_HOST_VARIABLE=plain-canary" in text
    assert "MY_API_TOKEN" not in text and "token-canary" not in text


@pytest.mark.django_db
def test_secrets_printed_by_a_command_are_redacted_before_storing(workspace, make_preset):
    make_preset("printsecret", "printsecret")
    run = execute("printsecret", "workspace:shop")
    text = log_text(run.pk)
    assert run.status == RunStatus.SUCCEEDED, text
    assert SECRET not in text
    assert "verysecretkeymaterial" not in text
    assert "SECRET_KEY = '[REDACTED]'" in text
    assert "secret_key=[REDACTED]" in text
    assert text.count("[REDACTED]") >= 4
    assert "done" in text
    stderr = TaskRunLogLine.objects.filter(run=run, stream="e").values_list("text", flat=True)
    assert list(stderr) == ['{"SECRET_KEY": "[REDACTED]"}']


@pytest.mark.django_db
def test_diffsettings_output_is_redacted(workspace):
    run = execute("diffsettings", "workspace:shop", {"all": True})
    text = log_text(run.pk)
    assert run.status == RunStatus.SUCCEEDED, text
    assert "SECRET_KEY = '[REDACTED]'" in text
    assert SECRET not in text and "db-pass-" not in text
    assert "INSTALLED_APPS" in text


@pytest.mark.django_db
def test_a_timeout_kills_the_whole_process_tree(workspace, make_preset, tmp_path):
    pidfile = tmp_path / "grandchild.pid"
    make_preset("sleeper", "sleeper", fixed_args=[f"--pidfile={pidfile}"], timeout=3)
    run = execute("sleeper", "workspace:shop")
    assert run.status == RunStatus.FAILED
    assert run.timed_out is True and run.exit_code is None
    assert 3000 <= run.duration_ms < 12000
    grandchild = int(pidfile.read_text())
    wait_for(lambda: pid_gone(grandchild), timeout=10)
    assert pid_gone(run.child_pid)
    assert "[timed out after 3 s: process tree killed]" in log_text(run.pk)
    assert "spawned" in log_text(run.pk)


@pytest.mark.django_db
def test_output_is_capped_in_lines_with_a_visible_marker(workspace, make_preset, settings):
    settings.DJDESK_PRESETS = settings.DJDESK_PRESETS | {"OUTPUT_MAX_LINES": 1000}
    make_preset("chatty", "chatty", fixed_args=["--count=20000"])
    run = execute("chatty", "workspace:shop")
    assert run.status == RunStatus.SUCCEEDED
    assert run.truncated is True
    child_lines = TaskRunLogLine.objects.filter(run=run).exclude(stream="s")
    assert child_lines.count() == 1000
    markers = list(
        TaskRunLogLine.objects.filter(run=run, stream="s").values_list("text", flat=True)
    )
    assert markers[0] == "[started: manage.py chatty --count=20000]"
    assert markers[1].startswith("[output truncated: limit of 1,000 lines")
    assert re.fullmatch(
        r"\[output truncated: 19,000 more lines \([0-9.]+ KB\) were not stored\]", markers[2]
    )
    assert run.line_count == 1004
    assert TaskRunLogLine.objects.filter(run=run).order_by("-seq")[0].seq == 1004


@pytest.mark.django_db
def test_output_is_capped_in_bytes_and_long_lines_are_cut(workspace, make_preset, settings):
    settings.DJDESK_PRESETS = settings.DJDESK_PRESETS | {
        "OUTPUT_MAX_BYTES": 50_000,
        "MAX_LINE_CHARS": 200,
    }
    make_preset("chatty", "chatty", fixed_args=["--count=2000", "--width=5000"])
    run = execute("chatty", "workspace:shop")
    assert run.truncated is True
    assert run.byte_count <= 50_000
    first = TaskRunLogLine.objects.get(run=run, seq=2).text
    assert first.startswith("line 1 xxx") and "[line cut: " in first
    assert len(first) < 260


@pytest.mark.django_db(transaction=True)
def test_cancel_kills_a_running_tree(workspace, make_preset):
    make_preset("chatty", "chatty", fixed_args=["--count=100000", "--delay=0.05"])
    run = runs.request_run(target="workspace:shop", preset="chatty", args={})
    worker = threading.Thread(target=runner.execute, args=(run.pk,))
    worker.start()
    try:
        wait_for(lambda: TaskRunLogLine.objects.filter(run_id=run.pk, seq__gte=3).exists(), 20)
        cancelled = runs.cancel_run(run.pk)
    finally:
        worker.join(30)
    assert not worker.is_alive()
    assert cancelled.status == RunStatus.CANCELLED
    final = TaskRun.objects.get(pk=run.pk)
    assert final.cancel_requested and final.exit_code is None and final.finished_at
    assert pid_gone(final.child_pid)
    assert log_text(run.pk).endswith("process tree killed]")


@pytest.mark.django_db
def test_a_command_removed_from_the_allowlist_after_the_request_never_spawns(
    workspace, make_preset, settings, shop
):
    make_preset("touchfile", "touchfile")
    run = runs.request_run(target="workspace:shop", preset="touchfile", args={})
    settings.DJDESK_PRESETS = {}
    assert runner.execute(run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert run.error.startswith("Refused: 'touchfile' is not in DJDESK_PRESETS['ALLOWLIST']")
    assert run.child_pid is None
    assert not (shop / "touched.marker").exists()


@pytest.mark.django_db
def test_an_argv_edited_in_the_db_is_refused(workspace, shop):
    run = runs.request_run(target="workspace:shop", preset="check", args={})
    TaskRun.objects.filter(pk=run.pk).update(argv=["check", "--settings=shop.evil"])
    assert runner.execute(run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert "restricted option --settings" in run.error
    assert run.child_pid is None


@pytest.mark.django_db
def test_a_missing_interpreter_fails_cleanly(workspace):
    run = runs.request_run(target="workspace:shop", preset="check", args={})
    TaskRun.objects.filter(pk=run.pk).update(interpreter=str(Path("/nonexistent/python")))
    assert runner.execute(run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert "does not exist" in run.error and run.finished_at


@pytest.mark.django_db
def test_a_run_executes_once(workspace):
    run = runs.request_run(target="workspace:shop", preset="check", args={})
    assert runner.execute(run.pk) == RunStatus.SUCCEEDED
    lines = TaskRunLogLine.objects.filter(run_id=run.pk).count()
    assert runner.execute(run.pk) == RunStatus.SUCCEEDED  # a duplicate delivery is a no-op
    assert TaskRunLogLine.objects.filter(run_id=run.pk).count() == lines


@pytest.mark.django_db
def test_progress_is_estimated_from_the_previous_run(workspace):
    first = execute("check", "workspace:shop")
    assert first.expected_ms is None
    second = execute("check", "workspace:shop")
    assert second.expected_ms == max(first.duration_ms, 1)
    assert second.progress == 100
