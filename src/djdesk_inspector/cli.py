"""``djdesk-inspect``: the ``djdesk_inspect`` command for a terminal or CI, no host project.

``djdesk-inspect PATH [options]`` is ``python -m django djdesk_inspect PATH [options]
--settings djdesk_inspector.cli_settings``: the same options, output and exit status.
It is faster because the scan (the project's own interpreter, on another core) starts
before this process sets Django up instead of after: a live scan then costs about what
the project's own ``manage.py check`` does.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from django.core.management.base import CommandError, CommandParser

PROG = "djdesk-inspect"
SETTINGS = "djdesk_inspector.cli_settings"


class EarlyScan:
    """``inspect_project(**request)`` running in a thread; ``result()`` returns or raises
    what the call would have. The thread is a daemon so that an interrupted command
    exits; the probe it started dies with this process (see ``kernel/proctree``)."""

    def __init__(self, request: dict[str, Any]) -> None:
        self._outcome: dict[str, Any] = {}
        self._thread = threading.Thread(
            target=self._run, args=(request,), name="djdesk-early-scan", daemon=True
        )
        self._thread.start()

    def _run(self, request: dict[str, Any]) -> None:
        from djdesk_inspector.inspection.engine import inspect_project

        try:
            self._outcome["document"] = inspect_project(**request)
        except BaseException as exc:  # handed to result(), in the command's thread
            self._outcome["error"] = exc

    def result(self) -> dict[str, Any]:
        self._thread.join()
        if "error" in self._outcome:
            raise self._outcome["error"]
        document: dict[str, Any] = self._outcome["document"]
        return document


def main(argv: list[str] | None = None) -> None:
    arguments = sys.argv[1:] if argv is None else list(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    from django.conf import settings

    settings.INSTALLED_APPS  # noqa: B018 - configured here, before the scan's thread reads it
    from djdesk_inspector.management.commands.djdesk_inspect import Command

    class CliCommand(Command):
        def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
            parser = super().create_parser(prog_name, subcommand, **kwargs)
            parser.prog = PROG
            return parser

    command = CliCommand()
    try:
        options = vars(command.create_parser(PROG, "djdesk_inspect").parse_args(arguments))
        command.started = EarlyScan(command.prepare(options).request)
    except CommandError:
        pass  # bad options: run_from_argv below parses them again and says what is wrong
    import django

    django.setup()
    command.run_from_argv([PROG, "djdesk_inspect", *arguments])


if __name__ == "__main__":
    main()
