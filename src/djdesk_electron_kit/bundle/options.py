"""Everything a build depends on, decided before it starts (the command fills it in)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from djdesk_electron_kit.bundle.runtime import RuntimeSpec

DEFAULT_OUTPUT = Path("electron") / "django-bundle"


def host_minor() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


@dataclass(frozen=True)
class BundleOptions:
    project_dir: Path
    output: Path
    desktop_settings: str
    runtime: RuntimeSpec
    # X.Y asked for; None: this host's for pbs, whatever the archive/system has otherwise.
    python_version: str | None
    target_triple: str
    cache_dir: Path
    requirements: Path | None = None
    runtime_sha256: str | None = None
    include_docs: bool = False
    docs_dir: Path | None = None
    docs_manifest: str = ""  # the file that marks a built docs bundle (the docs app's)
    excludes: tuple[str, ...] = ()
    # Absolute folders inside the project that are never copied (STATIC_ROOT ...).
    excluded_roots: tuple[Path, ...] = ()
    compile: bool = True
    launch_check: bool = True

    def recorded(self) -> dict[str, Any]:
        """The options as the manifest records them: no host paths, only choices."""
        return {
            "runtime": self.runtime.kind,
            "python_version": self.python_version,
            "target": self.target_triple,
            "desktop_settings": self.desktop_settings,
            "include_docs": self.include_docs,
            "excludes": sorted(self.excludes),
            "compile": self.compile,
            "launch_check": self.launch_check,
        }
