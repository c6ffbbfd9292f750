"""``manage.py djdesk_inspect PATH``: inspect a project from the command line.

No UI, no database: handy in CI ("fail if a model change has no migration") and to
see exactly what a scan stores (``--json``).

Without ``--static`` this runs the project's code (its settings, models, checks and
URLconf, in its interpreter): running the command is the user's choice to trust it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from django.core.management.base import BaseCommand, CommandError, CommandParser

from djdesk_inspector.inspection import gate, gate_formats, insights, mermaid, schema_diff
from djdesk_inspector.inspection.engine import inspect_project
from djdesk_inspector.inspection.errors import ScanError
from djdesk_inspector.management import project_options


class StartedScan(Protocol):
    def result(self) -> dict[str, Any]: ...


class Prepared(NamedTuple):
    request: dict[str, Any]  # inspect_project's keyword arguments
    categories: tuple[str, ...]  # --fail-on
    earlier: dict[str, Any] | None  # --diff-against


class Command(BaseCommand):
    help = (
        "Inspect the Django project in PATH and print a summary, or the full snapshot "
        "document with --json. Without --static this RUNS THE PROJECT'S CODE (settings, "
        "models, checks, URLconf) in its interpreter: use --static for a project you do "
        "not trust."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        project_options.add_arguments(
            parser,
            python_help="Interpreter for the live probe (default: the project's venv, else "
            "this one). With --python there is no fallback to a static scan.",
        )
        parser.add_argument("--json", action="store_true", help="Print the full JSON document.")
        parser.add_argument(
            "--static", action="store_true", help="Parse the source only; run nothing."
        )
        parser.add_argument(
            "--timeout", type=float, help="Seconds before the live probe is killed."
        )
        parser.add_argument(
            "--fail-on",
            metavar="LIST",
            help="The CI gate: exit 1 when any of these finds something or cannot be known "
            f"(comma-separated: {', '.join(gate.CATEGORIES)}).",
        )
        parser.add_argument(
            "--format",
            choices=tuple(gate_formats.FORMATS),
            default="text",
            help="How --fail-on reports (default: text, one line per finding).",
        )
        parser.add_argument(
            "--diff-against",
            metavar="SNAPSHOT.json",
            help="Print the schema changes since a document saved with --json.",
        )
        parser.add_argument(
            "--mermaid", action="store_true", help="Print the schema as a Mermaid erDiagram."
        )

    # A scan already under way for these options (``djdesk-inspect`` starts it before
    # Django is set up); None: handle() runs it.
    started: StartedScan | None = None

    def prepare(self, options: dict[str, Any]) -> Prepared:
        """Every option checked (a CommandError for a bad one) before anything runs."""
        project = project_options.project(options)
        if options["static"] and options["python"]:
            raise CommandError("--static and --python exclude each other.")
        categories = self._categories(options["fail_on"])
        earlier = self._earlier(options["diff_against"])
        request = {
            "project": project,
            "kind": "static" if options["static"] else ("live" if options["python"] else "auto"),
            # Running this command without --static is the user's choice to run the code.
            "trusted": True,
            "interpreter": options["python"],
            "settings_module": options["project_settings"],
            "env_file": project_options.env_file(project, options),
            "pass_env": project_options.pass_env(options),
            "timeout": options["timeout"],
        }
        return Prepared(request, categories, earlier)

    def handle(self, *args: Any, **options: Any) -> None:
        request, categories, earlier = self.prepare(options)
        try:
            if self.started is not None:
                document = self.started.result()
            else:
                document = inspect_project(**request)
        except ScanError as exc:
            if options["verbosity"] >= 2 and exc.detail:
                self.stderr.write(exc.detail)
            raise CommandError(str(exc)) from exc
        if categories:
            outcome = gate.evaluate(document, categories)
            self.stdout.write(gate_formats.FORMATS[options["format"]](outcome), ending="")
            if not outcome.passed:
                raise SystemExit(1)
            return
        if earlier is not None:
            for line in schema_diff.text_lines(schema_diff.diff(earlier, document)):
                self.stdout.write(line)
            return
        if options["mermaid"]:
            self.stdout.write(mermaid.render(document), ending="")
            return
        if options["json"]:
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
            return
        self._summary(document)

    @staticmethod
    def _categories(text: str | None) -> tuple[str, ...]:
        if text is None:
            return ()
        try:
            return gate.parse_categories(text)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    @staticmethod
    def _earlier(path: str | None) -> dict[str, Any] | None:
        """The document to diff against, read before scanning so a bad file fails fast."""
        if path is None:
            return None
        try:
            earlier = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"--diff-against {path}: cannot read it ({exc}).") from exc
        if not isinstance(earlier, dict) or not isinstance(earlier.get("models"), list):
            raise CommandError(f"--diff-against {path}: not a document saved with --json.")
        return earlier

    def _summary(self, document: dict[str, Any]) -> None:
        write = self.stdout.write
        mode = document["mode"]
        versions = ""
        if mode == "live":
            versions = (
                f" - Python {document['python']['version']}, Django {document['django']['version']}"
            )
        write(f"{document['project']} ({document.get('settings_module')}): {mode} scan{versions}")
        if document.get("mode_reason"):
            write(f"  mode: {document['mode_reason']}")
        for item in insights.insights(insights.summarize(document)):
            value = item["value"]
            if value is None:
                value = f"unknown ({item.get('reason') or 'not read'})"
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
            where = f" in {error['module']}" if error.get("module") else ""
            write(f"   could not read {error['stage']}: {error['type']}: {error['message']}{where}")
        for key, reason in sorted((document.get("unknown") or {}).items()):
            if key.startswith("settings."):
                write(f"   {key[len('settings.') :]}: unknown ({reason})")
