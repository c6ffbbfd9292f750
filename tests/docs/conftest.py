"""Docs-app fixtures: the docs URLs mounted, a trap-laden bundle, a real Sphinx build."""

from __future__ import annotations

from pathlib import Path

import pytest

from djdesk_inspector.docs import builder
from tests.docs.bundles import make_bundle, require_sphinx, write_sphinx_project


@pytest.fixture(autouse=True)
def _docs_urls(settings) -> None:
    settings.ROOT_URLCONF = "tests.docs.urls"


@pytest.fixture
def bundle(tmp_path: Path, settings) -> Path:
    root = make_bundle(tmp_path)
    settings.DJDESK_DOCS = {"BUNDLE_DIR": str(root)}
    return root


@pytest.fixture(scope="session")
def sphinx_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real furo bundle built once by ``builder.build`` (skipped without Sphinx)."""
    require_sphinx()
    base = tmp_path_factory.mktemp("sphinx")
    source = write_sphinx_project(base / "src")
    output = base / "bundle"
    builder.build(source, output, timeout=300)
    return output
