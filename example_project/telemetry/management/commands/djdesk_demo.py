"""Run the Atlas Telemetry demo: real sample projects on disk, real scans, a live server.

Nothing here is canned: the samples are ordinary Django projects written to
``var/samples/``, and the dashboard shows what scanning them actually finds.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from djdesk_inspector import workspaces
from djdesk_inspector.kernel import compat, processes
from djdesk_inspector.models import Workspace
from telemetry import samples


@dataclass(frozen=True)
class Sample:
    name: str
    folder: str
    shape: dict[str, Any]  # keyword arguments of samples.write_project


SAMPLES: tuple[Sample, ...] = (
    Sample(
        "Polls (minimal)",
        "polls-mini",
        {
            "name": "pollsite",
            "apps": ["polls"],
            "models_per_app": 2,
            "migrations_per_app": 1,
            "with_unapplied": False,
        },
    ),
    Sample(
        "Fleet Ops (generated)",
        "fleet-ops",
        {
            "name": "fleetops",
            "apps": ["fleet", "crew", "routes", "cargo", "billing"],
            "models_per_app": 4,
            "migrations_per_app": 2,
            "with_unapplied": True,
        },
    ),
)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


class Command(BaseCommand):
    help = "Create the demo's sample projects, register and scan them, and serve the inspector."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Set up, then exit.")
        parser.add_argument("--no-scan", action="store_true", help="Do not start scans.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {options['port']}.")
        call_command("migrate", interactive=False, verbosity=0)
        if apps.is_installed("djdesk_inspector.presets"):
            call_command("djdesk_presets_sync", verbosity=0)
        registered = [self.ensure_workspace(sample) for sample in SAMPLES]
        self.ensure_docs()
        if options["no_serve"]:
            if not options["no_scan"]:
                self.scan(registered)
                self.drain_queue()
            return
        with self.worker():
            if not options["no_scan"]:
                self.scan(registered)
            self.stdout.write(f"djdesk demo on http://127.0.0.1:{options['port']}/djdesk/")
            call_command("runserver", f"127.0.0.1:{options['port']}", use_reloader=False)

    def ensure_workspace(self, sample: Sample) -> Workspace:
        root = Path(settings.VAR_DIR) / "samples" / sample.folder
        samples.write_project(root, **sample.shape)
        existing = Workspace.objects.filter(project_path=str(root.resolve())).first()
        if existing:
            return existing
        workspace = workspaces.register(sample.name, workspaces.validate_project_path(str(root)))
        self.stdout.write(f"Registered {workspace.name}: {workspace.project_path}")
        return workspace

    def ensure_docs(self) -> None:
        """Build djdesk's docs for the offline view once, when Sphinx is installed."""
        if not apps.is_installed("djdesk_inspector.docs"):
            return
        from djdesk_inspector.docs import conf as docs_conf

        bundle = docs_conf.bundle_dir()
        if (bundle / "index.html").is_file():
            return
        if importlib.util.find_spec("sphinx") is None:
            self.stdout.write("Sphinx is not installed: the offline docs view stays empty.")
            return
        call_command("djdesk_docs_bundle", verbosity=0)
        self.stdout.write(f"Built the offline docs into {bundle}")

    def scan(self, registered: list[Workspace]) -> None:
        from djdesk_inspector import scans

        for workspace in registered:
            scan = scans.request_scan(workspace)
            self.stdout.write(f"Scan #{scan.pk} of {workspace.name}: {scan.status}")

    def uses_db_worker(self) -> bool:
        return settings.TASKS.get("default", {}).get("BACKEND", "") == compat.DATABASE_BACKEND

    def drain_queue(self) -> None:
        """Without a server, run the queued scans to completion, then return."""
        if self.uses_db_worker():
            call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    @contextlib.contextmanager
    def worker(self) -> Iterator[None]:
        """Run django-tasks-db's worker beside the server when tasks go through the DB."""
        if not self.uses_db_worker():
            yield
            return
        manage = Path(settings.BASE_DIR) / "manage.py"
        proc = processes.start(
            [sys.executable, str(manage), "db_worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=settings.BASE_DIR,
            # The demo's own worker: same project, same configuration as this process.
            env=os.environ,
            stdout=subprocess.DEVNULL,
        )
        # SIGTERM would end this process without unwinding, orphaning the worker.
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            yield
        finally:
            processes.kill_tree(proc)
            signal.signal(signal.SIGTERM, previous)
