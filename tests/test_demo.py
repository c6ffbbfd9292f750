"""The demo command, run as a user would: a real subprocess on a real SQLite file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MANAGE = ROOT / "example_project" / "manage.py"

pytestmark = pytest.mark.slow


def run_demo(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(var)),
        "ATLAS_VAR_DIR": str(var),
        "PYTHONPATH": str(ROOT / "src"),
    }
    return subprocess.run(
        [sys.executable, str(MANAGE), "djdesk_demo", "--no-serve", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_demo_writes_real_projects_and_registers_them_once(tmp_path: Path) -> None:
    first = run_demo(tmp_path, "--no-scan")
    assert first.returncode == 0, first.stderr
    samples = tmp_path / "samples"
    assert (samples / "polls-mini" / "manage.py").is_file()
    assert (samples / "fleet-ops" / "manage.py").is_file()
    db = tmp_path / "atlas.sqlite3"
    registered = rows(
        db, "select slug, settings_module from djdesk_inspector_workspace order by slug"
    )
    assert registered == [
        ("fleet-ops", "fleetops.settings"),
        ("polls", "pollsite.settings"),
    ]
    before = {p: p.stat().st_mtime_ns for p in samples.rglob("*") if p.is_file()}
    second = run_demo(tmp_path, "--no-scan")
    assert second.returncode == 0, second.stderr
    assert rows(db, "select count(*) from djdesk_inspector_workspace") == [(2,)]
    assert {p: p.stat().st_mtime_ns for p in samples.rglob("*") if p.is_file()} == before


def test_demo_scans_its_samples_for_real(tmp_path: Path) -> None:
    result = run_demo(tmp_path)
    assert result.returncode == 0, result.stderr
    db = tmp_path / "atlas.sqlite3"
    scans = rows(
        db,
        "select w.slug, s.status, s.progress from djdesk_inspector_scan s "
        "join djdesk_inspector_workspace w on w.id = s.workspace_id order by w.slug",
    )
    assert scans == [("fleet-ops", "succeeded", 100), ("polls", "succeeded", 100)]
    modes = rows(db, "select mode, summary from djdesk_inspector_snapshot order by id")
    assert [mode for mode, _ in modes] == ["live", "live"]
    # The generated project really has one unapplied migration, as its database says.
    assert any('"unapplied": 1' in summary for _, summary in modes)


def test_demo_rejects_a_bad_port(tmp_path: Path) -> None:
    env_result = subprocess.run(
        [sys.executable, str(MANAGE), "djdesk_demo", "--port", "70000"],
        env={
            "PATH": os.environ["PATH"],
            "ATLAS_VAR_DIR": str(tmp_path),
            "PYTHONPATH": str(ROOT / "src"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert env_result.returncode != 0
    assert "--port must be between 1 and 65535" in env_result.stderr


SIGN_IN = """
import json, sys, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
anonymous = Client().get("/djdesk/")
browser = Client()
login = browser.post(
    "/admin/login/?next=/djdesk/", {"username": "demo", "password": sys.argv[1], "next": "/djdesk/"}
)
page = browser.get("/djdesk/", follow=True)
print(json.dumps({
    "anonymous": [anonymous.status_code, anonymous.get("Location", "")],
    "login": [login.status_code, login.get("Location", "")],
    "page": [page.status_code, page.redirect_chain[-1][0] if page.redirect_chain else ""],
}))
"""


def test_the_printed_demo_user_signs_in_and_sees_the_dashboard(tmp_path: Path) -> None:
    result = run_demo(tmp_path, "--no-scan")
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("Sign in as"))
    password = line.split("password ")[1].split("'")[1]
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "ATLAS_VAR_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(MANAGE.parent)]),
        "DJANGO_SETTINGS_MODULE": "atlas.settings",
    }
    probe = subprocess.run(
        [sys.executable, "-c", SIGN_IN, password],
        env=env,
        cwd=MANAGE.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    # Anonymous visitors go to the admin's login form; the demo user gets through.
    assert found["anonymous"] == [302, "/admin/login/?next=/djdesk/"]
    assert found["login"] == [302, "/djdesk/"]
    assert found["page"] == [200, "/djdesk/w/fleet-ops/"]
