"""The presets djdesk ships, as one declared table (``djdesk_presets_sync`` upserts them).

``dumpdata`` is declared here but only runs when ``DJDESK_PRESETS['ALLOWLIST']``
includes it: its output is the project's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DOCS = "https://docs.djangoproject.com/en/stable/ref/django-admin/"

CHECK_TAGS = (
    "admin",
    "async_support",
    "caches",
    "compatibility",
    "database",
    "files",
    "models",
    "security",
    "signals",
    "sites",
    "staticfiles",
    "templates",
    "translation",
    "urls",
)
FAIL_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")

APP_LABEL: dict[str, Any] = {
    "name": "app_label",
    "type": "app_label",
    "label": "App",
    "help": "Limit to one app of the target.",
}
FAIL_LEVEL: dict[str, Any] = {
    "name": "fail_level",
    "type": "choice",
    "option": "--fail-level",
    "label": "Fail level",
    "help": "Message level that makes the command fail (default ERROR).",
    "choices": list(FAIL_LEVELS),
}
VERBOSITY: dict[str, Any] = {
    "name": "verbosity",
    "type": "integer",
    "option": "--verbosity",
    "label": "Verbosity",
    "minimum": 0,
    "maximum": 3,
}


@dataclass(frozen=True)
class PresetDefinition:
    key: str
    label: str
    description: str
    command: str
    category: str
    order: int
    fixed_args: tuple[str, ...] = ()
    arguments: tuple[dict[str, Any], ...] = ()
    allowed_options: tuple[str, ...] = ()
    requires_confirmation: bool = False
    timeout: int | None = None
    docs_anchor: str = ""
    icon: str = ""

    def fields(self) -> dict[str, Any]:
        """Model field values, JSON-ready (lists, not tuples), for create or compare."""
        return {
            "label": self.label,
            "description": self.description,
            "command": self.command,
            "category": self.category,
            "order": self.order,
            "fixed_args": list(self.fixed_args),
            "arguments": [dict(a) for a in self.arguments],
            "allowed_options": list(self.allowed_options),
            "requires_confirmation": self.requires_confirmation,
            "timeout": self.timeout,
            "docs_url": DOCS + "#" + (self.docs_anchor or self.command),
            "icon": self.icon,
        }


DEFAULTS: tuple[PresetDefinition, ...] = (
    PresetDefinition(
        key="check",
        label="System checks",
        description="Run Django's system checks against the project.",
        command="check",
        category="Checks",
        order=10,
        arguments=(
            APP_LABEL,
            FAIL_LEVEL,
            {
                "name": "tag",
                "type": "choice",
                "option": "--tag",
                "label": "Tag",
                "help": "Only checks with this tag.",
                "choices": list(CHECK_TAGS),
            },
        ),
        icon="check",
    ),
    PresetDefinition(
        key="check-deploy",
        label="Deployment checks",
        description="System checks plus the deployment checklist (security settings).",
        command="check",
        category="Checks",
        order=20,
        fixed_args=("--deploy",),
        arguments=(FAIL_LEVEL,),
        icon="shield",
    ),
    PresetDefinition(
        key="showmigrations",
        label="Show migrations",
        description="List migrations and whether each one is applied.",
        command="showmigrations",
        category="Migrations",
        order=10,
        arguments=(
            APP_LABEL,
            {
                "name": "plan",
                "type": "flag",
                "option": "--plan",
                "label": "As a plan",
                "help": "Show the order migrations would run in.",
            },
        ),
        icon="list",
    ),
    PresetDefinition(
        key="makemigrations-check",
        label="Missing migrations",
        description=(
            "Report model changes that have no migration yet, without writing any file "
            "(exit code 1 when changes are missing)."
        ),
        command="makemigrations",
        category="Migrations",
        order=20,
        fixed_args=("--check", "--dry-run"),
        arguments=(APP_LABEL, VERBOSITY),
        icon="diff",
    ),
    PresetDefinition(
        key="sqlmigrate",
        label="SQL of a migration",
        description="Print the SQL statements one migration runs (nothing is executed).",
        command="sqlmigrate",
        category="Migrations",
        order=30,
        arguments=(
            {**APP_LABEL, "required": True, "help": "The app that owns the migration."},
            {
                "name": "migration",
                "type": "migration",
                "app_argument": "app_label",
                "label": "Migration",
                "required": True,
            },
            {
                "name": "backwards",
                "type": "flag",
                "option": "--backwards",
                "label": "Backwards",
                "help": "SQL to unapply the migration.",
            },
        ),
        icon="database",
    ),
    PresetDefinition(
        key="diffsettings",
        label="Settings diff",
        description=(
            "Settings that differ from Django's defaults. Secrets (keys, passwords, "
            "tokens, DSNs) are redacted before the output is stored."
        ),
        command="diffsettings",
        category="Settings",
        order=10,
        arguments=(
            {
                "name": "all",
                "type": "flag",
                "option": "--all",
                "label": "All settings",
                "help": "Include settings equal to the defaults.",
            },
            {
                "name": "output",
                "type": "choice",
                "option": "--output",
                "label": "Format",
                "choices": ["hash", "unified"],
            },
        ),
        # diffsettings' --output picks a format, not a file.
        allowed_options=("--output",),
        icon="settings",
    ),
    PresetDefinition(
        key="inspectdb",
        label="Models from the database",
        description="Print models generated from the existing database tables (read-only).",
        command="inspectdb",
        category="Database",
        order=10,
        arguments=(
            {
                "name": "include_views",
                "type": "flag",
                "option": "--include-views",
                "label": "Include views",
            },
        ),
        timeout=300,
        icon="database",
    ),
    PresetDefinition(
        key="dumpdata",
        label="Dump data",
        description=(
            "Print the database content as JSON. Disabled unless 'dumpdata' is in "
            "DJDESK_PRESETS['ALLOWLIST']: the output is the project's data."
        ),
        command="dumpdata",
        category="Database",
        order=20,
        arguments=(
            APP_LABEL,
            {
                "name": "indent",
                "type": "integer",
                "option": "--indent",
                "label": "Indent",
                "minimum": 0,
                "maximum": 8,
            },
        ),
        requires_confirmation=True,
        timeout=600,
        icon="download",
    ),
)

BY_KEY: dict[str, PresetDefinition] = {definition.key: definition for definition in DEFAULTS}
