"""``manage.py djdesk_inspect PATH``: inspect a project from the command line.

No UI, no database: handy in CI ("fail if a model change has no migration") and to
see exactly what a scan stores (``--json``).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from djdesk_inspector.inspection import insights
from djdesk_inspector.inspection.engine import inspect_project
from djdesk_inspector.inspection.errors import ScanError
from djdesk_inspector.kernel import paths


class Command(BaseCommand):
    help = (
        "Inspect the Django project in PATH (live in its own interpreter, or static with "
        "--static) and print a summary, or the full snapshot document with --json."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Folder holding the project's manage.py.")
        parser.add_argument("--json", action="store_true", help="Print the full JSON document.")
        parser.add_argument(
            "--static", action="store_true", help="Parse the source only; run nothing."
        )
        parser.add_argument(
            "--python",
            metavar="PY",
            help="Interpreter for the live probe (default: the project's venv, else this one). "
            "With --python there is no fallback to a static scan.",
        )
        parser.add_argument(
            "--project-settings",
            metavar="MODULE",
            help="The project's settings module (default: read from its manage.py).",
        )
        parser.add_argument(
            "--timeout", type=float, help="Seconds before the live probe is killed."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        project = paths.normalize(options["path"])
        if not (project / "manage.py").is_file():
            raise CommandError(f"{project} has no manage.py: not a Django project folder.")
        if options["static"] and options["python"]:
            raise CommandError("--static and --python exclude each other.")
        kind = "static" if options["static"] else ("live" if options["python"] else "auto")
        try:
            document = inspect_project(
                project,
                kind=kind,
                interpreter=options["python"],
                settings_module=options["project_settings"],
                timeout=options["timeout"],
            )
        except ScanError as exc:
            if options["verbosity"] >= 2 and exc.detail:
                self.stderr.write(exc.detail)
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
            return
        self._summary(document)

    def _summary(self, document: dict[str, Any]) -> None:
        write = self.stdout.write
        mode = document["mode"]
        versions = ""
        if mode == "live":
            versions = (
                f" - Python {document['python']['version']}, Django {document['django']['version']}"
            )
        write(f"{document['project']} ({document.get('settings_module')}): {mode} scan{versions}")
        if document.get("fallback_reason"):
            write(f"  live scan unavailable: {document['fallback_reason']}")
        for item in insights.insights(insights.summarize(document)):
            value = "unknown" if item["value"] is None else item["value"]
            flag = {"error": "!!", "warning": "! "}.get(item["severity"], "  ")
            write(f"{flag} {item['label']}: {value}")
        migrations = document.get("migrations") or {}
        for app, names in sorted((migrations.get("conflicts") or {}).items()):
            write(f"   conflict in {app}: {', '.join(names)}")
        for app, name in migrations.get("unapplied") or []:
            write(f"   unapplied: {app}.{name}")
        for app, changes in sorted(((migrations.get("missing") or {}).get("apps") or {}).items()):
            for change in changes:
                write(f"   no migration for {app}: {change}")
        for message in (document.get("checks") or {}).get("messages") or []:
            if message["level_no"] >= insights.WARNING_LEVEL:
                write(f"   {message['level'].lower()} {message['id']}: {message['msg']}")
        for error in document.get("errors") or []:
            write(f"   could not read {error['stage']}: {error['type']}: {error['message']}")
