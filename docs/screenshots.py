"""Render the screenshots the docs and README show, from the real app.

Runs what the browser tests run (tests/browser/pages.py): a fresh database, a named
sample project (fleet, routes, billing) live-scanned, a live server and Debian's
Chromium, signed in. Writes 1280x800 PNGs into docs/_static/screenshots/.

    .venv/bin/python docs/screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "_static" / "screenshots"
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "example_project")]
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop lives in this thread.

import django  # noqa: E402

django.setup()

from tests.browser import pages  # noqa: E402


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KiB")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with pages.live_site(Path(tempfile.mkdtemp(prefix="djdesk-screens-"))) as (base, site, ctx):
        page = ctx.new_page()
        page.goto(base + site.urls["dashboard"])
        pages.settle(page, "dashboard")
        shoot(page, "dashboard")

        schema = page.locator('[data-section="schema"]')
        schema.scroll_into_view_if_needed()
        page.get_by_test_id("schema-search").fill("fleet.Trip")
        page.get_by_test_id("schema-search").press("Enter")
        page.wait_for_function(
            "() => document.querySelector('[data-testid=schema-canvas]').dataset.focused"
        )
        page.evaluate("document.querySelector('[data-section=schema]').scrollIntoView()")
        shoot(page, "schema-erd")

        page.evaluate("document.querySelector('[data-section=migrations]').scrollIntoView()")
        shoot(page, "migrations-checks")
        page.evaluate("document.querySelector('[data-section=settings]').scrollIntoView()")
        shoot(page, "settings")
        page.evaluate("document.getElementById('migration-safety').scrollIntoView()")
        shoot(page, "migration-safety")

        page.goto(base + site.urls["runs"])
        pages.settle(page, "runs")
        shoot(page, "task-runs")

        page.goto(base + site.urls["datalab"])
        pages.settle(page, "datalab")
        page.get_by_test_id("export-start").click()
        page.locator(".djl-export").first.wait_for()
        page.wait_for_load_state("networkidle")
        shoot(page, "data-lab")

        # The offline docs (these docs, built with Sphinx), with djdesk's header.
        from django.core.management import CommandError, call_command
        from django.test import override_settings

        bundle = Path(tempfile.mkdtemp(prefix="djdesk-screens-docs-")) / "bundle"
        docs = {"BUNDLE_DIR": str(bundle), "SOURCE_DIR": str(ROOT / "docs")}
        with override_settings(DJDESK_DOCS=docs):
            try:
                call_command("djdesk_docs_bundle", verbosity=0)
            except CommandError as exc:
                print(f"docs screenshot skipped: {exc}")
            else:
                page.goto(base + "/djdesk/docs/quickstart.html")
                page.wait_for_load_state("networkidle")
                shoot(page, "docs")

        page.goto(base + site.urls["wizard"])
        pages.settle(page, "wizard")
        shoot(page, "wizard")


if __name__ == "__main__":
    main()
