"""Live scan through ``djdesk_inspect`` against the project's own ``manage.py check``.

Shared by ``bench/inspect.py`` (a generated 60-model project) and
``bench/real_projects.py --vs-check`` (real projects in their own venvs). Runs are
interleaved so machine load hits every variant alike; medians of wall and CPU seconds
(CPU includes the children, so it is immune to other load). Three variants:

* ``check``: ``PY manage.py check`` with the environment a probe gets;
* ``command``: ``call_command("djdesk_inspect", ...)`` in this already started process,
  the way a scan runs in a worker;
* ``end_to_end``: ``python -m django djdesk_inspect PATH --settings
  djdesk_inspector.cli_settings`` as a new process, the way a developer or CI runs it;
  ``host_startup`` is that command's ``--help`` alone;
* ``console_script``: ``djdesk-inspect PATH`` (``djdesk_inspector/cli.py``), the same
  command with the scan started before Django's setup.
"""

from __future__ import annotations

import io
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pathsetup

from djdesk_inspector.inspection import children

TARGET = 1.3
HOST_SETTINGS = "djdesk_inspector.cli_settings"


def cpu_seconds() -> float:
    """CPU seconds of this process and its finished children."""
    try:
        import resource
    except ImportError:  # Windows: no rusage; CPU figures come out as NaN
        return float("nan")
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(func: Callable[[], object]) -> tuple[float, float]:
    cpu, wall = cpu_seconds(), time.perf_counter()
    func()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def measure(
    project: Path,
    *,
    python: str,
    settings_module: str,
    env: dict[str, str] | None = None,
    runs: int = 7,
) -> dict[str, Any]:
    """The figures for one project (see the module docstring)."""
    from django.core.management import call_command

    root = str(project)
    probe_env = children.project_env(
        {"DJANGO_SETTINGS_MODULE": settings_module}, workspace_env=env or {}
    )
    host_env = dict(probe_env)
    host_env.pop("DJANGO_SETTINGS_MODULE")
    host_env["PYTHONPATH"] = str(pathsetup.ROOT / "src")
    passed: list[str] = []
    for name, value in (env or {}).items():
        host_env[name] = value
        passed += ["--pass-env", name]
    command_argv = [root, "--python", python, "--project-settings", settings_module, *passed]

    statuses: dict[str, int] = {}

    def run(argv: list[str], cwd: str, environ: dict[str, str], name: str = "") -> None:
        done = subprocess.run(argv, cwd=cwd, env=environ, capture_output=True, timeout=300)
        if name:  # a project whose checks report errors still did the work: note the status
            statuses[name] = done.returncode
        elif done.returncode:
            raise RuntimeError(f"{argv} failed ({done.returncode}): {done.stderr[-2000:]!r}")

    end_to_end = [sys.executable, "-m", "django", "djdesk_inspect", "--settings", HOST_SETTINGS]
    console_script = [sys.executable, "-m", "djdesk_inspector.cli"]  # what djdesk-inspect runs
    here = str(pathsetup.ROOT)
    variants: dict[str, Callable[[], object]] = {
        "check": lambda: run([python, "manage.py", "check"], root, probe_env, "check"),
        "command": lambda: call_command("djdesk_inspect", *command_argv, stdout=io.StringIO()),
        "end_to_end": lambda: run([*end_to_end, *command_argv], here, host_env),
        "host_startup": lambda: run([*end_to_end, "--help"], here, host_env),
        "console_script": lambda: run([*console_script, *command_argv], here, host_env),
    }
    for func in variants.values():  # warm the file cache and the .pyc files
        func()
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    for _ in range(max(1, runs)):
        for name, func in variants.items():
            samples[name].append(timed(func))
    wall = {name: statistics.median(s[0] for s in got) for name, got in samples.items()}
    cpu = {name: statistics.median(s[1] for s in got) for name, got in samples.items()}
    return {
        "runs": runs,
        "manage_py_check_exit_status": statuses["check"],
        "manage_py_check_s": round(wall["check"], 3),
        "djdesk_inspect_s": round(wall["command"], 3),
        "ratio": round(wall["command"] / wall["check"], 3),
        "end_to_end_s": round(wall["end_to_end"], 3),
        "end_to_end_ratio": round(wall["end_to_end"] / wall["check"], 3),
        "host_startup_s": round(wall["host_startup"], 3),
        "console_script_s": round(wall["console_script"], 3),
        "console_script_ratio": round(wall["console_script"] / wall["check"], 3),
        "target": TARGET,
        "cpu": {
            "manage_py_check_s": round(cpu["check"], 3),
            "djdesk_inspect_s": round(cpu["command"], 3),
            "ratio": round(cpu["command"] / cpu["check"], 3),
            "end_to_end_ratio": round(cpu["end_to_end"] / cpu["check"], 3),
            "console_script_ratio": round(cpu["console_script"] / cpu["check"], 3),
        },
    }
