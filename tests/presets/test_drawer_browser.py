"""The drawer in Chromium: run presets against a real project and watch the live log."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.db import connection

from djdesk_inspector.kernel import compat
from djdesk_inspector.presets import runner
from djdesk_inspector.presets.models import RunStatus, TaskRun
from tests.presets.workers import db_workers

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NATIVE_STUB = (
    "window.__notes = []; window.djdeskNative = { notify: (n) => window.__notes.push(n) };"
)


def open_drawer(page, live_server, target: str) -> None:
    page.add_init_script(NATIVE_STUB)
    page.goto(f"{live_server.url}/djdesk/runs/?target={target}")
    page.get_by_test_id("preset-check").wait_for()


def test_live_log_from_the_database_worker(
    live_server, page, workspace, make_preset, settings, tmp_path
):
    make_preset("chatty", "chatty", fixed_args=["--count=40", "--delay=0.1"], category="Demo")
    settings.TASKS = {"default": {"BACKEND": compat.DATABASE_BACKEND}}
    with db_workers(connection.settings_dict["NAME"], settings.DJDESK_PRESETS, log_dir=tmp_path):
        open_drawer(page, live_server, "workspace:shop")
        page.get_by_test_id("preset-chatty").click()
        page.get_by_test_id("run-preset").click()
        log = page.get_by_test_id("run-log")
        log.get_by_text("line 3", exact=True).wait_for(timeout=20_000)
        # Seen while the command is still printing: the log is live, not replayed.
        assert TaskRun.objects.get().status == RunStatus.RUNNING
        assert page.get_by_test_id("run-cancel").is_visible()
        page.get_by_test_id("run-status").filter(has_text="succeeded").wait_for(timeout=30_000)
        assert "line 40" in log.inner_text()
        assert "[exit code 0 after" in log.inner_text()
    page.wait_for_function("window.__notes.length > 0")
    note = page.evaluate("window.__notes[0]")
    assert note["title"] == "Chatty: succeeded"
    page.locator("[data-role=history] li").first.wait_for()
    assert "Chatty" in page.get_by_test_id("run-history").inner_text()
    assert page.js_errors == []


def test_typed_arguments_and_cancel_from_the_drawer(
    live_server, page, workspace, make_preset, settings, tmp_path
):
    make_preset("chatty", "chatty", fixed_args=["--count=100000", "--delay=0.05"], category="Demo")
    settings.TASKS = {"default": {"BACKEND": compat.DATABASE_BACKEND}}
    with db_workers(connection.settings_dict["NAME"], settings.DJDESK_PRESETS, log_dir=tmp_path):
        open_drawer(page, live_server, "workspace:shop")
        page.get_by_test_id("preset-sqlmigrate").click()
        page.get_by_label("App *").select_option("shop")
        page.get_by_label("Migration *").select_option("0002_product_price")
        page.get_by_test_id("run-preset").click()
        page.get_by_test_id("run-log").get_by_text("COMMIT;").wait_for(timeout=20_000)
        page.get_by_test_id("run-status").filter(has_text="succeeded").wait_for(timeout=20_000)
        assert "ALTER TABLE" in page.get_by_test_id("run-log").inner_text()

        page.get_by_test_id("preset-chatty").click()
        page.get_by_test_id("run-preset").click()
        page.get_by_test_id("run-log").get_by_text("line 5", exact=True).wait_for(timeout=20_000)
        page.get_by_test_id("run-cancel").click()
        page.get_by_test_id("run-status").filter(has_text="cancelled").wait_for(timeout=20_000)
    assert TaskRun.objects.get(preset_key="chatty").status == RunStatus.CANCELLED
    assert page.js_errors == []


def test_bad_arguments_and_confirmation_in_the_drawer(live_server, page, workspace, settings, shop):
    env = runner.child_env("shopproj.settings")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=shop, env=env, check=True, timeout=60
    )
    settings.DJDESK_PRESETS = settings.DJDESK_PRESETS | {
        "ALLOWLIST": [*settings.DJDESK_PRESETS["ALLOWLIST"], "dumpdata"]
    }
    open_drawer(page, live_server, "workspace:shop")
    page.get_by_test_id("preset-sqlmigrate").click()
    page.get_by_test_id("run-preset").click()
    page.locator("[data-error-for=app_label]").filter(has_text="required").wait_for()
    assert not TaskRun.objects.exists()
    page.get_by_test_id("preset-dumpdata").click()
    page.get_by_label("Indent").fill("99")
    page.get_by_test_id("run-preset").click()
    page.get_by_test_id("run-confirm").wait_for()
    page.get_by_test_id("run-confirm-yes").click()
    page.locator("[data-error-for=indent]").filter(has_text="at most 8").wait_for()
    assert not TaskRun.objects.exists()
    page.get_by_label("Indent").fill("2")
    page.get_by_test_id("run-preset").click()
    page.get_by_test_id("run-confirm-yes").click()
    page.get_by_test_id("run-status").filter(has_text="succeeded").wait_for(timeout=20_000)
    assert TaskRun.objects.get().argv == ["dumpdata", "--indent=2"]
    # The two refused requests are logged by Chromium; nothing else went wrong.
    assert [e for e in page.js_errors if "status of 400" not in e] == []
