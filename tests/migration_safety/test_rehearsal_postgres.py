"""Rehearsals of a PostgreSQL workspace: a scratch database made from the real one."""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from djdesk_inspector.inspection import rehearsal
from tests.conftest import require
from tests.migration_safety.projects import write_rehearsal_project

pytestmark = pytest.mark.slow


def server() -> dict[str, str]:
    return {
        "host": os.environ.get("PGHOST") or "127.0.0.1",
        "port": os.environ.get("PGPORT") or "5432",
        "user": os.environ.get("PGUSER") or "djdesk",
        "password": os.environ.get("PGPASSWORD", ""),
    }


def connect(dbname: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(dbname=dbname, autocommit=True, connect_timeout=5, **server())


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh database of the workspace (the role needs CREATEDB, as .ci/services gives)."""
    require(bool(os.environ.get("PGPASSWORD")), "PostgreSQL is not configured (.ci/services)")
    name = f"djdesk_rh_{secrets.token_hex(4)}"
    with connect(os.environ.get("PGDATABASE") or "djdesk") as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connect(os.environ.get("PGDATABASE") or "djdesk") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def settings_line(name: str) -> str:
    pg = server()
    return (
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', "
        f"'NAME': {name!r}, 'USER': {pg['user']!r}, 'PASSWORD': {pg['password']!r}, "
        f"'HOST': {pg['host']!r}, 'PORT': {pg['port']!r}}}}}"
    )


def scratch_databases() -> set[str]:
    with connect(os.environ.get("PGDATABASE") or "djdesk") as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'djdesk_rehearse_%'"
        )
        return {row[0] for row in rows}


def applied(name: str) -> list[str]:
    with connect(name) as conn:
        rows = conn.execute("SELECT name FROM django_migrations WHERE app = 'shop' ORDER BY id")
        return [row[0] for row in rows]


def test_a_postgres_workspace_rehearses_on_a_template_copy(tmp_path: Path, database: str) -> None:
    project = write_rehearsal_project(tmp_path / "p", database=settings_line(database))
    before = scratch_databases()
    report = rehearsal.rehearse(project, interpreter=sys.executable, timeout=300)
    assert report["vendor"] == "postgresql"
    assert report["rehearsed"] is True, report.get("reason")
    assert report["forward_ok"] is True and report["rollback_ok"] is True
    assert [s["migration"] for s in report["forward"]] == ["0002_label"]
    assert applied(database) == ["0001_initial"]  # the real database never moved
    assert scratch_databases() == before  # the scratch copy is dropped


def test_without_a_free_template_it_says_only_plan_and_lint(tmp_path: Path, database: str) -> None:
    project = write_rehearsal_project(tmp_path / "p", database=settings_line(database))
    with connect(database):  # another session on the real database: no TEMPLATE copy
        report = rehearsal.rehearse(project, interpreter=sys.executable, timeout=300)
    assert report["rehearsed"] is False
    assert "only the plan and the lint are available" in report["reason"]
    assert applied(database) == ["0001_initial"]
