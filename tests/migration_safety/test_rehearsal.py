"""Rehearsals run for real: the project's interpreter migrates a copy, the original stays put."""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import tempfile
import threading
from io import StringIO
from pathlib import Path

import psutil
import pytest
from django.core.management import CommandError, call_command

from djdesk_inspector.inspection import rehearsal
from djdesk_inspector.inspection.errors import ScanError
from tests.migration_safety.projects import write_rehearsal_project

pytestmark = pytest.mark.slow


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The rehearsal's scratch folder lands here, so a test can see it was removed."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


def rehearse(project: Path, **kwargs: object) -> dict[str, object]:
    return rehearsal.rehearse(project, interpreter=sys.executable, timeout=120, **kwargs)  # type: ignore[arg-type]


def test_pending_migrations_apply_and_roll_back_on_a_copy(
    tmp_path: Path, private_tmp: Path
) -> None:
    project = write_rehearsal_project(tmp_path / "p", rows=40)
    db = project / "db.sqlite3"
    before = digest(db)
    report = rehearse(project)
    assert report["rehearsed"] is True
    assert report["plan"] == [["shop", "0002_label"]]
    assert report["start"] == {"shop": "0001_initial"}
    assert [s["migration"] for s in report["forward"]] == ["0002_label"]  # type: ignore[index]
    assert [s["migration"] for s in report["backward"]] == ["0002_label"]  # type: ignore[index]
    assert report["forward_ok"] is True and report["rollback_ok"] is True
    assert all(s["ms"] >= 0 for s in report["forward"])  # type: ignore[index]
    assert digest(db) == before
    assert report["sha256_before"] == before == report["sha256_after"]
    assert report["real_database_untouched"] is True
    with sqlite3.connect(db) as conn:
        applied = [
            r[0] for r in conn.execute("SELECT name FROM django_migrations WHERE app='shop'")
        ]
        columns = [r[1] for r in conn.execute("PRAGMA table_info(shop_item)")]
    assert applied == ["0001_initial"]
    assert "label" not in columns
    assert list(private_tmp.iterdir()) == []


def test_a_migration_failing_halfway_is_reported_with_its_traceback(tmp_path: Path) -> None:
    project = write_rehearsal_project(tmp_path / "p", third="failing")
    before = digest(project / "db.sqlite3")
    report = rehearse(project)
    forward = report["forward"]
    assert [s["ok"] for s in forward] == [True, False]  # type: ignore[union-attr]
    failed = forward[1]  # type: ignore[index]
    assert failed["migration"] == "0003_explode"
    assert "deliberate failure halfway" in failed["error"]
    assert "Traceback" in failed["traceback"] and "explode" in failed["traceback"]
    assert report["forward_ok"] is False
    # What did apply is rolled back: 0002 only.
    assert [s["migration"] for s in report["backward"]] == ["0002_label"]  # type: ignore[index]
    assert report["rollback_ok"] is True
    assert digest(project / "db.sqlite3") == before


def test_an_irreversible_migration_fails_the_rollback_test(tmp_path: Path) -> None:
    project = write_rehearsal_project(tmp_path / "p", third="irreversible")
    before = digest(project / "db.sqlite3")
    report = rehearse(project)
    assert report["forward_ok"] is True
    assert report["rollback_ok"] is False
    last = report["backward"][-1]  # type: ignore[index]
    assert last["migration"] == "0003_stamp" and not last["ok"]
    assert "IrreversibleError" in last["error"]
    assert digest(project / "db.sqlite3") == before


def test_cancel_mid_rehearsal_kills_the_tree(tmp_path: Path, private_tmp: Path) -> None:
    project = write_rehearsal_project(tmp_path / "p", third="slow")
    started = threading.Event()

    def progress(percent: int, text: str) -> None:
        if text == "apply shop.0003_wait":
            started.set()

    children_before = {p.pid for p in psutil.Process().children(recursive=True)}
    with pytest.raises(ScanError) as caught:
        rehearse(project, progress=progress, should_cancel=started.is_set)
    assert caught.value.kind == "cancelled"
    left = {p.pid for p in psutil.Process().children(recursive=True)} - children_before
    assert left == set()
    assert list(private_tmp.iterdir()) == []


def test_a_missing_database_is_not_rehearsed_with_the_reason(tmp_path: Path) -> None:
    project = write_rehearsal_project(tmp_path / "p")
    (project / "db.sqlite3").unlink()
    report = rehearse(project)
    assert report["rehearsed"] is False
    assert "not created yet: run migrate" in str(report["reason"])


def test_the_command_prints_steps_and_fails_on_a_failed_rollback(tmp_path: Path) -> None:
    project = write_rehearsal_project(tmp_path / "ok")
    out = StringIO()
    call_command("djdesk_rehearse", str(project), "--python", sys.executable, stdout=out)
    text = out.getvalue()
    assert "apply   shop.0002_label" in text and "forward ok, rollback ok" in text
    bad = write_rehearsal_project(tmp_path / "bad", third="irreversible")
    with pytest.raises(CommandError, match="the rehearsal failed"):
        call_command("djdesk_rehearse", str(bad), "--python", sys.executable, stdout=StringIO())
