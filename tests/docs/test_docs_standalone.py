"""The docs app works as the only djdesk app, and the command fails with one line and exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SETTINGS = """
from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "solo"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = ["djdesk_inspector.docs"]
ROOT_URLCONF = "solo_urls"
DATABASES = {}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
USE_TZ = True
# No auth app at all: the docs are public through djdesk's ready-made callback.
DJDESK_INSPECTOR = {"PERMISSION_CALLBACK": "djdesk_inspector.kernel.permissions.public_docs"}
"""
URLS = """
from django.urls import include, path
urlpatterns = [path("djdesk/docs/", include("djdesk_inspector.docs.urls"))]
"""
PROBE = """
import sys
import django
django.setup()
from django.test import Client
client = Client()
missing = client.get("/djdesk/docs/")
assert missing.status_code == 404 and b"djdesk_docs_bundle" in missing.content, missing
from pathlib import Path
from django.conf import settings
bundle = settings.BASE_DIR / "var" / "docs-bundle"
bundle.mkdir(parents=True)
(bundle / "index.html").write_text("<p>solo</p>")
page = client.get("/djdesk/docs/")
body = b"".join(page.streaming_content) if page.streaming else page.content
# HTML pages get djdesk's small header spliced in; the page itself is served as built.
assert page.status_code == 200 and b"<p>solo</p>" in body, body
from djdesk_inspector.docs import status
assert status.section()["available"] is True
leaked = sorted(
    m for m in sys.modules
    if m.startswith("djdesk_inspector.") and "models" in m and not m.startswith("djdesk_inspector.docs.")
)
assert not leaked, leaked
print("SOLO-OK")
"""


@pytest.fixture
def solo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    (tmp_path / "solo_settings.py").write_text(SETTINGS)
    (tmp_path / "solo_urls.py").write_text(URLS)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "solo_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(REPO / "src")])
    return tmp_path, env


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_docs_app_alone_serves_and_reports(solo):
    folder, env = solo
    checked = run(["-m", "django", "check"], folder, env)
    assert checked.returncode == 0, checked.stderr
    assert "djdesk_docs.W010" in checked.stderr + checked.stdout
    probed = run(["-c", PROBE], folder, env)
    assert probed.returncode == 0, probed.stderr
    assert "SOLO-OK" in probed.stdout


@pytest.mark.slow
def test_command_error_is_one_line_and_exit_1(solo):
    folder, env = solo
    done = run(["-m", "django", "djdesk_docs_bundle", "--source", "nowhere"], folder, env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("CommandError: Docs source")
