"""Worker supervision details that need no process: backoff and the worker's command."""

from __future__ import annotations

import sys
from pathlib import Path

from djdesk_electron_kit import supervisor
from djdesk_electron_kit.conf import DesktopSettings


def test_backoff_doubles_up_to_the_ceiling() -> None:
    assert [supervisor.backoff(n, 5.0) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 5.0]


def test_worker_spec_never_passes_the_token(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DJDESK_TOKEN", "t" * 40)
    spec = supervisor.worker_spec(
        DesktopSettings(WORKER_QUEUES="default,scans"),
        settings_module="shop.settings_desktop",
        project_dir=tmp_path,
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
    )
    assert "DJDESK_TOKEN" not in spec.env
    assert spec.env["DJDESK_ROLE"] == "worker"
    assert spec.env["DJDESK_DATA_DIR"] == str(tmp_path / "data")
    assert spec.env["DJANGO_SETTINGS_MODULE"] == "shop.settings_desktop"
    assert spec.env["PYTHONPATH"].split(":" if sys.platform != "win32" else ";")[0] == str(tmp_path)
    assert spec.argv[:3] == (sys.executable, "-m", "djdesk_electron_kit.worker")
    assert spec.argv[spec.argv.index("--queue-name") + 1] == "default,scans"
    assert {"--skip-checks", "--no-reload"} <= set(spec.argv)
    assert spec.cwd == tmp_path
