"""Atlas Telemetry development settings: every djdesk app, SQLite under var/."""

from __future__ import annotations

import os
from pathlib import Path

from djdesk_inspector.kernel import compat

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ATLAS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Development only: the desktop settings generate a per-install key instead.
SECRET_KEY = os.environ.get("ATLAS_SECRET_KEY", "dev-only-atlas-telemetry-key")
DEBUG = os.environ.get("ATLAS_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

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
    "djdesk_inspector.presets",
    "djdesk_inspector.docs",
    "djdesk_inspector.datalab",
    "djdesk_electron_kit",
    "telemetry",
]

# JSON bodies for CSRF failures on djdesk's API (djdesk_inspector.W011).
CSRF_FAILURE_VIEW = "djdesk_inspector.api_root.csrf_failure"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "atlas.urls"
# djdesk's pages send anonymous visitors here; `djdesk_demo` prints a demo user to sign in
# with. (The desktop settings need no login: the launch token lets the shell in.)
LOGIN_URL = "admin:login"
WSGI_APPLICATION = "atlas.wsgi.application"

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
        "NAME": VAR_DIR / "atlas.sqlite3",
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}

TASKS = {"default": {"BACKEND": compat.DATABASE_BACKEND}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

DJDESK_INSPECTOR = {"POLL_INTERVAL_MS": 2000}

# djdesk's own Sphinx docs, bundled for offline reading by `manage.py djdesk_docs_bundle`.
DJDESK_DOCS = {
    "BUNDLE_DIR": str(VAR_DIR / "docs-bundle"),
    "SOURCE_DIR": str(BASE_DIR.parent / "docs"),
}

# Notebook exports of the sample workspaces, next to the demo's other data.
DJDESK_DATALAB = {"EXPORT_ROOT": str(VAR_DIR / "datalab-exports")}
