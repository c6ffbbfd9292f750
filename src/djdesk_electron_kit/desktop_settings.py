"""Desktop-mode settings for a host project, applied on top of its own settings.

A project adds one module next to its settings::

    # myproject/settings_desktop.py
    from myproject.settings import *  # noqa: F403
    from djdesk_electron_kit.desktop_settings import apply

    DJDESK_DESKTOP = {"APP_NAME": "My App"}   # optional, see conf.DesktopSettings
    apply(globals())

:func:`apply` overrides what must differ on a desktop (DEBUG off, local hosts only, a
per-install secret key, SQLite in the data dir with WAL / busy timeout / IMMEDIATE
transactions, the token middleware in front of WhiteNoise, a rotating log file, the
django-tasks-db backend) and leaves everything else alone. It also sets two outputs,
``DJDESK_DATA_DIR`` and ``DJDESK_LOG_DIR``, that the launcher and the worker read.
:func:`desktop_settings` returns the same values as a dict for projects that prefer
to merge them themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from djdesk_electron_kit import conf, dirs, runtime, secret_key
from djdesk_electron_kit.dirs import DesktopPaths

MIDDLEWARE = "djdesk_electron_kit.middleware.DesktopMiddleware"
WHITENOISE_MIDDLEWARE = "whitenoise.middleware.WhiteNoiseMiddleware"
# Compressed but not hashed: needs no manifest, so an un-collected dev tree still works.
WHITENOISE_STORAGE = "whitenoise.storage.CompressedStaticFilesStorage"
SQLITE_PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"
LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"


def paths(namespace: Mapping[str, Any]) -> DesktopPaths:
    """The folders for a settings module (``__name__``/``__file__`` are enough)."""
    options = conf.from_mapping(namespace)
    module = str(namespace.get("__name__", ""))
    project = dirs.project_dir(namespace.get("__file__"), module, namespace.get("BASE_DIR"))
    return dirs.resolve(options, settings_module=module, project=project)


def _database(options: conf.DesktopSettings, found: DesktopPaths) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": found.data_dir / options.DATABASE_NAME,
        "OPTIONS": {
            "timeout": options.BUSY_TIMEOUT,
            "transaction_mode": "IMMEDIATE",
            "init_command": SQLITE_PRAGMAS,
        },
    }


def _middleware(existing: list[str] | tuple[str, ...]) -> list[str]:
    rest = [name for name in existing if name not in (MIDDLEWARE, WHITENOISE_MIDDLEWARE)]
    return [MIDDLEWARE, WHITENOISE_MIDDLEWARE, *rest]


def _installed_apps(existing: list[str] | tuple[str, ...]) -> list[str]:
    from djdesk_inspector.kernel import compat

    wanted = [
        "django.contrib.staticfiles",
        *([compat.TASKS_APP] if compat.TASKS_APP else []),
        "django_tasks_db",
        "djdesk_electron_kit",
    ]
    return [*existing, *(app for app in wanted if app not in existing)]


def _logging(options: conf.DesktopSettings, found: DesktopPaths) -> dict[str, Any]:
    log_file = found.log_dir / f"{runtime.process_role()}.log"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": {"format": LOG_FORMAT}},
        "handlers": {
            "file": {
                "class": "logging.handlers.RotatingFileHandler",
                "filename": str(log_file),
                "maxBytes": options.LOG_MAX_BYTES,
                "backupCount": options.LOG_BACKUPS,
                "encoding": "utf-8",
                "delay": True,
                "formatter": "line",
            },
            # stdout carries only the READY line: everything else goes to stderr.
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "level": "ERROR",
                "formatter": "line",
            },
        },
        "root": {"handlers": ["file", "stderr"], "level": options.LOG_LEVEL},
        # Replace Django's defaults (console only under DEBUG, mail_admins otherwise).
        "loggers": {"django": {"handlers": [], "level": options.LOG_LEVEL, "propagate": True}},
    }


def _sibling_app_settings(namespace: Mapping[str, Any], found: DesktopPaths) -> dict[str, Any]:
    """Point the docs and data-lab apps at the data dir (or the bundle's docs), never
    at folders inside the installed app, which may be read-only."""
    project = dirs.project_dir(
        namespace.get("__file__"), str(namespace.get("__name__", "")), namespace.get("BASE_DIR")
    )
    docs = dict(namespace.get("DJDESK_DOCS") or {})
    shipped = dirs.bundled_docs(project)
    if shipped is not None:
        docs["BUNDLE_DIR"] = str(shipped)
    else:
        docs.setdefault("BUNDLE_DIR", str(found.data_dir / "docs-bundle"))
    datalab = dict(namespace.get("DJDESK_DATALAB") or {})
    datalab.setdefault("EXPORT_ROOT", str(found.data_dir / "datalab-exports"))
    return {"DJDESK_DOCS": docs, "DJDESK_DATALAB": datalab}


def desktop_settings(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Every setting :func:`apply` would set, computed from the module's namespace."""
    from djdesk_inspector.kernel import compat

    options = conf.from_mapping(namespace)
    found = paths(namespace)
    dirs.ensure(found)
    databases = dict(namespace.get("DATABASES") or {})
    databases["default"] = _database(options, found)
    tasks = dict(namespace.get("TASKS") or {})
    tasks["default"] = {"BACKEND": compat.DATABASE_BACKEND}
    storages = dict(namespace.get("STORAGES") or {})
    storages.setdefault("default", {"BACKEND": "django.core.files.storage.FileSystemStorage"})
    storages["staticfiles"] = {"BACKEND": WHITENOISE_STORAGE}
    return {
        "DEBUG": False,
        "ALLOWED_HOSTS": list(runtime.LOCAL_NAMES),
        "SECRET_KEY": secret_key.load_or_create(found.data_dir),
        "DATABASES": databases,
        "INSTALLED_APPS": _installed_apps(namespace.get("INSTALLED_APPS", [])),
        "MIDDLEWARE": _middleware(namespace.get("MIDDLEWARE", [])),
        "STORAGES": storages,
        "STATIC_URL": namespace.get("STATIC_URL") or "/static/",
        "STATIC_ROOT": found.static_root,
        "WHITENOISE_USE_FINDERS": not found.static_collected,
        "WHITENOISE_AUTOREFRESH": False,
        "MEDIA_ROOT": found.data_dir / "media",
        "TASKS": tasks,
        "LOGGING": _logging(options, found),
        "CSRF_COOKIE_SAMESITE": "Strict",
        "SESSION_COOKIE_SAMESITE": "Strict",
        "SESSION_COOKIE_HTTPONLY": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "DJDESK_DATA_DIR": found.data_dir,
        "DJDESK_LOG_DIR": found.log_dir,
        **_sibling_app_settings(namespace, found),
    }


def apply(namespace: MutableMapping[str, Any]) -> None:
    """Turn the calling settings module into desktop settings: ``apply(globals())``."""
    namespace.update(desktop_settings(namespace))
