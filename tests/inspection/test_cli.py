"""``djdesk-inspect``: ``djdesk_inspect`` without a host project, the scan started early.

It must be the same command (options, output, exit status) as ``python -m django
djdesk_inspect --settings djdesk_inspector.cli_settings``; only its timing differs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from telemetry import samples

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, *argv], capture_output=True, text=True, env=env, timeout=300
    )


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run("-m", "djdesk_inspector.cli", *args)


def management(*args: str) -> subprocess.CompletedProcess[str]:
    return run(
        "-m", "django", "djdesk_inspect", *args, "--settings", "djdesk_inspector.cli_settings"
    )


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    result = {k: v for k, v in document.items() if k not in ("generated_at", "timings")}
    result["checks"] = {
        key: sorted(messages, key=lambda m: sorted(m.items()))
        for key, messages in document["checks"].items()
    }
    return result


def test_same_document_gate_and_exit_status_as_the_management_command(
    showcase: samples.SampleProject,
) -> None:
    root = str(showcase.root)
    early, late = cli(root, "--json"), management(root, "--json")
    assert early.returncode == late.returncode == 0, early.stderr + late.stderr
    assert comparable(json.loads(early.stdout)) == comparable(json.loads(late.stdout))

    gate = ("--fail-on", "missing-migrations,check-errors")
    early, late = cli(root, *gate), management(root, *gate)
    assert early.returncode == late.returncode == 1
    assert early.stdout == late.stdout
    assert "showcase.E001" in early.stdout


def test_bad_options_fail_before_anything_runs(tmp_path: Path) -> None:
    """The scan starts before Django is set up, so every option is checked first."""
    sample = samples.write_project(tmp_path / "p", apps=1)
    sentinel = tmp_path / "interpreter-ran"
    interpreter = tmp_path / "python"
    interpreter.write_text(
        f"#!{sys.executable}\nimport pathlib\npathlib.Path({str(sentinel)!r}).touch()\n"
    )
    interpreter.chmod(0o755)
    done = cli(str(sample.root), "--python", str(interpreter), "--fail-on", "nonsense")
    assert done.returncode == 1
    assert done.stderr.startswith("CommandError: ") and "nonsense" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not sentinel.exists()

    done = cli(str(sample.root), "--bogus")
    assert done.returncode == 2
    assert "djdesk-inspect: error: unrecognized arguments: --bogus" in done.stderr


def test_help_names_the_script_and_the_script_is_installed() -> None:
    done = cli("--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: djdesk-inspect ")
    assert "RUNS THE PROJECT'S CODE" in done.stdout
    scripts = metadata.entry_points(group="console_scripts")
    assert scripts["djdesk-inspect"].value == "djdesk_inspector.cli:main"
