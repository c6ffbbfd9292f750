"""The status payload: everything the dashboard shows for one workspace, in one document.

Built with a fixed number of queries whatever the history size (workspace, latest
snapshot, previous snapshot's summary, recent snapshots, scans and rehearsals, plus one per
installed section),
and hashed into an ETag so an unchanged poll costs no bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.module_loading import import_string

from djdesk_inspector import conf, projection, rehearsals, trust
from djdesk_inspector.inspection import insights
from djdesk_inspector.kernel import registry
from djdesk_inspector.models import Scan, ScanStatus, Snapshot, Workspace

REHEARSAL_HISTORY = 3
EMPTY_VIEW: dict[str, Any] = {
    "schema": {"nodes": [], "edges": []},
    "migrations": None,
    "migration_lint": None,
} | {key: None for key in projection.COPIED_SECTIONS}


def workspace_json(workspace: Workspace) -> dict[str, Any]:
    return {
        "slug": workspace.slug,
        "name": workspace.name,
        "project_path": workspace.project_path,
        "interpreter_path": workspace.interpreter_path,
        "settings_module": workspace.settings_module,
        # The env file's path and the names passed through; never their values.
        "env_file": workspace.env_file,
        "pass_env": workspace.pass_env,
        **trust.as_json(workspace),
        "created_at": workspace.created_at,
        "updated_at": workspace.updated_at,
    }


def scan_json(scan: Scan) -> dict[str, Any]:
    return {
        "id": scan.pk,
        "kind": scan.kind,
        "status": scan.status,
        "progress": scan.progress,
        "progress_message": scan.progress_message,
        "created_at": scan.created_at,
        "started_at": scan.started_at,
        "finished_at": scan.finished_at,
        "duration_ms": scan.duration_ms,
        "error": scan.error,
    }


def snapshot_sections(snapshot: Snapshot | None) -> dict[str, Any]:
    if snapshot is None:
        return {"snapshot": None, **EMPTY_VIEW}
    # Every save fills the view; only a bulk_create that skipped it costs the extra read.
    view = snapshot.view or projection.project(snapshot.data)
    meta = {
        "id": snapshot.pk,
        "mode": snapshot.mode,
        "probe_version": snapshot.probe_version,
        "created_at": snapshot.created_at,
    }
    return {"snapshot": meta | view.get("meta", {})} | {key: view.get(key) for key in EMPTY_VIEW}


def installed_sections(workspace: Workspace) -> dict[str, Any]:
    """The sections installed apps declare (:mod:`~djdesk_inspector.kernel.registry`).

    A section whose app is not installed is absent from the payload.
    """
    sections: dict[str, Any] = {}
    for _label, section in registry.status_sections():
        build: Callable[[Workspace], dict[str, Any]] = import_string(section.builder)
        sections[section.key] = {"installed": True, **build(workspace)}
    return sections


def build(workspace: Workspace) -> dict[str, Any]:
    """The whole payload for ``workspace`` (already fetched: that is query one)."""
    limit = conf.get().HISTORY_LIMIT
    previous_summary = None
    snapshots = Snapshot.objects.filter(workspace=workspace).order_by("-id")
    latest = snapshots.defer("data").first()
    if latest is not None:
        previous = snapshots.filter(id__lt=latest.pk).only("summary").first()
        previous_summary = previous.summary if previous else None
    scans = list(Scan.objects.filter(workspace=workspace).order_by("-id")[:limit])
    active = next((s for s in scans if s.status in ScanStatus.active()), None)
    history = snapshots.values("id", "created_at", "mode")[:limit]
    return {
        "workspace": workspace_json(workspace),
        "insights": insights.insights(latest.summary, previous_summary) if latest else [],
        **snapshot_sections(latest),
        "snapshots": list(history),
        "scans": [scan_json(scan) for scan in scans],
        "active_scan": scan_json(active) if active else None,
        "rehearsals": rehearsals.recent(workspace, REHEARSAL_HISTORY),
        **installed_sections(workspace),
    }


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
