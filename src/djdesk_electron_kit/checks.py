"""System checks for the desktop runtime: misconfiguration surfaces here, with a stable id.

Ids (the convention is in :mod:`djdesk_inspector.kernel.checks`):
  E001  DJDESK_DESKTOP is not a dict
  E002  a DJDESK_DESKTOP value has the wrong type
  E003  a numeric DJDESK_DESKTOP value is not positive
  E004  DATA_DIR, LOG_DIR or STATIC_ROOT is set but not an absolute path
  W001  DJDESK_DESKTOP has an unknown key (a typo?)
  E010  the desktop middleware is missing, or not in front of WhiteNoise and the rest
  W010  no DJDESK_TOKEN: the middleware steps aside (plain runserver, not the launcher)
  W011  the secret key file can be read by other users
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core import checks

from djdesk_electron_kit import conf, runtime, secret_key
from djdesk_electron_kit.desktop_settings import MIDDLEWARE, WHITENOISE_MIDDLEWARE
from djdesk_inspector.kernel import checks as kernel_checks
from djdesk_inspector.kernel.checks import not_absolute, settings_checks

APP = "djdesk_electron_kit"


def desktop_mode() -> bool:
    """True for settings built by the helper, or that list the middleware themselves."""
    return hasattr(settings, "DJDESK_DATA_DIR") or MIDDLEWARE in settings.MIDDLEWARE


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    messages = settings_checks(APP, conf.DesktopSettings, conf.SETTING, positive=conf.POSITIVE)
    current = conf.get()
    for key in conf.PATHS:
        value = getattr(current, key)
        if str(value) and not PurePath(value).is_absolute():
            messages.append(
                not_absolute(
                    APP, f"{conf.SETTING}[{key!r}] {str(value)!r} is not an absolute path."
                )
            )
    return messages


def check_middleware(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if not desktop_mode():
        return []
    stack = list(settings.MIDDLEWARE)
    if MIDDLEWARE not in stack:
        return [
            checks.Error(
                "Desktop settings are active but the token middleware is not installed.",
                hint=f"Put {MIDDLEWARE!r} first in MIDDLEWARE (apply() does this).",
                id=f"{APP}.E010",
            )
        ]
    position = stack.index(MIDDLEWARE)
    if position != 0 or (
        WHITENOISE_MIDDLEWARE in stack and stack.index(WHITENOISE_MIDDLEWARE) < position
    ):
        return [
            checks.Error(
                f"{MIDDLEWARE!r} must come first in MIDDLEWARE, before WhiteNoise: "
                "anything in front of it answers requests without the token.",
                id=f"{APP}.E010",
            )
        ]
    return []


def check_token(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if MIDDLEWARE not in settings.MIDDLEWARE or runtime.expected_token():
        return []
    return [
        checks.Warning(
            "DJDESK_TOKEN is not set, so the desktop middleware lets every request "
            "through (fine for runserver during development, never for a release).",
            hint="Run the app with `manage.py djdesk_serve` or the launcher instead.",
            id=f"{APP}.W010",
        )
    ]


def check_secret_key_file(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    data_dir = getattr(settings, "DJDESK_DATA_DIR", None)
    if data_dir is None or not secret_key.too_open(Path(data_dir)):
        return []
    path = secret_key.key_path(Path(data_dir))
    return [
        checks.Warning(
            f"{path} can be read by other users.",
            hint=f"chmod 600 {path}",
            id=f"{APP}.W011",
        )
    ]


def register() -> None:
    kernel_checks.register()
    checks.register(check_settings)
    checks.register(check_middleware)
    checks.register(check_token)
    checks.register(check_secret_key_file)
