"""The sample project generator shared by tests, bench/ and the demo."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from telemetry import samples

from .projects import tree_state


def test_idempotent(tmp_path: Path) -> None:
    first = samples.write_project(tmp_path / "p", apps=2)
    before = tree_state(first.root)
    again = samples.write_project(tmp_path / "p", apps=2)
    assert again == first
    assert tree_state(first.root) == before


def test_other_arguments_rewrite_the_project(tmp_path: Path) -> None:
    samples.write_project(tmp_path / "p", apps=3)
    smaller = samples.write_project(tmp_path / "p", apps=1)
    assert not (tmp_path / "p" / "app03").exists()
    assert smaller.apps == ("showcase", "app01")


def test_refuses_to_overwrite_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "mine.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        samples.write_project(tmp_path / "p")


def test_database_records_all_but_the_unapplied(tmp_path: Path) -> None:
    sample = samples.write_project(tmp_path / "p", apps=2, migrations_per_app=3)
    with sqlite3.connect(sample.root / "db.sqlite3") as db:
        rows = set(db.execute("SELECT app, name FROM django_migrations"))
    db.close()
    local = set(sample.migrations)
    assert local - rows == set(sample.unapplied) == {("app02", "0003_extra3")}
    assert ("contenttypes", "0001_initial") in rows
    assert len(sample.migrations) == 1 + 2 * 3


def test_named_apps(tmp_path: Path) -> None:
    sample = samples.write_project(tmp_path / "p", apps=["sensors", "alerts"], models_per_app=2)
    assert sample.apps == ("showcase", "sensors", "alerts")
    assert "alerts.Record01" in sample.models
    assert (sample.root / "alerts" / "migrations" / "0002_links.py").is_file()
