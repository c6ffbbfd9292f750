"""Desktop-runtime fixtures: a migrated data dir made once, and real launcher processes."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.launching import Launched, launch


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir after one cold launch (migrated, secret key written), shut down cleanly."""
    data_dir = tmp_path_factory.mktemp("desktop-template") / "data"
    launched = launch(data_dir)
    try:
        assert launched.stop(signal.SIGTERM) == 0, launched.stderr()
    finally:
        launched.cleanup()
    return data_dir


@pytest.fixture
def data_dir(tmp_path: Path, migrated_template: Path) -> Path:
    """A private copy of the migrated data dir (warm launches, no shared state)."""
    target = tmp_path / "data"
    shutil.copytree(migrated_template, target, ignore=shutil.ignore_patterns("logs"))
    return target


@pytest.fixture
def launched(data_dir: Path) -> Iterator[Launched]:
    running = launch(data_dir)
    yield running
    running.cleanup()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path) -> Iterator[Launched]:
    """One launcher for the read-only tests of a module."""
    target = tmp_path_factory.mktemp("desktop-shared") / "data"
    shutil.copytree(migrated_template, target, ignore=shutil.ignore_patterns("logs"))
    running = launch(target)
    yield running
    running.cleanup()
