"""The platforms a bundle can target, named by python-build-standalone's triples.

``pip_platforms`` are the wheel platform tags pip is given for a cross build
(``--platform``); pip widens each tag to the older compatible ones itself.
macOS cross builds target macOS 11 and later.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass

from djdesk_electron_kit.bundle.errors import BundleError


@dataclass(frozen=True)
class Platform:
    triple: str
    windows: bool
    pip_platforms: tuple[str, ...]
    # PEP 508 marker values of the target, for cross builds (see .markers).
    markers: tuple[tuple[str, str], ...]


def _markers(sys_platform: str, system: str, machine: str) -> tuple[tuple[str, str], ...]:
    os_name = "nt" if sys_platform == "win32" else "posix"
    return (
        ("sys_platform", sys_platform),
        ("platform_system", system),
        ("platform_machine", machine),
        ("os_name", os_name),
    )


PLATFORMS: dict[str, Platform] = {
    p.triple: p
    for p in (
        Platform(
            "x86_64-unknown-linux-gnu",
            False,
            ("manylinux_2_17_x86_64", "manylinux2014_x86_64"),
            _markers("linux", "Linux", "x86_64"),
        ),
        Platform(
            "aarch64-unknown-linux-gnu",
            False,
            ("manylinux_2_17_aarch64", "manylinux2014_aarch64"),
            _markers("linux", "Linux", "aarch64"),
        ),
        Platform(
            "x86_64-apple-darwin",
            False,
            ("macosx_11_0_x86_64",),
            _markers("darwin", "Darwin", "x86_64"),
        ),
        Platform(
            "aarch64-apple-darwin",
            False,
            ("macosx_11_0_arm64",),
            _markers("darwin", "Darwin", "arm64"),
        ),
        Platform(
            "x86_64-pc-windows-msvc",
            True,
            ("win_amd64",),
            _markers("win32", "Windows", "AMD64"),
        ),
    )
}

_ARCHES = {"x86_64": "x86_64", "amd64": "x86_64", "arm64": "aarch64", "aarch64": "aarch64"}


def host_triple() -> str:
    """The triple of this machine, or BundleError when no bundle can run here."""
    arch = _ARCHES.get(platform.machine().lower())
    if sys.platform.startswith("linux"):
        libc = platform.libc_ver()[0]
        system = "unknown-linux-gnu" if libc in ("glibc", "") else ""
    elif sys.platform == "darwin":
        system = "apple-darwin"
    elif sys.platform == "win32":
        system = "pc-windows-msvc"
    else:
        system = ""
    triple = f"{arch}-{system}" if arch and system else ""
    if triple not in PLATFORMS:
        raise BundleError(
            f"no supported bundle platform for {sys.platform}/{platform.machine()} "
            f"(supported: {', '.join(sorted(PLATFORMS))})"
        )
    return triple


def get(triple: str) -> Platform:
    try:
        return PLATFORMS[triple]
    except KeyError:
        raise BundleError(
            f"unknown platform {triple!r} (supported: {', '.join(sorted(PLATFORMS))})"
        ) from None
