"""Vendored scripts are exactly what VENDORED.json pins (version, sha256, licence file)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = (
    ROOT / "src/djdesk_inspector/static/djdesk_inspector/vendor/VENDORED.json",
    ROOT / "tests/vendor/VENDORED.json",
)


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_vendored_files_match_their_pins(manifest: Path) -> None:
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    assert entries
    for name, entry in entries.items():
        assert entry["version"] and entry["license"], name
        assert (manifest.parent / entry["license_file"]).stat().st_size > 0, name
        for relative, digest in entry["files"].items():
            data = (manifest.parent / relative).read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest, relative


def test_the_erd_layout_libraries_are_vendored() -> None:
    entries = json.loads(MANIFESTS[0].read_text(encoding="utf-8"))
    assert {"cytoscape", "dagre", "cytoscape-dagre"} <= set(entries)
