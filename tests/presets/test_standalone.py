"""The presets app works as the only djdesk app: host target, no inspector models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.presets.projects import MANAGE

REPO = Path(__file__).resolve().parents[2]

SETTINGS = """
from pathlib import Path
from djdesk_inspector.kernel import compat
BASE_DIR = Path({project!r})
SECRET_KEY = "solo"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    *([compat.TASKS_APP] if compat.TASKS_APP else []),
    "djdesk_inspector.presets",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "solo_urls"
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db!r}}}}}
TASKS = {{"default": {{"BACKEND": compat.IMMEDIATE_BACKEND}}}}
TEMPLATES = [{{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}}]
STATIC_URL = "/static/"
USE_TZ = True
"""
URLS = """
from django.urls import include, path
urlpatterns = [path("djdesk/", include("djdesk_inspector.presets.urls"))]
"""
PROBE = """
import json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth.models import Permission, User
from django.test import Client
client = Client()
# The default permission callback: anonymous is refused, a user with the permission is not.
assert client.get("/djdesk/api/presets/?target=host").status_code == 403
user = User.objects.create_user("operator")
user.user_permissions.add(Permission.objects.get(codename="add_taskrun"))
client.force_login(user)
listing = client.get("/djdesk/api/presets/?target=host").json()
assert [t["key"] for t in listing["targets"]] == ["host"], listing["targets"]
assert client.get("/djdesk/api/presets/?target=workspace:x").status_code == 400
response = client.post("/djdesk/api/task-runs/", json.dumps({"target": "host", "preset": "check"}),
                       content_type="application/json")
assert response.status_code == 202, response.content
run = client.get(response.json()["urls"]["self"]).json()
log = client.get(run["urls"]["log"]).json()
assert run["status"] == "succeeded", (run, log)
assert run["settings_module"] == "solo_settings" and run["argv"] == ["manage.py", "check"]
assert "System check identified no issues (0 silenced)." in [l["text"] for l in log["lines"]], log
assert client.get("/djdesk/runs/").status_code == 200
from djdesk_inspector.presets import status
leaked = sorted(m for m in sys.modules if m in ("djdesk_inspector.models", "djdesk_inspector.status"))
assert not leaked, leaked
print("SOLO-OK")
"""


@pytest.mark.slow
def test_presets_work_without_the_inspector(tmp_path: Path):
    (tmp_path / "manage.py").write_text(MANAGE.replace("shopproj.settings", "solo_settings"))
    (tmp_path / "solo_settings.py").write_text(
        SETTINGS.format(project=str(tmp_path), db=str(tmp_path / "solo.sqlite3"))
    )
    (tmp_path / "solo_urls.py").write_text(URLS)
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    env |= {"DJANGO_SETTINGS_MODULE": "solo_settings", "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "SOLO-OK" in done.stdout
