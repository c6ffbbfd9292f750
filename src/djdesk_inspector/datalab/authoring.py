"""Writing notebooks with nbformat's v4 API, the same way for every template.

Every notebook opens with the same two cells: a title with where its data came from,
and a setup cell that loads the JSON data files and defines ``show`` (a table: a
pandas DataFrame when pandas is installed, else escaped HTML) and ``bar_chart``
(matplotlib when installed, else a note). Notebook code uses only the standard
library otherwise, so it runs in any Python 3 kernel.

Text taken from a snapshot (model names, check messages ...) never goes into a
markdown cell raw: :func:`text` escapes it, and :func:`code` puts it in a code span,
so a project cannot inject markup into a preview.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import nbformat
from nbformat import v4

from djdesk_inspector import __version__

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from djdesk_inspector.datalab.registry import Source

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
SETUP_TAG = "djdesk-setup"
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|~-])")

SETUP = '''\
import html
import json
from collections import Counter, defaultdict
from pathlib import Path

try:
    import pandas as pd
except ImportError:
    pd = None
try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
try:
    from IPython.display import HTML, display
except ImportError:
    HTML, display = None, print


def load(name):
    """One of this export's data files (they sit next to the notebook)."""
    return json.loads(Path(name).read_text(encoding="utf-8"))


def show(rows, columns, limit=40):
    """A table of at most ``limit`` rows: pandas when installed, else escaped HTML."""
    rows = [list(row) for row in rows]
    if not rows:
        print("(none)")
        return
    shown = rows[:limit]
    if pd is not None:
        display(pd.DataFrame(shown, columns=columns))
    elif HTML is not None:
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
            for row in shown
        )
        display(HTML(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"))
    else:
        print("\\t".join(map(str, columns)))
        for row in shown:
            print("\\t".join(map(str, row)))
    if len(rows) > limit:
        print(f"... and {len(rows) - limit} more rows")


def bar_chart(counts, title):
    """Horizontal bars for a {label: number} mapping, when matplotlib is installed."""
    if plt is None:
        print("(matplotlib is not installed: no chart)")
        return
    labels = [str(label) for label in counts][:30]
    values = [counts[label] for label in counts][:30]
    fig, ax = plt.subplots(figsize=(8, max(2, 0.3 * len(labels))))
    ax.barh(labels, values)
    ax.invert_yaxis()
    ax.set_title(title)
    plt.show()
'''


def text(value: object) -> str:
    """``value`` as literal markdown text: markdown and HTML specials escaped."""
    return html.escape(_MARKDOWN_SPECIALS.sub(r"\\\1", str(value)), quote=False)


def code(value: object) -> str:
    """``value`` in a markdown code span (its content is never parsed as markup)."""
    return "`" + str(value).replace("`", "'").replace("\n", " ") + "`"


class Notebook:
    """Collects cells in order, then produces a validated v4 notebook."""

    def __init__(self, source: Source, *, slug: str, title: str) -> None:
        self.source = source
        self.slug = slug
        self.cells: list[NotebookNode] = []
        self._title(title)

    def _title(self, title: str) -> None:
        workspace = self.source.workspace
        snapshot = self.source.snapshot
        document = self.source.document
        django = (document.get("django") or {}).get("version")
        facts = [
            f"Workspace {code(workspace.slug)}",
            f"snapshot #{snapshot.pk} ({text(snapshot.mode)} scan"
            + (f", {snapshot.created_at:%Y-%m-%d %H:%M} UTC)" if snapshot.created_at else ")"),
        ]
        if django:
            facts.append(f"Django {text(django)}")
        facts.append(f"djdesk {text(__version__)}")
        self.markdown(
            f"# {text(title)}: {text(workspace.name)}",
            " · ".join(facts),
        )
        if document.get("mode") == "static":
            reason = document.get("fallback_reason")
            self.markdown(
                "> This snapshot comes from a **static scan**: source files were parsed and "
                "nothing was executed, so applied migrations, checks and URLs are unknown."
                + (f" The live scan was not possible: {text(reason)}" if reason else "")
            )

    def markdown(self, *paragraphs: str) -> None:
        self.cells.append(v4.new_markdown_cell("\n\n".join(paragraphs), id=self._next_id()))

    def code(self, source: str, **metadata: object) -> None:
        cell = v4.new_code_cell(source.strip("\n"), id=self._next_id(), metadata=metadata)
        self.cells.append(cell)

    def setup(self, files: Iterable[str]) -> None:
        """The setup cell, then one variable per data file (``schema.json`` -> ``SCHEMA``).

        Tagged ``djdesk-setup`` and marked ``source_hidden``, so the preview and
        JupyterLab fold it away.
        """
        loads = "\n".join(f"{_variable(name)} = load({name!r})" for name in files)
        self.code(SETUP + "\n\n" + loads, tags=[SETUP_TAG], jupyter={"source_hidden": True})

    def _next_id(self) -> str:
        # Stable ids: the same snapshot always gives the same notebook.
        return f"{self.slug}-{len(self.cells) + 1:03d}"

    def build(self) -> NotebookNode:
        notebook = v4.new_notebook(
            cells=self.cells,
            metadata={
                "kernelspec": KERNELSPEC,
                "language_info": {"name": "python"},
                "djdesk": {
                    "template": self.slug,
                    "workspace": self.source.workspace.slug,
                    "snapshot": self.source.snapshot.pk,
                    "version": __version__,
                },
            },
        )
        nbformat.validate(notebook)
        built: nbformat.NotebookNode = notebook
        return built


def _variable(file_name: str) -> str:
    return re.sub(r"\W", "_", file_name.rsplit(".", 1)[0]).upper()
