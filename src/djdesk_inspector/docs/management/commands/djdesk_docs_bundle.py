"""``manage.py djdesk_docs_bundle``: build the offline docs bundle the docs view serves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from djdesk_inspector.docs import builder, checks, conf


class Command(BaseCommand):
    help = (
        "Build the offline docs bundle: run sphinx-build on a Sphinx project, or copy "
        "an already built HTML tree, then swap it in atomically and write bundle.json."
    )
    requires_system_checks = [checks.SETTINGS_TAG]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source",
            type=Path,
            help="A Sphinx project (conf.py) or a built HTML folder. "
            "Default: DJDESK_DOCS['SOURCE_DIR'], else <BASE_DIR>/docs.",
        )
        parser.add_argument(
            "--output",
            type=Path,
            help="The bundle folder. Default: DJDESK_DOCS['BUNDLE_DIR'].",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["source"] or conf.source_dir()
        if source is None:
            raise CommandError("No docs source: pass --source or set DJDESK_DOCS['SOURCE_DIR'].")
        output = options["output"] or conf.bundle_dir()
        try:
            data = builder.build(source, output, timeout=conf.get().BUILD_TIMEOUT)
        except builder.BuildError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Docs bundle written to {output} ({data['builder']}): "
                f"{data['file_count']} files, {data['total_bytes']} bytes."
            )
        )
