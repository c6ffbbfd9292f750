"""Cross builds: environment markers, evaluated for the target instead of this machine.

pip's ``--platform`` changes which wheels it accepts, not how it evaluates markers:
``tzdata; sys_platform == "win32"`` (a Django dependency) is skipped on a Linux host
even when the bundle is for Windows. From pip's report, :func:`missing` finds the
requirements whose markers hold on the target but not here; the resolver runs again
with them until nothing is missing.
"""

from __future__ import annotations

from typing import Any

from djdesk_electron_kit.bundle.requirements import canonical

try:
    from packaging.markers import InvalidMarker
    from packaging.requirements import InvalidRequirement, Requirement
except ImportError:  # every pip carries a copy
    from pip._vendor.packaging.markers import InvalidMarker  # type: ignore[assignment]
    from pip._vendor.packaging.requirements import (  # type: ignore[assignment]
        InvalidRequirement,
        Requirement,
    )


def _bare(requirement: Requirement) -> str:
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    if requirement.url:
        return f"{requirement.name}{extras} @ {requirement.url}"
    return f"{requirement.name}{extras}{requirement.specifier}"


def missing(report: dict[str, Any], target: dict[str, str]) -> list[str]:
    """Requirement lines the target needs that pip left out for this machine."""
    installed = {
        canonical(str((i.get("metadata") or {}).get("name", ""))) for i in report.get("install", [])
    }
    environment = {**(report.get("environment") or {}), **target, "extra": ""}
    found: set[str] = set()
    for item in report.get("install", []):
        for line in (item.get("metadata") or {}).get("requires_dist", []) or []:
            try:
                requirement = Requirement(line)
                wanted = requirement.marker is not None and requirement.marker.evaluate(environment)
            except (InvalidRequirement, InvalidMarker):
                continue
            if wanted and canonical(requirement.name) not in installed:
                found.add(_bare(requirement))
    return sorted(found)
