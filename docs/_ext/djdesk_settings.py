"""Sphinx directive rendering a djdesk settings dataclass as a reference table.

``.. djdesk-settings:: djdesk_inspector.conf.InspectorSettings`` lists every key of
the app's settings dict with its default, accepted types and help text, read from
the dataclass itself, so the reference cannot drift from the code.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

HEADERS = ("Key", "Default", "Type", "Description")
WIDTHS = (22, 18, 12, 48)


def _import(dotted: str) -> tuple[Any, type]:
    module_name, _, class_name = dotted.rpartition(".")
    module = importlib.import_module(module_name)
    cls = getattr(module, class_name)
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{dotted} is not a dataclass")
    return module, cls


def _default(field: dataclasses.Field[Any]) -> Any:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


def _cell(*children: nodes.Node) -> nodes.entry:
    entry = nodes.entry()
    entry += nodes.paragraph("", "", *children)
    return entry


class DjdeskSettings(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        dotted = self.arguments[0]
        try:
            module, cls = _import(dotted)
        except (ImportError, AttributeError, TypeError) as exc:
            raise self.error(f"djdesk-settings: cannot load {dotted}: {exc}") from exc
        source = inspect.getsourcefile(module)
        if source:
            self.env.note_dependency(source)
        setting = getattr(module, "SETTING", "")

        table = nodes.table(classes=["djdesk-settings"])
        group = nodes.tgroup(cols=len(HEADERS))
        table += group
        for width in WIDTHS:
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        header_row = nodes.row()
        for title in HEADERS:
            header_row += _cell(nodes.Text(title))
        head += header_row
        group += head
        body = nodes.tbody()
        messages: list[nodes.Node] = []
        for field in dataclasses.fields(cls):
            types = field.metadata.get("types", ())
            help_nodes, help_messages = self.parse_inline(field.metadata.get("help", ""))
            messages.extend(help_messages)
            row = nodes.row()
            row += _cell(nodes.literal(text=field.name))
            row += _cell(nodes.literal(text=repr(_default(field))))
            row += _cell(nodes.Text(" or ".join(t.__name__ for t in types)))
            row += _cell(*help_nodes)
            body += row
        group += body

        intro = nodes.paragraph()
        if setting:
            intro += nodes.Text("Keys of ")
            intro += nodes.literal(text=setting)
            intro += nodes.Text(f" (defaults from {cls.__name__}):")
        else:
            intro += nodes.Text(f"Fields of {cls.__name__}:")
        return [intro, table, *messages]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_directive("djdesk-settings", DjdeskSettings)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
