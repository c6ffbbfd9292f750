"""The schema ERD in Chromium: readable cards, search, filter, overview, inheritance, export."""

from __future__ import annotations

from pathlib import Path

import pytest
from telemetry import samples

from djdesk_inspector.inspection import schema_graph, static
from djdesk_inspector.models import Snapshot, Workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_FONT_PX = 11
CY = "document.querySelector('[data-testid=schema-canvas]').cy"


def scanned(root, name: str) -> Workspace:
    document = static.scan(root)
    workspace = Workspace.objects.create(name=name, project_path=str(root))
    Snapshot.for_document(workspace, document).save()
    workspace.graph = schema_graph.graph(document)
    return workspace


def open_schema(page, live_server, workspace: Workspace):  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/djdesk/w/{workspace.slug}/")
    canvas = page.locator('[data-testid="schema-canvas"][data-nodes]')
    canvas.wait_for()
    return canvas


def test_fifty_models_are_readable_at_the_default_zoom(live_server, page, tmp_path):
    root = tmp_path / "fifty"
    apps = ["fleet", "crew", "routes", "cargo", "billing"]
    samples.write_project(root, apps=apps, models_per_app=10, migrations_per_app=1)
    workspace = scanned(root, "Fifty")
    canvas = open_schema(page, live_server, workspace)
    # 50 generated models plus the contrib apps' the samples install.
    assert int(canvas.get_attribute("data-nodes")) == len(workspace.graph["nodes"]) >= 50
    smallest = page.evaluate(
        f"() => {{ const cy = {CY}; return Math.min(...cy.nodes('.model').map("
        "n => parseFloat(n.style('font-size')) * cy.zoom())); }"
    )
    assert smallest >= MIN_FONT_PX
    # Cards list fields with markers, grouped in one compound node per app.
    label = page.evaluate(f"() => {CY}.$id('crew.Record01').data('label')")
    assert (
        label.startswith("Record01")
        and "PK id: BigAutoField" in label
        and "FK parent: → crew.Record00" in label
    )
    parents = page.evaluate(f"() => {CY}.nodes('.model').map(n => n.parent().id())")
    assert {f"app:{a}" for a in apps} <= set(parents)

    search = page.get_by_test_id("schema-search")
    search.fill("billing.Record07")
    search.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=schema-canvas]').dataset.focused"
        " === 'billing.Record07'"
    )
    inside = page.evaluate(
        f"() => {{ const cy = {CY}; const p = cy.$id('billing.Record07').renderedPosition();"
        " return cy.$id('billing.Record07').selected() && p.x > 0 && p.y > 0"
        " && p.x < cy.width() && p.y < cy.height(); }"
    )
    assert inside
    assert "billing.Record07" in page.get_by_test_id("schema-detail").inner_text()

    page.get_by_test_id("schema-filter").select_option("crew")
    shown = page.evaluate(f"() => {CY}.nodes('.model').map(n => n.id())")
    assert len(shown) == 10 and all(label.startswith("crew.") for label in shown)
    in_view = page.evaluate(
        f"() => {{ const cy = {CY}; const e = cy.extent(); const b = cy.nodes('.model')"
        ".boundingBox(); return b.x1 >= e.x1 - 1 && b.y1 >= e.y1 - 1; }"
    )
    assert in_view
    assert page.js_errors == []


def test_wheel_zoom_moves_in_real_steps(live_server, page, tmp_path):
    root = tmp_path / "small"
    samples.write_project(root, apps=["fleet"], models_per_app=3, migrations_per_app=1)
    canvas = open_schema(page, live_server, scanned(root, "Small"))
    canvas.scroll_into_view_if_needed()
    before = page.evaluate(f"() => {CY}.zoom()")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(5):
        page.mouse.wheel(0, -100)
    page.wait_for_function(f"(z) => {CY}.zoom() > z * 2", arg=before)
    for _ in range(5):
        page.mouse.wheel(0, 100)
    page.wait_for_function(f"(z) => Math.abs({CY}.zoom() - z) < z * 0.01", arg=before)
    assert page.js_errors == []


def test_inheritance_is_drawn_and_described(live_server, page, tmp_path):
    root = samples.write_inheritance_project(tmp_path / "zoo", composite=False)
    open_schema(page, live_server, scanned(root, "Zoo"))
    kinds = page.evaluate(
        f"() => {CY}.edges('.inherits').map(e => [e.source().id(), e.target().id()])"
    )
    assert ["zoo.Dog", "zoo.Animal"] in kinds
    page.evaluate(f"() => {CY}.$id('zoo.Dog').emit('tap')")
    detail = page.get_by_test_id("schema-detail")
    detail.locator("table").wait_for()
    text = detail.inner_text()
    assert "inherits from zoo.Animal" in text
    assert "undefined" not in text
    assert page.js_errors == []


def test_large_project_starts_from_apps_and_expands(live_server, page, tmp_path):
    root = tmp_path / "large"
    apps = [f"app{i:02d}" for i in range(1, 16)]
    samples.write_project(root, apps=apps, models_per_app=20, migrations_per_app=1)
    workspace = scanned(root, "Large")
    canvas = open_schema(page, live_server, workspace)
    assert len(workspace.graph["nodes"]) >= 300
    assert canvas.get_attribute("data-nodes") == "0"
    app_count = len({n["app"] for n in workspace.graph["nodes"]})
    assert canvas.get_attribute("data-groups") == str(app_count) and app_count >= 15
    page.evaluate(f"() => {CY}.$id('app:app03').emit('tap')")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=schema-canvas]').dataset.nodes === '20'"
    )
    assert all(
        n.startswith("app03.")
        for n in page.evaluate(f"() => {CY}.nodes('.model').map(n => n.id())")
    )
    assert page.js_errors == []


def test_exports_svg_and_png(live_server, page, tmp_path):
    root = tmp_path / "export"
    samples.write_project(root, apps=["fleet", "crew"], models_per_app=2, migrations_per_app=1)
    workspace = scanned(root, "Export")
    open_schema(page, live_server, workspace)
    with page.expect_download() as svg_download:
        page.get_by_test_id("schema-export-svg").click()
    svg = svg_download.value
    assert svg.suggested_filename == f"{workspace.slug}-schema.svg"
    text = Path(svg.path()).read_text(encoding="utf-8")
    assert text.startswith("<svg") and "Record01" in text and "crew" in text
    parsed = page.evaluate(
        "(t) => new DOMParser().parseFromString(t, 'image/svg+xml')"
        ".getElementsByTagName('parsererror').length",
        text,
    )
    assert parsed == 0
    with page.expect_download() as png_download:
        page.get_by_test_id("schema-export-png").click()
    with open(png_download.value.path(), "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    assert page.js_errors == []
