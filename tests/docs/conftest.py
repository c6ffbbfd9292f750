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
def client(settings):  # type: ignore[no-untyped-def]
    """An anonymous client, with the docs made public by djdesk's ready-made callback.

    These tests are about serving files; who may read them is tests/permissions'. Streamed
    responses here are closed by hand, which closes the database connection, so the
    signed-in client (a session in the database) would not do.
    """
    from django.test import Client

    settings.DJDESK_INSPECTOR = {
        "PERMISSION_CALLBACK": "djdesk_inspector.kernel.permissions.public_docs"
    }
    return Client()


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
