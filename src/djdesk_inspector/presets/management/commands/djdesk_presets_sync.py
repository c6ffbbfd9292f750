"""``manage.py djdesk_presets_sync``: upsert the shipped presets; never deletes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from djdesk_inspector.presets import conf, registry
from djdesk_inspector.presets.sync import sync_defaults


class Command(BaseCommand):
    help = "Create or update the shipped task presets. User presets are never touched."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args: Any, database: str, **options: Any) -> None:
        report = sync_defaults(database)
        if options["verbosity"] < 1:
            return
        for label, keys in (
            ("created", report.created),
            ("updated", report.updated),
            ("unchanged", report.unchanged),
            ("skipped (edited or user-owned)", report.skipped),
        ):
            self.stdout.write(f"{label}: {len(keys)}" + (f" ({', '.join(keys)})" if keys else ""))
        disabled = [d.key for d in registry.DEFAULTS if d.command not in conf.get().ALLOWLIST]
        if disabled:
            self.stdout.write(
                f"not runnable until allowlisted in {conf.SETTING}['ALLOWLIST']: "
                + ", ".join(disabled)
            )
