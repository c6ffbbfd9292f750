"""The probe runs checks and the URLconf in a fork, and gives the same document without.

On Linux, after ``django.setup()`` the probe forks: the child runs the system checks,
the URLconf and the settings summary while the parent reads the migration graph. A
project that started a thread (an APM agent in its settings, say) is not forked,
because forking a threaded process can deadlock. A check in the sample project reports
which process ran it, so the tests see the branch that was taken.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from telemetry import samples

from djdesk_inspector.inspection import live

pytestmark = pytest.mark.slow

WHERE_CHECK = """

import os as _os

from django.conf import settings as _settings
from django.core import checks as _checks


@_checks.register()
def where_checks_ran(app_configs, **kwargs):
    forked = _os.getpid() != _settings.PROBE_PID
    return [_checks.Info("forked" if forked else "inline", id="where.I001")]


@_checks.register()
def broken_check(app_configs, **kwargs):
    raise RuntimeError("this check is broken")
"""

SETTINGS_PID = "\nimport os as _os\n\nPROBE_PID = _os.getpid()\n"
SETTINGS_THREAD = (
    "\nimport threading as _threading\nimport time as _time\n\n"
    "_threading.Thread(target=_time.sleep, args=(600,), daemon=True).start()\n"
)


def project(root: Path) -> samples.SampleProject:
    sample = samples.write_project(root, apps=2, with_check_error=True, with_missing=True)
    models = sample.root / sample.apps[0] / "models.py"
    models.write_text(models.read_text() + WHERE_CHECK)
    settings = settings_file(sample)
    settings.write_text(settings.read_text() + SETTINGS_PID)
    return sample


def settings_file(sample: samples.SampleProject) -> Path:
    return sample.root.joinpath(*sample.settings_module.split(".")).with_suffix(".py")


def where(document: dict[str, Any]) -> list[str]:
    return [m["msg"] for m in document["checks"]["messages"] if m["id"] == "where.I001"]


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    """The document without what differs run to run (times, check order)."""
    result = {k: v for k, v in document.items() if k not in ("timings", "generated_at")}
    result["checks"] = {
        key: sorted(
            (m for m in messages if m["id"] != "where.I001"), key=lambda m: sorted(m.items())
        )
        for key, messages in document["checks"].items()
    }
    return result


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the probe forks on Linux only")
def test_checks_run_in_a_fork_and_a_threaded_project_runs_them_inline(tmp_path: Path) -> None:
    sample = project(tmp_path / "p")
    forked = live.scan(sample.root)
    assert where(forked) == ["forked"]

    settings = settings_file(sample)
    settings.write_text(settings.read_text() + SETTINGS_THREAD)
    inline = live.scan(sample.root)
    assert where(inline) == ["inline"]

    # Same facts either way: the check error, the missing migration, the URLs ...
    assert comparable(forked) == comparable(inline)
    assert [m["id"] for m in forked["checks"]["messages"] if m["level"] == "ERROR"]
    assert forked["migrations"]["missing"]["has_changes"] is True
    assert forked["urls"] and forked["settings"]["INSTALLED_APPS_COUNT"] > 2
    broken = [e for e in forked["errors"] if e["stage"] == "checks"]
    assert [e["message"] for e in broken] == ["this check is broken"]
    assert "checks" in forked["timings"] and "urls" in forked["timings"]
