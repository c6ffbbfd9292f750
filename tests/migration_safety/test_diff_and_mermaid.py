"""Schema history on real scans of a project changed in between, and the Mermaid export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from djdesk_inspector.inspection import mermaid, schema_diff
from djdesk_inspector.inspection.engine import inspect_project
from tests.migration_safety.projects import write_lint_project

# Slow: live scans start the project's interpreter.
pytestmark = pytest.mark.slow


def scan(project: Path) -> dict[str, Any]:
    """A live scan in this interpreter (it has Django): the project is ours, trusted."""
    return inspect_project(project, kind="live", trusted=True, interpreter=sys.executable)


@pytest.fixture
def before_after(tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    project = write_lint_project(tmp_path / "p")
    before = scan(project)
    models = project / "shop" / "models.py"
    text = models.read_text()
    text = text.replace(
        "    sku = models.CharField(max_length=10)\n",
        "    sku = models.CharField(max_length=20, unique=True)\n"
        "    vendor = models.ForeignKey('Vendor', null=True, on_delete=models.SET_NULL)\n",
    )
    text = text.replace("    stock = models.IntegerField(default=0)\n", "")
    text += "\n\nclass Warehouse(models.Model):\n    city = models.CharField(max_length=40)\n"
    models.write_text(text)
    return before, scan(project)


def test_diff_lists_added_removed_and_changed(before_after: tuple[dict[str, Any], ...]) -> None:
    before, after = before_after
    result = schema_diff.diff(before, after)
    assert [m["label"] for m in result["models"]["added"]] == ["shop.Warehouse"]
    changed = {m["label"]: m for m in result["models"]["changed"]}
    product = changed["shop.Product"]
    assert [f["name"] for f in product["fields_added"]] == ["vendor"]
    assert [f["name"] for f in product["fields_removed"]] == ["stock"]
    sku = next(f for f in product["fields_changed"] if f["name"] == "sku")
    assert sku["changes"]["unique"] == [False, True]
    assert result["summary"]["models_added"] == 1
    assert not result["empty"]
    lines = list(schema_diff.text_lines(result))
    assert "+ model shop.Warehouse (2 fields)" in lines


def test_diff_of_a_scan_with_itself_is_empty(before_after: tuple[dict[str, Any], ...]) -> None:
    before, _after = before_after
    result = schema_diff.diff(before, before)
    assert result["empty"]
    assert list(schema_diff.text_lines(result)) == ["No schema changes."]


def test_mermaid_er_diagram(before_after: tuple[dict[str, Any], ...]) -> None:
    _before, after = before_after
    text = mermaid.render(after)
    lines = text.splitlines()
    assert lines[0] == "erDiagram"
    assert "    shop__Product {" in lines
    assert any(line.strip().startswith("BigAutoField id PK") for line in lines)
    assert any("shop__Product }o--|| shop__Vendor" in line for line in lines)
    only = mermaid.render(after, apps=["nope"])
    assert only == "erDiagram\n"
