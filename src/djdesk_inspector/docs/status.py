"""The docs section of the dashboard status payload: file checks only, no SQL."""

from __future__ import annotations

from typing import Any

from djdesk_inspector.docs import conf, links, manifest, serving

MANIFEST_KEYS = ("version", "docs_version", "built_at", "git_sha", "file_count", "total_bytes")


def section(workspace: object | None = None) -> dict[str, Any]:
    """Doc links for the dashboard; the same for every workspace, so ``workspace`` is unused."""
    root = conf.bundle_dir()
    built = manifest.read(root)
    entries = []
    for link in links.LINKS:
        online = link.online_url()
        offline = links.offline_url(online)
        entries.append(
            {
                "key": link.key,
                "title": link.title,
                "url": offline or online,
                "online_url": online,
                "offline": offline is not None,
            }
        )
    return {
        "available": serving.locate(root, "") is not None,
        "bundle": {key: built.get(key) for key in MANIFEST_KEYS} if built else None,
        "links": entries,
    }
