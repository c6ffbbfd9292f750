"""Assemble the snapshot document (the live probe's shape, ``mode: "static"``)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from .appconfigs import App, resolve_app
from .finder import Finder
from .literals import Unknown, known
from .migrations import read_migrations
from .models import ModelReader
from .resolve import Resolver
from .settings_reader import Settings

# Must equal PROBE_VERSION in probe_script.py (a test checks).
PROBE_VERSION = 1
STATIC_UNKNOWN = ("python", "django", "applied", "missing", "checks", "urls")
_SKIP_DIRS = {".venv", "venv", "env", "node_modules", "__pycache__", "site-packages", "build"}


def _discover_apps(project: Path) -> list[str]:
    """Dotted names of folders that look like apps, for a non-literal INSTALLED_APPS."""
    found: list[str] = []

    def walk(folder: Path, depth: int) -> None:
        for child in sorted(folder.iterdir()):
            if not child.is_dir() or child.name.startswith(".") or child.name in _SKIP_DIRS:
                continue
            looks_like_app = (
                (child / "models.py").is_file()
                or (child / "models" / "__init__.py").is_file()
                or (child / "migrations" / "__init__.py").is_file()
            )
            if looks_like_app:
                found.append(".".join(child.relative_to(project).parts))
            if depth < 3:
                walk(child, depth + 1)

    walk(project, 1)
    return found


def _settings_summary(settings: Settings, installed: list[str] | None) -> dict[str, Any]:
    databases = {}
    raw = settings.get("DATABASES")
    if isinstance(raw, dict):
        for alias, conf in raw.items():
            conf = conf if isinstance(conf, dict) else {}
            databases[str(alias)] = {
                key: known(conf.get(source, default))
                for key, source, default in (("engine", "ENGINE", Unknown()),
                                             ("name", "NAME", Unknown()),
                                             ("host", "HOST", ""), ("port", "PORT", ""))
            }  # fmt: skip
    secret = settings.get("SECRET_KEY", None if "SECRET_KEY" in settings.assigned else "")
    return {
        "DEBUG": known(settings.get("DEBUG", False)),
        "ALLOWED_HOSTS": known(settings.get("ALLOWED_HOSTS", [])),
        "INSTALLED_APPS_COUNT": None if installed is None else len(installed),
        "DATABASES": databases,
        "SECRET_KEY_SET": None if secret is None or isinstance(secret, Unknown) else bool(secret),
        "TIME_ZONE": known(settings.get("TIME_ZONE", Unknown())),
        "USE_TZ": known(settings.get("USE_TZ", Unknown())),
        "LANGUAGE_CODE": known(settings.get("LANGUAGE_CODE", Unknown())),
        "AUTH_USER_MODEL": known(settings.get("AUTH_USER_MODEL", "auth.User")),
        "ROOT_URLCONF": known(settings.get("ROOT_URLCONF", Unknown())),
        "STATIC_URL": known(settings.get("STATIC_URL", Unknown())),
        "MIDDLEWARE": known(settings.get("MIDDLEWARE", Unknown())),
        "DEFAULT_AUTO_FIELD": known(settings.get("DEFAULT_AUTO_FIELD", Unknown())),
    }


def build(project: Path, module: str, search_path: list[str], stdlib: set[str],
          in_target: bool) -> dict[str, Any]:  # fmt: skip
    """The static document. ``search_path`` is the target's ``sys.path`` (empty when no
    interpreter is known: then only the project's own source is read)."""
    started = time.perf_counter()
    finder = Finder(project, search_path, stdlib)
    resolver = Resolver(finder)
    settings = Settings(finder, module)
    errors: list[dict[str, Any]] = []
    if not settings.found:
        errors.append({
            "stage": "settings", "type": "NotFound", "traceback": None,
            "message": f"settings module {module or '?'} is not a file in the project",
        })  # fmt: skip
    raw = settings.get("INSTALLED_APPS", Unknown())
    installed = None
    if isinstance(raw, (list, tuple)) and all(isinstance(a, str) for a in raw):
        installed = list(raw)
    entries = installed if installed is not None else _discover_apps(project)
    apps: list[App] = [resolve_app(finder, resolver, entry) for entry in entries]
    reader = ModelReader(finder, resolver, apps, settings)
    models = reader.describe()
    migrations = read_migrations(finder, apps, reader.user_model or "auth.User")
    migrated = set(migrations["apps"])
    unknown = list(STATIC_UNKNOWN)
    if installed is None:
        unknown.append("installed_apps")
    python: dict[str, str | None] = {"version": None, "executable": None, "implementation": None}
    if in_target:
        python = {"version": ".".join(str(p) for p in sys.version_info[:3]),
                  "executable": sys.executable,
                  "implementation": sys.implementation.name}  # fmt: skip
        unknown.remove("python")
    return {
        "probe_version": PROBE_VERSION,
        "mode": "static",
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "project": str(project),
        "python": python,
        "django": {"version": None},
        "settings_module": module or None,
        "fallback_reason": None,
        "unknown": unknown,
        "apps": [
            {
                "label": app.label,
                "name": app.name,
                "path": str(app.path) if app.path else None,
                "verbose_name": app.verbose_name,
                "has_migrations": (app.label in migrated) if app.path else None,
                "has_models_module": (finder.module_file(f"{app.name}.models") is not None)
                if app.path
                else None,
                "in_project": app.in_project,
                "label_unknown_reason": app.label_reason,
                "installed_unknown_reason": settings.conditional.get(app.entry),
            }
            for app in apps
        ],
        "models": models,
        "migrations": migrations,
        "checks": {"messages": [], "deploy": []},
        "urls": [],
        "settings": _settings_summary(settings, installed),
        "errors": errors + finder.errors,
        "timings": {"static": round(time.perf_counter() - started, 4)},
        "static_reader": {
            "in_target": in_target,
            "files_read": finder.read_files,
            "roots": [str(r) for r in finder.roots],
        },
    }
