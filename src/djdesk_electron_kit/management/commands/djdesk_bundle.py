"""``manage.py djdesk_bundle``: build the self-contained payload the Electron shell runs.

See :mod:`djdesk_electron_kit.bundle` and DESIGN.md ("Bundle contract"). Django's own
``--settings`` chooses the settings this command runs with; the module the bundle
launches with is ``--desktop-settings`` (default: ``<settings>_desktop``, the layout
:mod:`djdesk_electron_kit.desktop_settings` documents).
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from djdesk_electron_kit import scaffold
from djdesk_electron_kit.bundle import builder, layout, platforms, verify
from djdesk_electron_kit.bundle.errors import BuildInterrupted, BundleError
from djdesk_electron_kit.bundle.options import DEFAULT_OUTPUT, BundleOptions, host_minor
from djdesk_electron_kit.bundle.progress import Progress, human_size
from djdesk_electron_kit.bundle.runtime import RuntimeSpec
from djdesk_inspector.kernel import registry

CACHE_APP = "djdesk"
INTERRUPTED_EXIT = 130


def default_cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path(CACHE_APP, appauthor=False) / "runtimes"


class Command(BaseCommand):
    help = (
        "Build the Django payload of the desktop app (python/, site-packages/, app/, "
        "static/, docs/, manifest.json) into --output, atomically, then launch it once "
        "to check it. --verify DIR re-checks an existing bundle against its manifest."
    )
    # The settings that matter are the desktop ones, which the launch check exercises.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--runtime",
            default="pbs",
            help="pbs (pinned python-build-standalone, default), archive:PATH (a local "
            "archive with the same layout), or system (the host interpreter: development "
            "and tests only, the bundle runs on this machine only)",
        )
        parser.add_argument(
            "--runtime-sha256", help="expected sha256 of an archive:PATH that is not a pinned asset"
        )
        parser.add_argument(
            "--python-version",
            help=f"X.Y of the runtime: picks the pbs build (default: this host's, {host_minor()}); "
            "checked against archive and system runtimes",
        )
        parser.add_argument(
            "--target-platform",
            choices=sorted(platforms.PLATFORMS),
            help="build for another platform (wheels only; no launch check). Default: this machine",
        )
        parser.add_argument(
            "--output",
            help=f"bundle folder (default: ./{DEFAULT_OUTPUT.as_posix()} under BASE_DIR)",
        )
        parser.add_argument(
            "--requirements",
            help="requirements file (default: pyproject [project.dependencies], else requirements.txt)",
        )
        parser.add_argument(
            "--desktop-settings",
            help="settings module the bundle launches with (default: <settings>_desktop)",
        )
        parser.add_argument(
            "--include-docs", action="store_true", help="add the offline docs bundle as docs/"
        )
        parser.add_argument(
            "--exclude",
            action="append",
            default=[],
            metavar="PATTERN",
            help="skip project files matching PATTERN (fnmatch on the relative path or the "
            "name; a trailing / for folders only). Repeatable",
        )
        parser.add_argument("--no-compile", action="store_true", help="ship no bytecode")
        parser.add_argument(
            "--skip-launch-check",
            action="store_true",
            help="do not start the bundle once at the end",
        )
        parser.add_argument(
            "--cache-dir", help="where downloaded runtime archives are kept (default: user cache)"
        )
        parser.add_argument(
            "--verify",
            metavar="DIR",
            help="re-check the bundle in DIR against its manifest, build nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verify"]:
            self._verify(Path(options["verify"]).expanduser())
            return
        try:
            bundle_options = self._options(options)
            progress = Progress(self.stdout.write, builder.TOTAL_STEPS, warn=self._warn)
            echo = (
                (lambda line: self.stdout.write(f"        | {line}"))
                if options["verbosity"] > 1
                else None
            )
            result = builder.build(bundle_options, progress, echo=echo)
        except BundleError as exc:
            raise CommandError(str(exc)) from exc
        except BuildInterrupted as exc:
            raise CommandError(
                f"{exc}: nothing was changed, the previous bundle is untouched",
                returncode=INTERRUPTED_EXIT,
            ) from None
        self._report(result)

    def _warn(self, message: str) -> None:
        self.stdout.write(self.style.WARNING(message))

    def _verify(self, root: Path) -> None:
        try:
            count = verify.verify(root)
        except BundleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{root}: {count} files match {layout.MANIFEST}."))

    @staticmethod
    def _offline_docs() -> tuple[Path, str]:
        """The docs bundle an installed app declares (``djdesk_docs``); the kit imports
        no app, it asks the registry."""
        declared = registry.extras("offline_docs")
        if not declared:
            raise BundleError("--include-docs needs the djdesk_docs app in INSTALLED_APPS")
        folder, marker = registry.resolve_callable(declared[0])()
        return Path(folder), str(marker)

    def _base_dir(self) -> Path:
        base_dir = getattr(settings, "BASE_DIR", None)
        return (Path(base_dir) if base_dir else Path.cwd()).resolve()

    def _desktop_settings(self, given: str | None) -> str:
        if given:
            try:
                return scaffold.validate_settings_module(given)
            except scaffold.ScaffoldError as exc:
                raise BundleError(f"--desktop-settings: {exc}") from exc
        current = str(
            os.environ.get("DJANGO_SETTINGS_MODULE") or getattr(settings, "SETTINGS_MODULE", "")
        )
        sibling = current and scaffold.desktop_sibling(current)
        if sibling:
            return sibling
        if current.endswith("_desktop"):
            return current
        raise BundleError(
            f"no desktop settings module next to {current or 'the settings'}: create "
            f"{current or '<settings>'}_desktop (see djdesk_electron_kit.desktop_settings) "
            "or pass --desktop-settings"
        )

    def _inside_project(self, value: object, project: Path) -> Path | None:
        if not isinstance(value, (str, PurePath)) or not str(value):
            return None
        path = Path(value).resolve()
        return path if path != project and path.is_relative_to(project) else None

    def _options(self, options: dict[str, Any]) -> BundleOptions:
        project = self._base_dir()
        output = (
            Path(options["output"]).expanduser() if options["output"] else project / DEFAULT_OUTPUT
        )
        if not output.is_absolute():
            output = Path.cwd() / output
        docs_dir, docs_manifest = None, ""
        if options["include_docs"]:
            docs_dir, docs_manifest = self._offline_docs()
        excluded = tuple(
            p
            for p in (
                self._inside_project(getattr(settings, "STATIC_ROOT", None), project),
                self._inside_project(getattr(settings, "MEDIA_ROOT", None), project),
            )
            if p is not None
        )
        python_version = options["python_version"]
        if python_version is not None and not re.fullmatch(r"3\.\d{1,2}", python_version):
            raise BundleError(f"--python-version must look like 3.12, not {python_version!r}")
        return BundleOptions(
            project_dir=project,
            output=output,
            desktop_settings=self._desktop_settings(options["desktop_settings"]),
            runtime=RuntimeSpec.parse(options["runtime"]),
            runtime_sha256=options["runtime_sha256"],
            python_version=python_version,
            target_triple=options["target_platform"] or platforms.host_triple(),
            cache_dir=Path(options["cache_dir"]).expanduser()
            if options["cache_dir"]
            else default_cache_dir(),
            requirements=Path(options["requirements"]) if options["requirements"] else None,
            include_docs=options["include_docs"],
            docs_dir=docs_dir,
            docs_manifest=docs_manifest,
            excludes=tuple(options["exclude"]),
            excluded_roots=excluded,
            compile=not options["no_compile"],
            launch_check=not options["skip_launch_check"],
        )

    def _report(self, result: builder.BuildResult) -> None:
        sizes = result.manifest["sizes"]
        self.stdout.write("Size report:")
        for part in (*layout.PARTS, layout.MANIFEST):
            if part in sizes:
                self.stdout.write(f"  {part + '/':<16}{human_size(sizes[part]):>10}")
        self.stdout.write(f"  {'total':<16}{human_size(sizes['total']):>10}")
        versions = result.manifest["versions"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Bundle written to {result.output} (Python {versions['python']}, "
                f"Django {versions['django'] or '?'}, djdesk {versions['djdesk']})."
            )
        )
