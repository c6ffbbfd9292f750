"""The dashboard shows what a scan could not read as "unknown (reason)", and trust."""

from __future__ import annotations

import pytest
from telemetry import samples

from djdesk_inspector.inspection import engine
from djdesk_inspector.models import Snapshot, Workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_untrusted_static_snapshot_says_unknown_with_reasons(live_server, page, tmp_path):
    root = samples.write_twelve_factor_project(
        tmp_path / "p", env={"DJANGO_SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite:///db"}
    )
    workspace = Workspace.objects.create(name="Twelve", project_path=str(root))
    document = engine.inspect_project(root)  # untrusted: static, nothing runs
    Snapshot.for_document(workspace, document).save()
    page.goto(f"{live_server.url}/djdesk/w/{workspace.slug}/")
    checks = page.get_by_test_id("unknown-checks")
    checks.wait_for()
    assert checks.inner_text().startswith("unknown (static scan: system checks need")
    insight = page.locator('[data-key="check_errors"] .value')
    assert insight.inner_text().startswith("unknown (static scan")
    assert "not trusted" in page.get_by_test_id("snapshot-mode").inner_text()
    assert (
        "unknown (static scan: not a literal"
        in page.locator('[data-section="settings"]').inner_text()
    )
    trust = page.get_by_test_id("trust")
    assert "Not trusted" in trust.inner_text()
    page.get_by_test_id("grant-trust").click()
    page.get_by_test_id("revoke-trust").wait_for()
    workspace.refresh_from_db()
    assert workspace.trusted
