"""``manage.py djdesk_serve``: the desktop launcher's code path, for development.

Same steps and exit codes as ``python -m djdesk_electron_kit.launch`` (migrate with
backup, reap, waitress on 127.0.0.1, supervised worker, READY line on stdout), but
the settings are the ones ``manage.py`` loaded, and when ``DJDESK_TOKEN`` is not set a
token is generated and a bootstrap URL that logs a browser in is printed to stderr.
``--token-stdin`` reads the token from stdin's first line instead, as the launcher does.
The data dir comes from the settings (``DJDESK_DATA_DIR`` in the environment, or
``DJDESK_DESKTOP['DATA_DIR']``, or the per-user default).
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import NoReverseMatch, reverse

from djdesk_electron_kit import launcher, runtime, token_source
from djdesk_electron_kit.desktop_settings import MIDDLEWARE


class Command(BaseCommand):
    help = "Serve the project like the desktop launcher does (token, waitress, worker)."
    # Checks run in handle(), once the token is known (else W010 would always fire).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=0, help="0 (default): the OS picks.")
        parser.add_argument(
            "--watch-stdin",
            action="store_true",
            help="Stop when stdin closes, as the launcher does under the shell.",
        )
        parser.add_argument(
            token_source.STDIN_FLAG,
            dest="token_stdin",
            action="store_true",
            help="Read the token from the first line of stdin (not the environment).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if MIDDLEWARE not in settings.MIDDLEWARE:
            raise CommandError(
                "These are not desktop settings (the token middleware is missing). "
                "Use --settings <your settings_desktop module>."
            )
        from_stdin = options["token_stdin"]
        token = token_source.read_token(from_stdin) or (
            "" if from_stdin else secrets.token_urlsafe(32)
        )
        problem = token_source.token_problem(token, from_stdin)
        if problem:
            raise CommandError(problem)
        runtime.STATE.token = token
        self.check(display_num_errors=False)
        base_dir = getattr(settings, "BASE_DIR", None)
        launch = launcher.LaunchOptions(
            settings=settings.SETTINGS_MODULE,
            project_dir=Path(base_dir).resolve() if base_dir else Path.cwd(),
            port=options["port"],
            watch_stdin=options["watch_stdin"],
        )
        ready_stream = launcher.claim_stdout()
        code = launcher.run(launch, token, ready_stream, announce=self.announce)
        if code:
            sys.exit(code)

    def announce(self, port: int) -> None:
        try:
            path = reverse("djdesk_electron_kit:bootstrap")
        except NoReverseMatch:
            launcher.say(
                f"serving on http://127.0.0.1:{port}/ (send the {runtime.TOKEN_HEADER} header)"
            )
            return
        query = urlencode({"token": runtime.STATE.token, "next": "/"})
        launcher.say(f"open http://127.0.0.1:{port}{path}?{query} (Ctrl+C stops)")
