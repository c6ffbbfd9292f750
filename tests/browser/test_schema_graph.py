from __future__ import annotations

import pytest
from telemetry import samples

from djdesk_inspector.inspection import schema_graph, static
from djdesk_inspector.models import Snapshot, Workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scanned(tmp_path):
    """A real sample project, really scanned (statically: nothing is executed)."""
    root = tmp_path / "proj"
    samples.write_project(root, apps=["fleet", "crew"], models_per_app=3, migrations_per_app=1)
    document = static.scan(root)
    workspace = Workspace.objects.create(name="Proj", project_path=str(root))
    Snapshot.for_document(workspace, document).save()
    return workspace, document


def test_graph_draws_filters_and_shows_model_fields(live_server, page, scanned):
    workspace, document = scanned
    page.goto(f"{live_server.url}/djdesk/w/{workspace.slug}/")
    canvas = page.locator('[data-testid="schema-canvas"][data-nodes]')
    canvas.wait_for()
    concrete = [m for m in document["models"] if not m.get("auto_created")]
    assert int(canvas.get_attribute("data-nodes")) == len(schema_graph.graph(document)["nodes"])

    page.get_by_test_id("schema-filter").select_option("crew")
    visible = page.evaluate(
        "() => document.querySelector('[data-testid=schema-canvas]').cy"
        ".nodes('.model').map(n => n.id())"
    )
    # Only that app's models: foreign neighbours are left out.
    assert visible and all(label.startswith("crew.") for label in visible)

    model = next(m for m in concrete if m["app_label"] == "crew")
    page.evaluate(
        "(label) => document.querySelector('[data-testid=schema-canvas]').cy.$id(label).emit('tap')",
        model["label"],
    )
    detail = page.get_by_test_id("schema-detail")
    detail.locator("table").wait_for()
    text = detail.inner_text()
    for field in model["fields"]:
        assert field["name"] in text
    assert page.js_errors == []


def test_rescan_button_runs_a_real_scan(live_server, page, minimal_project):
    workspace = Workspace.objects.create(
        name="Mini", project_path=str(minimal_project), trusted=True
    )
    page.goto(f"{live_server.url}/djdesk/w/{workspace.slug}/")
    page.get_by_test_id("rescan").click()
    page.get_by_test_id("snapshot-mode").wait_for()
    assert "live scan" in page.get_by_test_id("snapshot-mode").inner_text()
    assert page.locator(".scan.status-succeeded").count() == 1
