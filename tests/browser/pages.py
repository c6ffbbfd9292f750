"""Every djdesk page with real content, and the measures the layout tests and
bench/dashboard.py share: hidden horizontal overflow and axe-core violations."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from telemetry import samples

from djdesk_inspector import scans
from djdesk_inspector.models import Workspace

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
SIZES = ({"width": 1280, "height": 800}, {"width": 1920, "height": 1080})
FLEET = {
    "fleet": ["Depot", "Vehicle", "Driver", "Trip"],
    "routes": ["Region", "Route", "Stop", "Schedule"],
    "billing": ["Account", "Invoice", "LineItem", "Payment"],
}
DOCS_PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Docs</title></head>"
    "<body><main><h1>Offline docs</h1><p>The integration guide.</p></main></body></html>"
)

# An element whose content is wider than its box is fine only when it scrolls with a
# scrollbar that takes room (offsetHeight > clientHeight + borders): not an overlay.
HIDDEN_OVERFLOW_JS = """() => {
  const bad = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
    + (el.dataset.section ? `[${el.dataset.section}]` : '');
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.__________cytoscape_container')) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden' || el.clientWidth === 0) continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    const scrolls = cs.overflowX === 'auto' || cs.overflowX === 'scroll';
    const bar = el.offsetHeight - el.clientHeight - parseFloat(cs.borderTopWidth) - parseFloat(cs.borderBottomWidth);
    if (scrolls && bar > 0) continue;
    bad.push(`${name(el)} ${el.scrollWidth}>${el.clientWidth}`);
  }
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) bad.push(`html ${root.scrollWidth}>${root.clientWidth}`);
  return bad;
}"""

AXE_RUN_JS = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}"""


@dataclass(frozen=True)
class Site:
    workspace: Workspace
    urls: dict[str, str]  # page name -> path


def build(tmp: Path, settings) -> Site:  # type: ignore[no-untyped-def]
    """A named sample project with a real live scan, and a small docs bundle."""
    root = samples.write_demo_project(tmp / "fleet", name="fleetops", models=FLEET)
    workspace = Workspace.objects.create(
        name="Fleet Ops",
        project_path=str(root),
        settings_module="fleetops.settings",
        interpreter_path=sys.executable,
        trusted=True,
        trusted_by="you",
        trusted_at=timezone.now(),
    )
    scan = scans.request_scan(workspace, "live")  # ImmediateBackend: done on return
    scan.refresh_from_db()
    if scan.status != "succeeded":
        raise RuntimeError(f"the sample's live scan {scan.status}: {scan.error}")
    bundle = tmp / "docs-bundle"
    bundle.mkdir()
    (bundle / "index.html").write_text(DOCS_PAGE, encoding="utf-8")
    settings.DJDESK_DOCS = {"BUNDLE_DIR": str(bundle)}
    return Site(
        workspace,
        {
            "dashboard": f"/djdesk/w/{workspace.slug}/",
            "wizard": "/djdesk/workspaces/new/",
            "runs": "/djdesk/runs/",
            "datalab": f"/djdesk/datalab/{workspace.slug}/",
            "docs": "/djdesk/docs/",
        },
    )


def settle(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page's scripts have drawn what they draw."""
    page.wait_for_load_state("networkidle")
    if name == "dashboard":
        page.locator('[data-testid="schema-canvas"][data-nodes]').wait_for()


def hidden_overflow(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate(HIDDEN_OVERFLOW_JS)


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    # evaluate() runs through the DevTools protocol, outside the page's CSP.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(AXE_RUN_JS)


class _Overrides:
    """``settings``-like object for scripts: attribute writes become override_settings."""

    def __setattr__(self, name: str, value: object) -> None:
        from django.test import override_settings

        override_settings(**{name: value}).enable()


@contextlib.contextmanager
def live_site(tmp: Path) -> Iterator[tuple[str, Site, object]]:
    """For scripts (bench/dashboard.py, docs/screenshots.py), what the browser tests
    get from their fixtures: a migrated database, the sample site, a live server and
    Chromium with a signed-in context. Yields ``(base_url, site, context)``."""
    import shutil

    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.test import Client
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM_ARGS
    from tests.permissions import permitted_user

    call_command("migrate", verbosity=0)
    call_command("djdesk_presets_sync", verbosity=0)
    site = build(tmp, _Overrides())
    user = permitted_user("djdesk-screens")
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    base = f"http://127.0.0.1:{server.port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"),
                args=CHROMIUM_ARGS,
                ignore_default_args=["--hide-scrollbars"],
            )
            context = browser.new_context(viewport=SIZES[0])
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": base, "httpOnly": True}]
            )
            yield base, site, context
            browser.close()
    finally:
        server.terminate()
