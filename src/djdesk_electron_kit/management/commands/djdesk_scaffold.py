"""``manage.py djdesk_scaffold [DIR]``: render the Electron shell for this project."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from djdesk_electron_kit import scaffold


class Command(BaseCommand):
    help = (
        "Render the djdesk Electron shell (electron-template/) into DIR, by default "
        "./electron under BASE_DIR. --settings is Django's own option: the module it names "
        "is the one the desktop app launches with; without it, <settings>_desktop when that "
        "module exists, else DJANGO_SETTINGS_MODULE."
    )
    # Writing files must not depend on the project passing its system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", nargs="?", help="target directory (default: ./electron)")
        parser.add_argument(
            "--name",
            help='product name (default: DJDESK_DESKTOP["APP_NAME"] of the desktop '
            "settings, else from the settings package)",
        )
        parser.add_argument(
            "--app-id", dest="app_id", help="reverse-DNS application id, e.g. com.acme.atlas"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="overwrite the template files in a non-empty DIR (other files are kept)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target = self._target(options.get("directory"))
        settings_module = options.get("settings")
        if not settings_module:
            current = os.environ.get("DJANGO_SETTINGS_MODULE") or getattr(
                settings, "SETTINGS_MODULE", None
            )
            settings_module = current and (scaffold.desktop_sibling(current) or current)
        try:
            opts = scaffold.build_options(
                name=options["name"]
                if options.get("name") is not None
                else self._app_name(settings_module),
                app_id=options.get("app_id"),
                settings_module=settings_module,
            )
            written = scaffold.scaffold(target, opts, force=options.get("force", False))
        except scaffold.ScaffoldError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"could not write {target}: {exc.strerror or exc}") from exc

        self.stdout.write(
            self.style.SUCCESS(
                f"Electron shell for {opts.name!r} ({opts.app_id}, settings "
                f"{opts.settings_module}) written to {target} ({len(written)} files)."
            )
        )
        if opts.app_id.startswith(scaffold.PLACEHOLDER_APP_ID_PREFIX):
            self.stdout.write(
                self.style.WARNING(
                    f"{opts.app_id} is a placeholder app id: rerun with --app-id before shipping."
                )
            )
        self.stdout.write(self._next_steps(target))

    def _app_name(self, settings_module: str | None) -> str | None:
        """The desktop settings' ``DJDESK_DESKTOP["APP_NAME"]``: the same name the
        launcher's data dirs use. From the running settings when they are that module."""
        if not settings_module:
            return None
        if settings_module == getattr(settings, "SETTINGS_MODULE", None):
            configured = (getattr(settings, "DJDESK_DESKTOP", None) or {}).get("APP_NAME")
            if isinstance(configured, str) and configured.strip():
                return configured
        return scaffold.declared_app_name(settings_module)

    def _target(self, directory: str | None) -> Path:
        if directory:
            return Path(directory).expanduser().absolute()
        return self._base_dir() / "electron"

    def _base_dir(self) -> Path:
        base_dir = getattr(settings, "BASE_DIR", None)
        return (Path(base_dir) if base_dir else Path.cwd()).absolute()

    def _next_steps(self, target: Path) -> str:
        # The bundle first, from the project folder (manage.py is there, not in the
        # shell directory); then the shell's own npm steps, from the shell directory.
        shown = _display_path(target)
        project = _display_path(self._base_dir())
        bundle = "python manage.py djdesk_bundle"
        if target != self._base_dir() / "electron":
            bundle += f" --output {_display_path(target / 'django-bundle')}"
        return "\n".join(
            [
                "Next steps:",
                f"  1. {bundle}   (in the project folder, {project})",
                f"  2. cd {shown} && npm install",
                "  3. npm start      (in the shell directory: run it in development)",
                "  4. npm run dist   (in the shell directory: build the installers)",
            ]
        )


def _display_path(path: Path) -> str:
    """Relative to the working directory when that is shorter and inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative
