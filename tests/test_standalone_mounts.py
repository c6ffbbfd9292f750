"""Each sibling app works without the inspector, through the one documented include()."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
call_command("migrate", verbosity=0)
call_command("check", fail_level="ERROR")
from django.contrib.auth.models import User
from djdesk_inspector.kernel import permissions
user = User.objects.create_user("solo")
user.user_permissions.set(permissions.permissions())
anonymous = Client().get("/djdesk/runs/").status_code
client = Client()
client.force_login(user)
doc = client.get("/djdesk/api/openapi.json").json()
print(json.dumps({
    "paths": sorted(doc["paths"]),
    "runs_page": client.get("/djdesk/runs/").status_code,
    "dashboard": client.get("/djdesk/").status_code,
    "unknown": client.get("/djdesk/api/workspaces/").status_code,
    "anonymous_runs_page": anonymous,
    "granted": sorted(p.codename for p in permissions.permissions()),
}))
"""


def test_presets_and_docs_mount_without_the_inspector(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "tests.standalone_settings",
        "DJDESK_TEST_VAR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert "/djdesk/api/task-runs/" in found["paths"]
    assert not any("/workspaces/" in path for path in found["paths"])
    assert found["runs_page"] == 200
    assert found["dashboard"] == 404
    assert found["unknown"] == 404
    # The presets and docs permissions exist without the inspector's models.
    assert found["granted"] == ["add_taskrun", "view_docs"]
    assert found["anonymous_runs_page"] == 302
