"""Shared fixtures: real projects on disk, and a real Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require(condition: bool, reason: str) -> None:
    """Skip locally when a tool is missing, but fail in CI, where it must be installed."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must install it)")
    pytest.skip(reason)


@pytest.fixture
def minimal_project(tmp_path: Path) -> Path:
    """A real, tiny Django project folder: manage.py plus a settings module."""
    project = tmp_path / "mini"
    (project / "mini").mkdir(parents=True)
    (project / "manage.py").write_text(
        "import os, sys\n"
        "def main():\n"
        "    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mini.settings')\n"
        "    from django.core.management import execute_from_command_line\n"
        "    execute_from_command_line(sys.argv)\n"
        "if __name__ == '__main__':\n"
        "    main()\n"
    )
    (project / "mini" / "__init__.py").write_text("")
    (project / "mini" / "settings.py").write_text(
        "SECRET_KEY = 'x'\nINSTALLED_APPS = []\nDATABASES = {}\nROOT_URLCONF = 'mini.urls'\n"
    )
    (project / "mini" / "urls.py").write_text("urlpatterns = []\n")
    return project


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def djdesk_user(db: None):  # type: ignore[no-untyped-def]
    """A plain user (not staff, not superuser) holding every djdesk permission.

    The suite runs with djdesk's default permission callback, so what tests exercise
    is what a project gets: access through Django permissions, nothing else.
    """
    from tests.permissions import permitted_user

    return permitted_user("djdesk-tester")


@pytest.fixture
def client(client, djdesk_user):  # type: ignore[no-untyped-def]
    """pytest-django's client, signed in as :func:`djdesk_user`."""
    client.force_login(djdesk_user)
    return client


@pytest.fixture(scope="session")
def chromium(django_db_setup: None) -> Iterator[object]:
    """One browser for the session, started after the test database exists."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    require(executable is not None, "Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop in this thread; Django then refuses ORM
    # calls from tests unless told the loop is not theirs (Django's documented escape).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        # Playwright hides scrollbars in headless mode; keep them, as a desktop
        # Chromium shows them, so the layout tests see where content scrolls.
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            ignore_default_args=["--hide-scrollbars"],
        )
        yield browser
        browser.close()


def sign_in(context, base_url: str, request: pytest.FixtureRequest) -> None:  # type: ignore[no-untyped-def]
    """Give a browser context the session cookie of :func:`djdesk_user`, as a login would."""
    from django.conf import settings
    from django.test import Client

    signed_in = Client()
    signed_in.force_login(request.getfixturevalue("djdesk_user"))
    cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": base_url, "httpOnly": True}]
    )


@pytest.fixture
def page(chromium, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A fresh browser context per test; a screenshot lands in test-artifacts/ on failure."""
    context = chromium.new_context()
    if "live_server" in request.fixturenames:
        sign_in(context, request.getfixturevalue("live_server").url, request)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" else None,
    )
    page.js_errors = errors
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
