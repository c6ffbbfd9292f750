"""The notebook templates on offer: the built-in ones, then ``DJDESK_DATALAB["TEMPLATES"]``.

A template is data (slug, title, description, tags) plus the dotted path of a builder:
``builder(source: Source) -> Built``. Builders are imported only when a notebook is
built, so listing templates stays cheap. A template whose ``requires`` apps are not
installed stays listed, with the reason it cannot be used.

A project adds its own in a module of its choice::

    SALES = NotebookTemplate(
        slug="sales-audit", title="Sales audit", description="...", tags=("sales",),
        builder="myproject.notebooks.build_sales_audit",
    )
    DJDESK_DATALAB = {"TEMPLATES": ["myproject.notebooks.SALES"]}
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

from djdesk_inspector.datalab import conf
from djdesk_inspector.kernel.registry import installed_label

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from djdesk_inspector.models import Snapshot, Workspace

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX = 64


@dataclass(frozen=True)
class Source:
    """What a builder may read: the workspace and the snapshot the export is built from."""

    workspace: Workspace
    snapshot: Snapshot

    @property
    def document(self) -> dict[str, Any]:
        return self.snapshot.data or {}

    def unknown(self, section: str) -> bool:
        """True when the scan could not determine ``section`` (static mode: checks, urls)."""
        return section in (self.document.get("unknown") or [])


@dataclass(frozen=True)
class Built:
    """A builder's result: the notebook and the JSON data files it reads, by file name."""

    notebook: NotebookNode
    files: dict[str, Any] = field(default_factory=dict)


Builder = Callable[[Source], Built]


@dataclass(frozen=True)
class NotebookTemplate:
    slug: str
    title: str
    description: str
    builder: str  # dotted path of a Builder
    tags: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()  # app labels that must be installed
    requires_reason: str = ""  # shown when one of them is missing

    def unavailable_reason(self) -> str:
        """Why this template cannot be used here, or "" when it can."""
        missing = [label for label in self.requires if not installed_label(label)]
        if not missing:
            return ""
        return self.requires_reason or f"Needs the {', '.join(missing)} app installed."

    def load_builder(self) -> Builder:
        builder = import_string(self.builder)
        if not callable(builder):
            raise TypeError(f"{self.builder} is not callable.")
        return builder  # type: ignore[no-any-return]

    def as_json(self) -> dict[str, Any]:
        reason = self.unavailable_reason()
        return {
            "slug": self.slug,
            "title": self.title,
            "description": self.description,
            "tags": list(self.tags),
            "available": not reason,
            "unavailable_reason": reason or None,
        }


BUILTIN: tuple[NotebookTemplate, ...] = (
    NotebookTemplate(
        slug="schema-audit",
        title="Schema audit",
        description=(
            "Models per app, field types and nullability, relations between models, the "
            "largest models and the ones nothing points to."
        ),
        tags=("models", "relations", "fields"),
        builder="djdesk_inspector.datalab.builders.schema_audit.build",
    ),
    NotebookTemplate(
        slug="migrations-review",
        title="Migrations review",
        description=(
            "Per-app migration counts, what is not applied yet, conflicting leaves, and "
            "model changes that have no migration."
        ),
        tags=("migrations",),
        builder="djdesk_inspector.datalab.builders.migrations_review.build",
    ),
    NotebookTemplate(
        slug="checks-report",
        title="Checks report",
        description=(
            "System check messages (deployment checks too) by level, by app and by check id."
        ),
        tags=("checks", "deploy"),
        builder="djdesk_inspector.datalab.builders.checks_report.build",
    ),
    NotebookTemplate(
        slug="url-map",
        title="URL map",
        description=(
            "Every URL pattern with its name and view, grouped by namespace and include, "
            "with unnamed routes and duplicate names."
        ),
        tags=("urls", "views"),
        builder="djdesk_inspector.datalab.builders.url_map.build",
    ),
    NotebookTemplate(
        slug="log-study",
        title="Log study",
        description=(
            "Outcomes and durations of the task runs against this workspace, and the "
            "warnings, errors and most repeated lines in their logs."
        ),
        tags=("logs", "tasks"),
        builder="djdesk_inspector.datalab.builders.log_study.build",
        requires=("djdesk_presets",),
        requires_reason=(
            "The inspector keeps no logs without task presets: add "
            "'djdesk_inspector.presets' to INSTALLED_APPS."
        ),
    ),
)


class TemplateError(Exception):
    """A configured template that cannot be loaded (the checks report the same)."""


def load_configured(dotted: str) -> NotebookTemplate:
    """The template object at ``dotted``; TemplateError says what is wrong with it."""
    try:
        found = import_string(dotted)
    except ImportError as exc:
        raise TemplateError(f"{dotted!r} cannot be imported: {exc}") from exc
    if not isinstance(found, NotebookTemplate):
        raise TemplateError(f"{dotted!r} is a {type(found).__name__}, not a NotebookTemplate.")
    problem = template_problem(found)
    if problem:
        raise TemplateError(f"{dotted!r}: {problem}")
    return found


def template_problem(template: NotebookTemplate) -> str:
    if not SLUG.fullmatch(template.slug) or len(template.slug) > SLUG_MAX:
        return f"slug {template.slug!r} must be lowercase letters, digits and single dashes."
    if not template.title:
        return "title is empty."
    try:
        template.load_builder()
    except (ImportError, TypeError) as exc:
        return f"builder {template.builder!r} cannot be used: {exc}"
    return ""


def all_templates() -> list[NotebookTemplate]:
    """Built-ins, then configured templates; broken or duplicate ones are left out."""
    found = list(BUILTIN)
    slugs = {t.slug for t in found}
    for dotted in conf.get().TEMPLATES:
        try:
            template = load_configured(str(dotted))
        except TemplateError:
            continue  # djdesk_datalab.E011/E006 say why at startup
        if template.slug not in slugs:
            found.append(template)
            slugs.add(template.slug)
    return found


def get(slug: object) -> NotebookTemplate | None:
    return next((t for t in all_templates() if t.slug == slug), None)


def title_of(slug: str) -> str:
    template = get(slug)
    return template.title if template else slug
