"""System checks for the docs app: misconfiguration surfaces here, with a stable id.

Ids:
  E001  DJDESK_DOCS is not a dict
  E002  a DJDESK_DOCS value has the wrong type
  E003  BUILD_TIMEOUT is not positive
  E004  BUNDLE_DIR, or SOURCE_DIR when set, is not an absolute path
  W001  DJDESK_DOCS has an unknown key (a typo?)
  E010  ONLINE_BASE_URL is not an absolute http(s) URL
  W010  the bundle folder has no index.html (docs not built yet)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core import checks

from djdesk_inspector.docs import conf, serving
from djdesk_inspector.kernel import checks as kernel_checks
from djdesk_inspector.kernel.checks import not_absolute, settings_checks

APP = "djdesk_docs"
# Tag of the settings checks, so ``djdesk_docs_bundle`` can run them without W010
# telling the user to run the very command they are running.
SETTINGS_TAG = "djdesk_docs_settings"


def _url_ok(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    messages = settings_checks(APP, conf.DocsSettings, conf.SETTING, positive=("BUILD_TIMEOUT",))
    current = conf.get()
    bundle = conf.bundle_dir()
    if not bundle.is_absolute():
        messages.append(
            not_absolute(
                APP,
                f"The docs bundle folder {str(bundle)!r} is not an absolute path.",
                hint=f"Set {conf.SETTING}['BUNDLE_DIR'] to an absolute path.",
            )
        )
    if not _url_ok(current.ONLINE_BASE_URL):
        messages.append(
            checks.Error(
                f"{conf.SETTING}['ONLINE_BASE_URL'] must be an absolute http(s) URL.",
                id=f"{APP}.E010",
            )
        )
    source = conf.source_dir()
    if str(current.SOURCE_DIR) and source is not None and not source.is_absolute():
        messages.append(
            not_absolute(
                APP, f"{conf.SETTING}['SOURCE_DIR'] {str(source)!r} is not an absolute path."
            )
        )
    return messages


def check_bundle(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    bundle = conf.bundle_dir()
    if not bundle.is_absolute() or (bundle / serving.INDEX).is_file():
        return []
    return [
        checks.Warning(
            f"The offline docs are not built yet: {bundle} has no {serving.INDEX}.",
            hint="Run: python manage.py djdesk_docs_bundle",
            id=f"{APP}.W010",
        )
    ]


def register() -> None:
    kernel_checks.register()
    checks.register(check_settings, SETTINGS_TAG)
    checks.register(check_bundle, "djdesk_docs_bundle")
