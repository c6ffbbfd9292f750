"""Settings for the test suite: every djdesk app installed, SQLite files, immediate tasks."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from djdesk_inspector.kernel import compat
from tests import databases

BASE_DIR = Path(__file__).resolve().parent
# One folder per test process, so parallel runs and reruns never share a database file.
VAR_DIR = Path(os.environ.get("DJDESK_TEST_VAR") or tempfile.mkdtemp(prefix="djdesk-tests-"))

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.urls"
# djdesk keeps its default permission callback here: tests sign in (tests/conftest.py).
LOGIN_URL = "admin:login"
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    *([compat.TASKS_APP] if compat.TASKS_APP else []),
    "django_tasks_db",
    "djdesk_inspector",
    "djdesk_inspector.docs",
    "djdesk_inspector.presets",
    "djdesk_inspector.datalab",
]

# JSON bodies for CSRF failures on djdesk's API (djdesk_inspector.W011).
CSRF_FAILURE_VIEW = "djdesk_inspector.api_root.csrf_failure"

MIDDLEWARE = [
    "tests.strict_csp.StrictCSPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "db.sqlite3",
        "TEST": {"NAME": VAR_DIR / "test-db.sqlite3"},
        "OPTIONS": {"timeout": 20},
    }
}
if databases.selected() == "postgres":  # DJDESK_TEST_DB=postgres (tests/databases.py)
    DATABASES = {"default": databases.postgres()}

TASKS = {"default": {"BACKEND": compat.IMMEDIATE_BACKEND}}

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"

# Exports land in this process's own folder, never inside the checkout.
DJDESK_DATALAB = {"EXPORT_ROOT": str(VAR_DIR / "datalab-exports")}
