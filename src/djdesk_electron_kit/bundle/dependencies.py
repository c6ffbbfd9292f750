"""Step 2: pinned dependencies in ``site-packages/``, installed by pip.

pip first *resolves* (``install --dry-run --ignore-installed --report``): the
report names every distribution and version, which the manifest records. The
install then asks for exactly those pins with ``--no-deps``, so what is recorded
is what is installed. The interpreter running pip decides markers and wheels: the
bundle's own for ``pbs``/``archive``, the host's for ``system``, and the host's with
``--platform``/``--python-version``/``--abi``/``--only-binary=:all:`` for a build
targeting another platform.

When the resolution key (pins, artifact hashes, Python minor, platform, pip
options) equals the previous bundle's, and that bundle's site-packages still
match its manifest byte for byte, the new bundle *adopts* them instead of
reinstalling: the build runs with them on its path, and the final swap moves
their top-level entries over (:class:`.staging.Adoption`). A rebuild with nothing
changed neither installs, copies nor deletes thousands of files.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from djdesk_electron_kit import __version__
from djdesk_electron_kit.bundle import child, kit, layout, manifest, markers, platforms
from djdesk_electron_kit.bundle.errors import BundleError
from djdesk_electron_kit.bundle.staging import Adoption

RESOLVE_TIMEOUT = 900
MARKER_ROUNDS = 5
INSTALL_TIMEOUT = 1800
REPORT_VERSION = "1"
COMMON_FLAGS: tuple[str, ...] = (
    "--disable-pip-version-check",
    "--no-input",
    "--progress-bar",
    "off",
)


@dataclass(frozen=True)
class Pip:
    """How pip runs for this build."""

    python: Path
    flags: tuple[str, ...] = ()

    @classmethod
    def for_build(
        cls, *, runtime_kind: str, runtime_python: Path, minor: str, target: str, host: str
    ) -> Pip:
        if target != host:
            tags = [
                flag for tag in platforms.get(target).pip_platforms for flag in ("--platform", tag)
            ]
            abi = "cp" + minor.replace(".", "")
            flags = (*tags, "--python-version", minor, "--implementation", "cp", "--abi", abi)
            return cls(Path(sys.executable), (*flags, "--only-binary=:all:"))
        if runtime_kind == "system":
            return cls(Path(sys.executable))
        return cls(runtime_python)

    def argv(self, *args: str) -> list[str]:
        return [os.fspath(self.python), "-m", "pip", "install", *COMMON_FLAGS, *args, *self.flags]


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    sha256: str | None
    # "name==version", or "name @ url" for a direct reference.
    pin: str


@dataclass(frozen=True)
class Resolution:
    packages: tuple[Package, ...]
    key: str

    def recorded(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "packages": {p.name: {"version": p.version, "sha256": p.sha256} for p in self.packages},
        }

    def version_of(self, name: str) -> str:
        return next((p.version for p in self.packages if p.name == name), "")


def _pin(item: dict[str, Any], name: str, version: str) -> str:
    info = item.get("download_info") or {}
    if not item.get("is_direct"):
        return f"{name}=={version}"
    url = str(info.get("url", ""))
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
        return f"{name} @ {vcs['vcs']}+{url}@{vcs['commit_id']}"
    return f"{name} @ {url}"


def _package(item: dict[str, Any]) -> Package:
    meta = item.get("metadata") or {}
    name = str(meta.get("name", "")).lower().replace("_", "-").replace(".", "-")
    version = str(meta.get("version", ""))
    if not name or not version:
        raise BundleError("pip's report lists a distribution without name or version")
    archive = (item.get("download_info") or {}).get("archive_info") or {}
    sha256 = (archive.get("hashes") or {}).get("sha256")
    return Package(name=name, version=version, sha256=sha256, pin=_pin(item, name, version))


def parse_report(
    data: dict[str, Any], *, minor: str, triple: str, options: tuple[str, ...]
) -> Resolution:
    if str(data.get("version")) != REPORT_VERSION:
        raise BundleError(f"unsupported pip report version {data.get('version')!r} (pip too old?)")
    packages = tuple(
        sorted((_package(item) for item in data.get("install", [])), key=lambda p: p.name)
    )
    fingerprint = {
        "packages": [[p.name, p.version, p.sha256, p.pin] for p in packages],
        "python": minor,
        "triple": triple,
        "options": list(options),
    }
    key = hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()
    return Resolution(packages=packages, key=key)


def _report(
    pip: Pip, requirements: str, work: Path, on_line: Callable[[str], None] | None
) -> dict[str, Any]:
    requirements_file = work / "requirements.in"
    requirements_file.write_text(requirements, encoding="utf-8")
    report = work / "resolution.json"
    # --target: older pips accept --platform & co. only with it, even for a dry run.
    child.run(
        pip.argv(
            "--dry-run",
            "--ignore-installed",
            "--target",
            str(work / "dry-run-target"),
            "--report",
            str(report),
            "-r",
            str(requirements_file),
        ),
        what="resolving the requirements with pip",
        cwd=work,
        env=child.clean_env(),
        timeout=RESOLVE_TIMEOUT,
        on_line=on_line,
    )
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BundleError(f"pip wrote no usable report: {exc}") from exc
    if not isinstance(data, dict):
        raise BundleError("pip wrote no usable report")
    return data


def resolve(
    pip: Pip,
    requirements: str,
    *,
    work: Path,
    minor: str,
    triple: str,
    options: tuple[str, ...],
    target_markers: dict[str, str] | None = None,
    on_line: Callable[[str], None] | None = None,
) -> Resolution:
    """What pip would install into an empty folder, with versions and hashes.

    For a cross build (``target_markers``), requirements whose markers only hold on
    the target are added and pip resolves again, until none is missing.
    """
    data = _report(pip, requirements, work, on_line)
    for _round in range(MARKER_ROUNDS):
        if not target_markers:
            break
        extra = markers.missing(data, target_markers)
        if not extra:
            break
        requirements += "\n".join(extra) + "\n"
        data = _report(pip, requirements, work, on_line)
    return parse_report(data, minor=minor, triple=triple, options=options)


def install(
    pip: Pip,
    resolution: Resolution,
    site_packages: Path,
    *,
    work: Path,
    options: tuple[str, ...],
    on_line: Callable[[str], None] | None = None,
) -> None:
    """Install exactly the resolved pins (no resolver, no bytecode: step 5 compiles)."""
    site_packages.mkdir(parents=True, exist_ok=True)
    if not resolution.packages:
        return
    pins = work / "requirements.pinned"
    pins.write_text(
        "\n".join([*options, *(p.pin for p in resolution.packages)]) + "\n", encoding="utf-8"
    )
    child.run(
        pip.argv(
            "--target",
            str(site_packages),
            "--no-deps",
            "--no-compile",
            "--no-warn-script-location",
            "-r",
            str(pins),
        ),
        what="installing the requirements with pip",
        cwd=work,
        env=child.clean_env(),
        timeout=INSTALL_TIMEOUT,
        on_line=on_line,
    )


def adoptable(
    previous_root: Path, previous: dict[str, Any] | None, key: str, *, compiled: bool
) -> Adoption | None:
    """The previous bundle's third-party site-packages, if the new bundle can take them as-is.

    Only when the resolution key matches, the previous bundle was made by this djdesk
    version (same pruning) with the same ``--no-compile`` choice, and every file under
    the entries taken is exactly what its manifest lists (nothing missing, changed or
    extra).
    """
    if previous is None or (previous.get("dependencies") or {}).get("key") != key:
        return None
    options = (previous.get("inputs") or {}).get("options") or {}
    same_maker = (previous.get("versions") or {}).get("djdesk") == __version__
    if not same_maker or options.get("compile") is not compiled:
        return None
    prefix = layout.SITE_PACKAGES + "/"
    entries = {
        relative: entry
        for relative, entry in previous["files"].items()
        if relative.startswith(prefix) and not kit.owns(relative[len(prefix) :])
    }
    names = sorted({relative[len(prefix) :].split("/", 1)[0] for relative in entries})
    found: dict[str, manifest.Entry] = {}
    try:
        for name in names:
            found.update(manifest.scan(previous_root, under=f"{layout.SITE_PACKAGES}/{name}"))
    except OSError:
        return None
    if found != entries:
        return None
    return Adoption(
        source=previous_root / layout.SITE_PACKAGES, names=tuple(names), entries=entries
    )
