"""Sample projects shared by the inspection tests (written once per session)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from telemetry import samples

from djdesk_inspector.inspection import live, static

from .projects import tree_state


@pytest.fixture(scope="session")
def showcase(tmp_path_factory: pytest.TempPathFactory) -> samples.SampleProject:
    """Every shape at once: see samples.py. Conflict, missing migration, check error,
    unapplied migrations, prints at import."""
    return samples.write_project(
        tmp_path_factory.mktemp("showcase") / "project",
        apps=3,
        models_per_app=4,
        migrations_per_app=3,
        with_conflict=True,
        with_missing=True,
        with_check_error=True,
        prints_at_import=True,
    )


@pytest.fixture(scope="session")
def showcase_live(showcase: samples.SampleProject) -> dict[str, Any]:
    """The live document of the showcase, plus the project tree before and after."""
    before = tree_state(showcase.root)
    document = live.scan(showcase.root)
    return {"document": document, "before": before, "after": tree_state(showcase.root)}


@pytest.fixture(scope="session")
def showcase_static(showcase: samples.SampleProject) -> dict[str, Any]:
    return static.scan(showcase.root)


@pytest.fixture(scope="session")
def clean_sample(tmp_path_factory: pytest.TempPathFactory) -> samples.SampleProject:
    """A sample with nothing wrong except one unapplied migration."""
    return samples.write_project(tmp_path_factory.mktemp("clean") / "project", apps=2)


def models_by_label(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["label"]: m for m in document["models"]}


def fields_by_name(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in model["fields"]}


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    return tmp_path / "project"
