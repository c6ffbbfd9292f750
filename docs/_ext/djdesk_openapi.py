"""Sphinx directive rendering djdesk's OpenAPI document as reference sections.

``.. djdesk-openapi::`` configures Django inside the Sphinx process (every djdesk app
installed, an in-memory SQLite database that is never opened, no URLconf), calls
:func:`djdesk_inspector.kernel.openapi.document` and turns each operation into a section:
summary, parameters, request body and responses. The reference is generated from
the same tables the running server answers ``/djdesk/api/openapi.json`` from, so it
cannot drift from the code. The raw document is written next to the HTML pages as
``openapi.json``.

Settings are passed to ``settings.configure()`` rather than read from a settings
module: the build needs nothing but an installed (or ``src/``-importable) djdesk, and
a ``DJANGO_SETTINGS_MODULE`` inherited from the environment (``djdesk_docs_bundle``
runs Sphinx from a host project) is ignored.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

JSON_NAME = "openapi.json"
METHOD_ORDER = ("get", "post", "put", "patch", "delete")
DJDESK_APPS = (
    "djdesk_inspector",
    "djdesk_inspector.presets",
    "djdesk_inspector.datalab",
    "djdesk_inspector.docs",
    "djdesk_electron_kit",
)
# Modules holding the operation tables: a change to one of them re-reads the page.
SCHEMA_MODULES = (
    "djdesk_inspector.kernel.openapi",
    "djdesk_inspector.presets.api_schema",
    "djdesk_inspector.datalab.api_schema",
)


def django_settings() -> dict[str, Any]:
    """The least Django needs to populate the app registry with every djdesk app."""
    from djdesk_inspector.kernel import compat

    tasks_apps: list[str] = []
    if compat.TASKS_AVAILABLE:
        tasks_apps = [*([compat.TASKS_APP] if compat.TASKS_APP else []), "django_tasks_db"]
    return {
        "SECRET_KEY": "djdesk-docs-build-only",  # never used to sign anything
        "INSTALLED_APPS": [
            "django.contrib.contenttypes",
            "django.contrib.staticfiles",
            *tasks_apps,
            *DJDESK_APPS,
        ],
        "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        "TASKS": {"default": {"BACKEND": compat.IMMEDIATE_BACKEND}},
        "STATIC_URL": "/static/",
        "USE_TZ": True,
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
    }


def load_document() -> dict[str, Any]:
    """Configure Django once (unless someone already did) and build the document."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(**django_settings())
    django.setup()
    from djdesk_inspector.kernel import openapi

    return openapi.document()


def _schema_type(schema: dict[str, Any]) -> str:
    kind = schema.get("type", "any")
    if schema.get("enum"):
        return f"{kind}, one of: " + ", ".join(str(v) for v in schema["enum"])
    return str(kind)


def _table(headers: tuple[str, ...], widths: tuple[int, ...], rows: list[list[Any]]) -> nodes.table:
    # "colwidths-given" makes the HTML writer emit the widths below.
    table = nodes.table(classes=["djdesk-openapi", "colwidths-given"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += _row([nodes.Text(title) for title in headers])
    body = nodes.tbody()
    group += body
    for cells in rows:
        body += _row(cells)
    return table


def _row(cells: list[Any]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        if isinstance(cell, nodes.Node):
            entry += nodes.paragraph("", "", cell)
        else:
            entry += nodes.paragraph("", str(cell))
        row += entry
    return row


def _rubric(text: str) -> nodes.rubric:
    return nodes.rubric(text=text)


class DjdeskOpenAPI(SphinxDirective):
    """``.. djdesk-openapi::``: the API reference, one section per operation."""

    required_arguments = 0
    has_content = False

    def run(self) -> list[nodes.Node]:
        try:
            document = load_document()
        except Exception as exc:  # ImportError, ImproperlyConfigured, ...
            raise self.error(
                f"djdesk-openapi: cannot build the OpenAPI document: {type(exc).__name__}: {exc}"
            ) from exc
        self.env.note_dependency(__file__)
        for module in SCHEMA_MODULES:
            spec = importlib.util.find_spec(module)
            if spec is not None and spec.origin:
                self.env.note_dependency(spec.origin)

        operations = [
            (path, method, item[method])
            for path, item in document["paths"].items()
            for method in METHOD_ORDER
            if method in item
        ]
        sections = [self.operation_section(path, method, op) for path, method, op in operations]

        intro = nodes.paragraph()
        intro += nodes.Text(
            f"OpenAPI {document['openapi']} document of djdesk {document['info']['version']}, "
            f"with every djdesk app installed: {len(operations)} operations. Raw document: "
        )
        json_uri = "../" * self.env.docname.count("/") + JSON_NAME
        intro += nodes.reference("", "", nodes.literal(text=JSON_NAME), refuri=json_uri)
        intro += nodes.Text(".")

        overview = nodes.bullet_list(classes=["djdesk-openapi-index"])
        for (path, method, op), section in zip(operations, sections, strict=True):
            line = nodes.paragraph()
            line += nodes.reference(
                "",
                "",
                nodes.strong(text=method.upper()),
                nodes.Text(" "),
                nodes.literal(text=path),
                refid=section["ids"][0],
            )
            line += nodes.Text(": " + op.get("summary", ""))
            overview += nodes.list_item("", line)
        return [intro, overview, *sections, self.schemas_section(document)]

    def _section(self, title: str, label: str) -> nodes.section:
        section = nodes.section()
        section["names"].append(label)
        section += nodes.title(text=title)
        self.state.document.note_explicit_target(section, section)
        return section

    def operation_section(self, path: str, method: str, op: dict[str, Any]) -> nodes.section:
        operation_id = op.get("operationId", f"{method}-{path}")
        section = self._section(f"{method.upper()} {path}", f"api-{operation_id.lower()}")
        summary = nodes.paragraph()
        summary += nodes.Text(op.get("summary", "") + " Operation id: ")
        summary += nodes.literal(text=operation_id)
        summary += nodes.Text(".")
        section += summary

        parameters = op.get("parameters") or []
        if parameters:
            section += _rubric("Parameters")
            section += _table(
                ("Name", "In", "Type", "Required"),
                (25, 15, 30, 15),
                [
                    [
                        nodes.literal(text=p["name"]),
                        p.get("in", ""),
                        _schema_type(p.get("schema") or {}),
                        "yes" if p.get("required") else "no",
                    ]
                    for p in parameters
                ],
            )

        body = op.get("requestBody")
        if body:
            for content_type, media in (body.get("content") or {}).items():
                schema = media.get("schema") or {}
                section += _rubric("Request body")
                line = nodes.paragraph()
                line += nodes.literal(text=content_type)
                line += nodes.Text(
                    f", a JSON {schema.get('type', 'value')}"
                    + (" (required)." if body.get("required") else ".")
                )
                section += line
                required = set(schema.get("required") or ())
                properties = schema.get("properties") or {}
                if properties:
                    section += _table(
                        ("Field", "Type", "Required", "Description"),
                        (20, 30, 12, 38),
                        [
                            [
                                nodes.literal(text=name),
                                _schema_type(prop),
                                "yes" if name in required else "no",
                                prop.get("description", ""),
                            ]
                            for name, prop in properties.items()
                        ],
                    )

        responses = op.get("responses") or {}
        section += _rubric("Responses")
        section += _table(
            ("Status", "Description", "Body"),
            (12, 50, 38),
            [
                [
                    nodes.literal(text=code),
                    response.get("description", ""),
                    self._response_body(response),
                ]
                for code, response in sorted(responses.items())
            ],
        )
        return section

    @staticmethod
    def _response_body(response: dict[str, Any]) -> nodes.Node:
        content = response.get("content") or {}
        for content_type, media in content.items():
            ref = (media.get("schema") or {}).get("$ref", "")
            name = ref.rpartition("/")[2] if ref else "a JSON document"
            inline = nodes.inline()
            inline += nodes.literal(text=name)
            inline += nodes.Text(f" ({content_type})")
            return inline
        return nodes.Text("")

    def schemas_section(self, document: dict[str, Any]) -> nodes.section:
        section = self._section("Schemas", "api-schemas")
        schemas = (document.get("components") or {}).get("schemas") or {}
        for name, schema in schemas.items():
            section += _rubric(name)
            text = json.dumps(schema, indent=2)
            block = nodes.literal_block(text, text, language="json")
            section += block
        return section


def write_json(app: Sphinx, exception: BaseException | None) -> None:
    """Ship the raw document beside the HTML pages (``openapi.json``)."""
    if exception is not None or app.builder.format != "html":
        return
    document = load_document()
    target = Path(app.outdir) / JSON_NAME
    target.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    logger.info("djdesk-openapi: wrote %s", target)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_directive("djdesk-openapi", DjdeskOpenAPI)
    app.connect("build-finished", write_json)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
