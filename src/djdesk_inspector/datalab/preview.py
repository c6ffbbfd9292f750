"""HTML previews of exported notebooks, safe to show inside the app.

nbconvert's ``HTMLExporter`` renders the preview when the ``datalab`` extra is
installed; without it, cells are shown as escaped text with a note saying how to get
the rendered view. Either way the page is served with :data:`POLICY` and shown in an
``<iframe sandbox="">``: notebook outputs are HTML written by code, so no script may
run and nothing may load from anywhere (images only as ``data:`` URIs). nbconvert's
output styles itself inline, which the policy allows.

Exports never change once published, so a rendered page is cached by file identity.
"""

from __future__ import annotations

import functools
import html
import re
import threading
from collections import OrderedDict
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import nbformat

POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
TEMPLATE_DIR = Path(__file__).resolve().parent / "preview_template"
TEMPLATE_FILE = "djdesk_preview.html.j2"
FALLBACK_NOTE = (
    "nbconvert is not installed, so this is a plain view of the notebook's cells. "
    "For the rendered preview: pip install 'djdesk-inspector[datalab]'"
)
CACHE_SIZE = 16
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

_cache: OrderedDict[tuple[str, int, int], str] = OrderedDict()
_lock = threading.Lock()

FALLBACK_STYLE = """
body { font: 14px/1.5 system-ui, sans-serif; margin: 1.5rem; color: #1f2328; }
.note { background: #fff8c5; border: 1px solid #d4a72c; padding: .5rem .75rem; }
.cell { margin: 1rem 0; }
pre { white-space: pre-wrap; margin: 0; padding: .5rem; border-radius: 4px; }
.markdown pre { background: #f6f8fa; }
.code pre.source { background: #eef2ff; }
.code pre.output { border-left: 3px solid #8c959f; }
.code pre.error { border-left: 3px solid #cf222e; }
"""


def nbconvert_available() -> bool:
    return find_spec("nbconvert") is not None


@functools.lru_cache(maxsize=1)
def _exporter() -> Any:
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(TEMPLATE_DIR)],
        template_file=TEMPLATE_FILE,
        exclude_anchor_links=True,
    )


def render_notebook(notebook: nbformat.NotebookNode, title: str) -> str:
    """The preview page of ``notebook`` (nbconvert when available, else plain)."""
    if not nbconvert_available():
        return plain(notebook, title)
    with _lock:  # the exporter registers filters per call: one render at a time
        body, _ = _exporter().from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return str(body)


def render(path: Path, title: str) -> str:
    """The preview page of the notebook file at ``path``, cached while the file is unchanged."""
    info = path.stat()
    key = (str(path), info.st_mtime_ns, info.st_size)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    page = render_notebook(nbformat.read(path, as_version=4), title)
    with _lock:
        _cache[key] = page
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return page


def _output_text(output: dict[str, Any]) -> tuple[str, str]:
    """(css class, text) of one output, text only: no markup from outputs is kept."""
    kind = output.get("output_type")
    if kind == "stream":
        return "output", str(output.get("text", ""))
    if kind == "error":
        trace = "\n".join(output.get("traceback") or [])
        return "error", _ANSI.sub("", trace) or f"{output.get('ename')}: {output.get('evalue')}"
    data = output.get("data") or {}
    if "text/plain" in data:
        text = data["text/plain"]
        return "output", "".join(text) if isinstance(text, list) else str(text)
    return "output", f"[{', '.join(sorted(data)) or 'empty'} output]"


def plain(notebook: nbformat.NotebookNode, title: str) -> str:
    """Every cell as escaped text; no markdown rendering, no output markup."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{FALLBACK_STYLE}</style></head><body>",
        f'<p class="note" role="note">{html.escape(FALLBACK_NOTE)}</p>',
    ]
    for cell in notebook.cells:
        source = html.escape(str(cell.get("source", "")))
        if cell.cell_type == "code":
            parts.append(f'<section class="cell code"><pre class="source">{source}</pre>')
            for output in cell.get("outputs") or []:
                css, text = _output_text(output)
                parts.append(f'<pre class="{css}">{html.escape(text)}</pre>')
            parts.append("</section>")
        else:
            parts.append(f'<section class="cell markdown"><pre>{source}</pre></section>')
    parts.append("</body></html>")
    return "\n".join(parts)
