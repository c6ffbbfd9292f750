"""Docs-app fixtures: the docs URLs mounted, a trap-laden bundle, a real Sphinx build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from djdesk_inspector.docs import builder
from tests.docs.bundles import make_bundle, require_sphinx, write_sphinx_project

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


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


@pytest.fixture(scope="session")
def chromium(django_db_setup, chromium):  # type: ignore[no-untyped-def]
    """The shared browser, started only after the test database exists.

    Playwright's sync API keeps an event loop in the main thread, and Django then
    refuses database calls there (creating the test DB, flushing it after a
    live_server test). Create the DB first, and tell Django the loop is not ours.
    """
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    yield chromium
    if previous is None:
        os.environ.pop(ASYNC_UNSAFE, None)
    else:
        os.environ[ASYNC_UNSAFE] = previous
