"""Step 2, the kit itself: ``djdesk-inspector`` is copied from the host, not from PyPI.

The bundle must run the kit the project was developed against (often an editable
checkout, or a wheel not published yet), so its packages are copied from where the
host imports them, with a ``.dist-info`` whose METADATA is the host's and whose
RECORD lists what was copied. The Electron template is left out: only
``djdesk_scaffold`` needs it, never a running app.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import shutil
from importlib import metadata
from pathlib import Path

from djdesk_electron_kit import __version__
from djdesk_electron_kit.bundle.errors import BundleError
from djdesk_electron_kit.bundle.requirements import KIT_DISTRIBUTION

PACKAGES: tuple[str, ...] = ("djdesk_inspector", "djdesk_electron_kit")
DIST_INFO = f"djdesk_inspector-{__version__}.dist-info"
INSTALLER = "djdesk-bundle\n"
SKIPPED_NAMES = frozenset({"__pycache__", "electron-template", "node_modules", ".DS_Store"})
SKIPPED_SUFFIXES = (".pyc", ".pyo")


def owns(relative: str) -> bool:
    """True for a ``site-packages``-relative POSIX path that belongs to the kit."""
    top = relative.split("/", 1)[0]
    return top in PACKAGES or (top.startswith("djdesk_inspector-") and top.endswith(".dist-info"))


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIPPED_NAMES or n.endswith(SKIPPED_SUFFIXES)}


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise BundleError(f"cannot find the {name} package to copy into the bundle")
    return Path(next(iter(spec.submodule_search_locations)))


def _metadata_text() -> str:
    try:
        text = metadata.distribution(KIT_DISTRIBUTION).read_text("METADATA")
    except metadata.PackageNotFoundError:
        text = None
    return text or f"Metadata-Version: 2.1\nName: {KIT_DISTRIBUTION}\nVersion: {__version__}\n"


def _record_line(path: Path, relative: str) -> str:
    data = path.read_bytes()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{relative},sha256={digest},{len(data)}"


def install(site_packages: Path) -> int:
    """Copy the kit into ``site_packages``; returns the number of files."""
    for name in PACKAGES:
        target = site_packages / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(package_dir(name), target, ignore=_ignore)
    info = site_packages / DIST_INFO
    info.mkdir()
    (info / "METADATA").write_text(_metadata_text(), encoding="utf-8")
    (info / "INSTALLER").write_text(INSTALLER, encoding="utf-8")
    files = sorted(
        p
        for name in (*PACKAGES, DIST_INFO)
        for p in (site_packages / name).rglob("*")
        if p.is_file()
    )
    lines = [_record_line(p, p.relative_to(site_packages).as_posix()) for p in files]
    lines.append(f"{DIST_INFO}/RECORD,,")
    (info / "RECORD").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(files) + 1
