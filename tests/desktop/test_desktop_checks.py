"""System checks of the desktop runtime, with their stable ids."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from djdesk_electron_kit import checks, runtime
from djdesk_electron_kit.desktop_settings import MIDDLEWARE, WHITENOISE_MIDDLEWARE
from tests.desktop.launching import PROJECT, launch_env


def ids(messages: list) -> list[str]:
    return sorted(message.id for message in messages)


@pytest.fixture(autouse=True)
def _no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DJDESK_TOKEN", raising=False)
    monkeypatch.setattr(runtime, "STATE", runtime.Runtime())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({}, []),
        ([], ["djdesk_electron_kit.E001"]),
        ({"THREADS": "4"}, ["djdesk_electron_kit.E002"]),
        ({"THRAEDS": 4}, ["djdesk_electron_kit.W001"]),
        ({"THREADS": 0}, ["djdesk_electron_kit.E003"]),
        ({"WORKER_BACKOFF_MAX": -1.0}, ["djdesk_electron_kit.E003"]),
        ({"DATA_DIR": "relative/data"}, ["djdesk_electron_kit.E004"]),
        ({"LOG_DIR": str(Path.cwd().resolve())}, []),
    ],
)
def test_settings_problems(settings, value: object, expected: list[str]) -> None:
    settings.DJDESK_DESKTOP = value
    assert ids(checks.check_settings()) == expected


def test_middleware_must_be_installed_in_desktop_mode(settings, tmp_path: Path) -> None:
    settings.DJDESK_DATA_DIR = tmp_path
    assert ids(checks.check_middleware()) == ["djdesk_electron_kit.E010"]
    settings.MIDDLEWARE = [MIDDLEWARE, WHITENOISE_MIDDLEWARE, *settings.MIDDLEWARE]
    assert checks.check_middleware() == []


def test_middleware_must_come_before_whitenoise(settings) -> None:
    settings.MIDDLEWARE = [WHITENOISE_MIDDLEWARE, MIDDLEWARE]
    assert ids(checks.check_middleware()) == ["djdesk_electron_kit.E010"]


def test_not_desktop_settings_means_no_middleware_checks(settings) -> None:
    assert checks.check_middleware() == []
    assert checks.check_token() == []


def test_without_a_token_the_middleware_steps_aside_and_says_so(
    settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]
    assert ids(checks.check_token()) == ["djdesk_electron_kit.W010"]
    monkeypatch.setenv("DJDESK_TOKEN", "t" * 40)
    assert checks.check_token() == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_a_readable_secret_key_file_is_reported(settings, tmp_path: Path) -> None:
    settings.DJDESK_DATA_DIR = tmp_path
    key = tmp_path / "secret_key"
    key.write_text("k")
    key.chmod(0o600)
    assert checks.check_secret_key_file() == []
    key.chmod(0o640)
    assert ids(checks.check_secret_key_file()) == ["djdesk_electron_kit.W011"]


@pytest.mark.slow
def test_checks_are_registered_by_the_app(tmp_path: Path) -> None:
    env = launch_env(None, DJDESK_DATA_DIR=str(tmp_path / "data"))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings", "atlas.settings_desktop"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "djdesk_electron_kit.W010" in result.stdout + result.stderr
    with_token = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings", "atlas.settings_desktop"],
        cwd=PROJECT,
        env={**env, "DJDESK_TOKEN": "t" * 40},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert "djdesk_electron_kit" not in with_token.stdout + with_token.stderr
    assert os.path.exists(tmp_path / "data" / "secret_key")
