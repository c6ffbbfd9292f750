"""Launch-time migrations: skipped when nothing is pending, undone byte for byte on failure."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from djdesk_electron_kit.exitcodes import ExitCode
from djdesk_electron_kit.migrations_guard import BACKUP_SUFFIX
from tests.desktop.launching import BROKEN_SETTINGS, django_script, launch, run_to_exit

pytestmark = pytest.mark.slow


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_failed_migration_restores_the_database_byte_for_byte(data_dir: Path) -> None:
    database = data_dir / "db.sqlite3"
    before = digest(database)
    code, out, err = run_to_exit(data_dir, settings=BROKEN_SETTINGS)
    assert code == ExitCode.MIGRATION_FAILED
    assert out == ""
    assert "migrating failed" in err
    assert "broken on purpose" in err
    assert digest(database) == before
    # 0001 of the broken app committed before 0002 raised: only the restore undid it.
    assert not Path(f"{database}-wal").exists() or Path(f"{database}-wal").stat().st_size == 0
    assert (data_dir / f"db.sqlite3{BACKUP_SUFFIX}").read_bytes() == database.read_bytes()
    tables = django_script(
        data_dir,
        "from django.db import connection\n"
        "print(json.dumps(connection.introspection.table_names()))",
    )
    assert "broken_app_gadget" not in tables
    # And the app still starts with its usual settings.
    launched = launch(data_dir)
    try:
        assert launched.health()["status"] == "ok"
        assert launched.stop() == ExitCode.OK
    finally:
        launched.cleanup()


def test_nothing_pending_means_no_backup_and_no_migrate(data_dir: Path) -> None:
    database = data_dir / "db.sqlite3"
    before = digest(database)
    launched = launch(data_dir)
    try:
        assert launched.stop() == ExitCode.OK
    finally:
        launched.cleanup()
    assert not (data_dir / f"db.sqlite3{BACKUP_SUFFIX}").exists()
    log = (data_dir / "logs" / "server.log").read_text()
    assert "Applying migrations" not in log
    assert digest(database) == before


def test_a_first_launch_migrates_a_new_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"
    launched = launch(data_dir)
    try:
        assert launched.get("/djdesk/api/workspaces/").json() == {"workspaces": []}
        assert launched.stop() == ExitCode.OK
    finally:
        launched.cleanup()
    assert "Applying migrations" in (data_dir / "logs" / "server.log").read_text()
    # No database existed, so there was nothing to back up.
    assert not (data_dir / f"db.sqlite3{BACKUP_SUFFIX}").exists()
