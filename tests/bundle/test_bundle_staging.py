"""Atomic builds: the swap, the cleanup after a killed build, outputs never to replace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from djdesk_electron_kit.bundle import staging
from djdesk_electron_kit.bundle.errors import BundleError


def _bundle(path: Path, marker: str) -> Path:
    (path / "site-packages" / "django").mkdir(parents=True)
    (path / "site-packages" / "django" / "__init__.py").write_text(marker)
    (path / "manifest.json").write_text(json.dumps({"files": {}, "marker": marker}))
    return path


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_commit_swaps_and_removes_the_previous_bundle(tmp_path: Path) -> None:
    output = _bundle(tmp_path / "django-bundle", "old")
    with staging.Stage(output) as stage:
        _bundle(stage.path, "new")
        stage.commit()
    assert "new" in (output / "manifest.json").read_text()
    assert staging.siblings(output) == []


def test_a_failed_build_removes_its_stage_and_keeps_the_bundle(tmp_path: Path) -> None:
    output = _bundle(tmp_path / "django-bundle", "old")

    def failing_build() -> None:
        with staging.Stage(output) as stage:
            _bundle(stage.path, "new")
            raise RuntimeError("step failed")

    with pytest.raises(RuntimeError):
        failing_build()
    assert "old" in (output / "manifest.json").read_text()
    assert staging.siblings(output) == []


def test_commit_adopts_entries_of_the_previous_bundle(tmp_path: Path) -> None:
    output = _bundle(tmp_path / "django-bundle", "old")
    with staging.Stage(output) as stage:
        (stage.path / "site-packages" / "kit").mkdir(parents=True)
        adoption = staging.Adoption(source=output / "site-packages", names=("django",))
        stage.commit(adoption)
    assert (output / "site-packages" / "django" / "__init__.py").read_text() == "old"
    assert (output / "site-packages" / "kit").is_dir()
    assert staging.siblings(output) == []


def test_stale_stages_of_dead_builds_go_running_ones_stay(tmp_path: Path) -> None:
    output = _bundle(tmp_path / "django-bundle", "old")
    dead = tmp_path / f".django-bundle.build-{_dead_pid()}-aaaa"
    alive = tmp_path / f".django-bundle.build-{os.getppid()}-bbbb"
    (dead / "site-packages").mkdir(parents=True)
    alive.mkdir()
    assert staging.clean_stale(output) == [dead.name]
    assert alive.is_dir()


def test_a_swap_cut_in_half_is_undone(tmp_path: Path) -> None:
    output = tmp_path / "django-bundle"
    old = _bundle(tmp_path / ".django-bundle.old-1234", "previous")
    staging.clean_stale(output)
    assert not old.exists()
    assert "previous" in (output / "manifest.json").read_text()


def test_an_adoption_cut_short_is_moved_back(tmp_path: Path) -> None:
    output = _bundle(tmp_path / "django-bundle", "old")
    stage = tmp_path / f".django-bundle.build-{_dead_pid()}-cccc"
    (stage / "site-packages").mkdir(parents=True)
    os.replace(output / "site-packages" / "django", stage / "site-packages" / "django")
    journal = tmp_path / ".django-bundle.adopt-dddd.json"
    journal.write_text(json.dumps({"stage": stage.name, "names": ["django"]}))
    staging.clean_stale(output)
    assert (output / "site-packages" / "django" / "__init__.py").read_text() == "old"
    assert staging.siblings(output) == []


def test_outputs_that_are_not_bundles_are_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "electron").mkdir(parents=True)
    with pytest.raises(BundleError, match="would replace the project itself"):
        staging.check_output(project, project)
    with pytest.raises(BundleError, match="would replace the project itself"):
        staging.check_output(tmp_path, project)
    (project / "notes").mkdir()
    (project / "notes" / "todo.txt").write_text("keep me")
    with pytest.raises(BundleError, match="not a bundle, refusing to replace it"):
        staging.check_output(project / "notes", project)
    staging.check_output(project / "electron" / "django-bundle", project)
    staging.check_output(project / "electron", project)  # empty folder: fine
