"""The desktop settings helper, on namespaces like a settings module's globals()."""

from __future__ import annotations

import stat
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from djdesk_electron_kit import desktop_settings, dirs, secret_key
from djdesk_electron_kit.conf import DesktopSettings
from djdesk_electron_kit.desktop_settings import MIDDLEWARE, WHITENOISE_MIDDLEWARE, apply
from djdesk_inspector.kernel import compat

BASE: dict[str, Any] = {
    "__name__": "shop.settings_desktop",
    "DEBUG": True,
    "SECRET_KEY": "insecure",
    "ALLOWED_HOSTS": ["*"],
    "INSTALLED_APPS": ["django.contrib.contenttypes", "shop"],
    "MIDDLEWARE": [
        "django.middleware.security.SecurityMiddleware",
        WHITENOISE_MIDDLEWARE,
        "django.middleware.csrf.CsrfViewMiddleware",
    ],
    "DATABASES": {"default": {"ENGINE": "x"}, "archive": {"ENGINE": "y"}},
    "TASKS": {"slow": {"BACKEND": "somewhere.Else"}},
}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "data"
    monkeypatch.setenv("DJDESK_DATA_DIR", str(target))
    monkeypatch.delenv("DJDESK_LOG_DIR", raising=False)
    return target


def applied(**extra: Any) -> dict[str, Any]:
    namespace = {**BASE, **extra}
    apply(namespace)
    return namespace


def test_apply_sets_desktop_mode(data_dir: Path) -> None:
    ns = applied()
    assert ns["DEBUG"] is False
    assert ns["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert ns["SECRET_KEY"] == (data_dir / "secret_key").read_text()
    assert ns["DJDESK_DATA_DIR"] == data_dir
    assert ns["DJDESK_LOG_DIR"] == data_dir / "logs"
    assert (data_dir / "logs").is_dir()


def test_sqlite_in_the_data_dir_with_wal_busy_timeout_and_immediate(data_dir: Path) -> None:
    ns = applied(DJDESK_DESKTOP={"BUSY_TIMEOUT": 7})
    default = ns["DATABASES"]["default"]
    assert default["ENGINE"] == "django.db.backends.sqlite3"
    assert default["NAME"] == data_dir / "db.sqlite3"
    assert default["OPTIONS"]["timeout"] == 7
    assert default["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL" in default["OPTIONS"]["init_command"]
    assert ns["DATABASES"]["archive"] == {"ENGINE": "y"}


def test_token_middleware_first_then_whitenoise_then_the_rest(data_dir: Path) -> None:
    ns = applied()
    assert ns["MIDDLEWARE"] == [
        MIDDLEWARE,
        WHITENOISE_MIDDLEWARE,
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
    ]


def test_static_files_tasks_apps_and_logging(data_dir: Path) -> None:
    ns = applied()
    assert ns["STORAGES"]["staticfiles"]["BACKEND"].startswith("whitenoise.storage.")
    assert ns["STATIC_ROOT"] == data_dir / "static"
    assert ns["WHITENOISE_USE_FINDERS"] is True  # not a bundle: nothing collected
    assert ns["TASKS"]["default"] == {"BACKEND": compat.DATABASE_BACKEND}
    assert ns["TASKS"]["slow"] == {"BACKEND": "somewhere.Else"}
    assert ns["INSTALLED_APPS"][:2] == ["django.contrib.contenttypes", "shop"]
    assert {"django_tasks_db", "djdesk_electron_kit"} <= set(ns["INSTALLED_APPS"])
    handler = ns["LOGGING"]["handlers"]["file"]
    assert handler["class"] == "logging.handlers.RotatingFileHandler"
    assert handler["filename"] == str(data_dir / "logs" / "server.log")
    assert ns["LOGGING"]["handlers"]["stderr"]["stream"] == "ext://sys.stderr"


def test_the_worker_logs_to_its_own_file(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJDESK_ROLE", "worker")
    handler = applied()["LOGGING"]["handlers"]["file"]
    assert handler["filename"] == str(data_dir / "logs" / "worker.log")


def test_a_bundle_serves_its_collected_static(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "django-bundle"
    (bundle / "static").mkdir(parents=True)
    (bundle / "manifest.json").write_text("{}")
    settings_file = bundle / "app" / "shop" / "settings_desktop.py"
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("")
    monkeypatch.setenv("DJDESK_DATA_DIR", str(tmp_path / "data"))
    ns = applied(__file__=str(settings_file))
    assert ns["STATIC_ROOT"] == (bundle / "static").resolve()
    assert ns["WHITENOISE_USE_FINDERS"] is False
    assert not (bundle / "app" / "var").exists()
    assert sorted(p.name for p in bundle.iterdir()) == ["app", "manifest.json", "static"]


def test_data_dir_precedence(tmp_path: Path) -> None:
    options = DesktopSettings(DATA_DIR=str(tmp_path / "configured"), APP_NAME="Shop")
    from_env = dirs.resolve(
        options, settings_module="shop.settings", environ={"DJDESK_DATA_DIR": str(tmp_path / "env")}
    )
    assert from_env.data_dir == tmp_path / "env"
    configured = dirs.resolve(options, settings_module="shop.settings", environ={})
    assert configured.data_dir == tmp_path / "configured"
    assert configured.log_dir == tmp_path / "configured" / "logs"
    default = dirs.resolve(DesktopSettings(APP_NAME="Shop"), settings_module="x.y", environ={})
    assert "Shop" in default.data_dir.parts
    assert "Shop" in default.log_dir.parts
    by_module = dirs.resolve(DesktopSettings(), settings_module="shop.settings", environ={})
    assert "shop" in by_module.data_dir.parts


def test_invalid_options_fall_back_to_defaults(data_dir: Path) -> None:
    ns = applied(DJDESK_DESKTOP={"BUSY_TIMEOUT": "soon", "DATABASE_NAME": 3})
    assert ns["DATABASES"]["default"]["OPTIONS"]["timeout"] == 20.0
    assert ns["DATABASES"]["default"]["NAME"] == data_dir / "db.sqlite3"


def test_desktop_settings_returns_a_dict_without_touching_the_namespace(data_dir: Path) -> None:
    namespace = dict(BASE)
    values = desktop_settings.desktop_settings(namespace)
    assert namespace == BASE
    assert values["DEBUG"] is False


def test_secret_key_is_generated_once_private_and_reused(tmp_path: Path) -> None:
    first = secret_key.load_or_create(tmp_path)
    assert len(first) >= 50
    assert secret_key.load_or_create(tmp_path) == first
    if sys.platform != "win32":
        mode = stat.S_IMODE(secret_key.key_path(tmp_path).stat().st_mode)
        assert mode == 0o600
        assert not secret_key.too_open(tmp_path)
        secret_key.key_path(tmp_path).chmod(0o644)
        assert secret_key.too_open(tmp_path)


def test_racing_processes_agree_on_one_key(tmp_path: Path) -> None:
    keys: list[str] = []
    threads = [
        threading.Thread(target=lambda: keys.append(secret_key.load_or_create(tmp_path)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_docs_and_exports_never_point_inside_the_app(data_dir: Path) -> None:
    ns = applied(DJDESK_DATALAB={"EXECUTE": False})
    assert ns["DJDESK_DOCS"]["BUNDLE_DIR"] == str(data_dir.resolve() / "docs-bundle")
    assert ns["DJDESK_DATALAB"] == {
        "EXECUTE": False,
        "EXPORT_ROOT": str(data_dir.resolve() / "datalab-exports"),
    }


def test_a_bundle_with_docs_serves_its_shipped_docs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "django-bundle"
    (bundle / "docs").mkdir(parents=True)
    (bundle / "docs" / "index.html").write_text("<html></html>")
    (bundle / "manifest.json").write_text("{}")
    settings_file = bundle / "app" / "shop" / "settings_desktop.py"
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("")
    monkeypatch.setenv("DJDESK_DATA_DIR", str(tmp_path / "data"))
    ns = applied(__file__=str(settings_file), DJDESK_DOCS={"BUNDLE_DIR": "/elsewhere"})
    assert ns["DJDESK_DOCS"]["BUNDLE_DIR"] == str((bundle / "docs").resolve())
