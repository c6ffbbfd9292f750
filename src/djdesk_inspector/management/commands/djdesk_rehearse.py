"""``manage.py djdesk_rehearse PATH``: apply pending migrations on a copy, then roll back.

Runs the project's code (its settings and migrations, in its interpreter) against a
copy of its database: the real database is never written, and its sha256 before and
after is reported. Exit status: 0 when forward and rollback both succeed, 1 when a
step failed or the rehearsal could not run.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from djdesk_inspector.inspection import rehearsal
from djdesk_inspector.inspection.errors import ScanError
from djdesk_inspector.kernel import environment
from djdesk_inspector.management import project_options


class Command(BaseCommand):
    help = (
        "Apply the pending migrations of the project in PATH on a copy of its database, "
        "time each one, migrate back (the rollback test) and report. RUNS THE PROJECT'S "
        "CODE in its interpreter; the real database is never written."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        project_options.add_arguments(
            parser, python_help="The project's interpreter (default: its venv, else this one)."
        )
        parser.add_argument("--database", default="default", help="The alias to rehearse on.")
        parser.add_argument(
            "--timeout",
            type=float,
            default=rehearsal.DEFAULT_TIMEOUT,
            help="Seconds before the rehearsal's process tree is killed.",
        )
        parser.add_argument("--json", action="store_true", help="Print the full JSON report.")

    def handle(self, *args: Any, **options: Any) -> None:
        project = project_options.project(options)
        if options["timeout"] <= 0:
            raise CommandError("--timeout must be positive.")
        env_file = project_options.env_file(project, options)
        pass_env = project_options.pass_env(options)
        try:
            values = environment.workspace_values(env_file, pass_env)
            report = rehearsal.rehearse(
                project,
                settings_module=options["project_settings"],
                interpreter=options["python"],
                database=options["database"],
                timeout=options["timeout"],
                env=values,
            )
        except (ScanError, environment.EnvFileError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            for line in rehearsal.text_lines(report):
                self.stdout.write(line)
        if not report.get("rehearsed"):
            raise CommandError(f"not rehearsed: {report.get('reason')}")
        if not (report.get("forward_ok") and report.get("rollback_ok")):
            raise CommandError("the rehearsal failed (see the steps above)")
