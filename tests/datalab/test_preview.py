"""Previews: nbconvert's HTMLExporter when installed, else escaped text with a note."""

from __future__ import annotations

import html
import json

import pytest
from nbformat import v4

from djdesk_inspector.datalab import preview

pytestmark = pytest.mark.django_db

HOSTILE_HTML = '<b id="x">bold</b><script>alert(1)</script><img src=x onerror="alert(2)">'


def hostile_notebook():
    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell("# Title <script>alert(3)</script>"),
            v4.new_code_cell(
                "show()",
                outputs=[
                    v4.new_output(
                        "display_data", data={"text/html": HOSTILE_HTML, "text/plain": "plain twin"}
                    ),
                    v4.new_output("display_data", data={"application/javascript": "alert(4)"}),
                    v4.new_output("stream", name="stdout", text="<i>printed</i>"),
                    v4.new_output(
                        "error",
                        ename="ValueError",
                        evalue="bad",
                        traceback=["\x1b[31mValueError\x1b[0m: bad"],
                    ),
                ],
            ),
        ]
    )


def test_nbconvert_renders_without_any_script_loader(fleet, client):
    if not preview.nbconvert_available():
        pytest.skip("nbconvert is not installed")
    page = preview.render_notebook(hostile_notebook(), "t")
    assert "jp-Notebook" in page
    assert "require.min.js" not in page and "mathjax" not in page.lower()
    assert "alert(4)" not in page  # JavaScript outputs are dropped
    assert "cdnjs" not in page


def test_the_plain_view_escapes_everything_and_says_why(monkeypatch):
    monkeypatch.setattr(preview, "nbconvert_available", lambda: False)
    page = preview.render_notebook(hostile_notebook(), "<title>")
    assert html.escape(preview.FALLBACK_NOTE) in page
    lowered = page.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<b " not in lowered
    assert "&lt;script&gt;alert(3)" in page  # markdown shown as source, not rendered
    assert "plain twin" in page and "bold" not in page  # HTML outputs: their text twin only
    assert "&lt;i&gt;printed&lt;/i&gt;" in page
    assert "ValueError: bad" in page and "\x1b" not in page
    assert "&lt;title&gt;" in page


def test_the_api_serves_the_plain_view_when_nbconvert_is_missing(
    committed, client, fleet, monkeypatch
):
    monkeypatch.setattr(preview, "nbconvert_available", lambda: False)
    with committed():
        created = client.post(
            f"/djdesk/api/workspaces/{fleet.slug}/exports/",
            json.dumps({"template": "migrations-review"}),
            content_type="application/json",
        ).json()
    created = client.get(created["urls"]["self"]).json()  # as it stands once committed
    response = client.get(created["urls"]["preview"])
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == preview.POLICY
    page = response.content.decode()
    assert 'class="note"' in page and "Migrations review" in page


def test_renders_are_cached_per_file_version(tmp_path, monkeypatch):
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(v4.new_notebook(cells=[v4.new_markdown_cell("one")])))
    calls = []
    real = preview.render_notebook
    monkeypatch.setattr(
        preview, "render_notebook", lambda nb, title: calls.append(1) or real(nb, title)
    )
    first = preview.render(path, "n")
    assert preview.render(path, "n") is first
    assert len(calls) == 1
    path.write_text(json.dumps(v4.new_notebook(cells=[v4.new_markdown_cell("two, longer")])))
    assert "two, longer" in preview.render(path, "n")
    assert len(calls) == 2
