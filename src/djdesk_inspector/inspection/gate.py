"""The CI gate: ``djdesk_inspect PATH --fail-on ...`` turns a scan into pass or fail.

Each category is one declared entry (:data:`CATEGORIES`) reading the scan document.
A category whose fact the scan could not read (the database was not reachable, the
checks could not run) is *unknown*: the gate reports it with its reason and fails,
because a gate that passes on what it did not see would lie.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from djdesk_inspector.inspection import migration_lint

Document = dict[str, Any]


@dataclass(frozen=True)
class GateFinding:
    category: str
    rule: str
    severity: str
    message: str
    app: str = ""
    migration: str = ""
    path: str = ""
    line: int | None = None
    docs: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Outcome:
    categories: tuple[str, ...]
    findings: list[GateFinding] = field(default_factory=list)
    unknown: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.findings and not self.unknown

    def as_json(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "categories": list(self.categories),
            "findings": [f.as_json() for f in self.findings],
            "unknown": self.unknown,
        }


class Unknown(Exception):
    """The document does not say; the message is the reason."""


def _migrations(document: Document) -> dict[str, Any]:
    section = document.get("migrations")
    if not isinstance(section, dict):
        raise Unknown("the scan has no migration graph")
    return section


def _unapplied(document: Document) -> list[GateFinding]:
    section = _migrations(document)
    pending = section.get("unapplied")
    if pending is None:
        reason = (document.get("unknown") or {}).get("migrations.applied")
        raise Unknown(reason or section.get("db_error") or "the database was not read")
    return [
        GateFinding("unapplied", "DJG001", "error", f"{app}.{name} is not applied", app, name)
        for app, name in pending
    ]


def _conflicts(document: Document) -> list[GateFinding]:
    conflicts = _migrations(document).get("conflicts")
    if conflicts is None:
        raise Unknown("the migration graph could not be read")
    return [
        GateFinding(
            "conflicts",
            "DJG002",
            "error",
            f"{app} has conflicting leaf migrations: {', '.join(names)} (run makemigrations --merge)",
            app,
        )
        for app, names in sorted(conflicts.items())
    ]


def _missing(document: Document) -> list[GateFinding]:
    missing = _migrations(document).get("missing") or {}
    if missing.get("has_changes") is None:
        reason = (document.get("unknown") or {}).get("migrations.missing")
        raise Unknown(reason or "only a live scan can compare models with migrations")
    return [
        GateFinding(
            "missing-migrations",
            "DJG003",
            "error",
            f"{app} has model changes without a migration: {'; '.join(lines)}",
            app,
        )
        for app, lines in sorted((missing.get("apps") or {}).items())
    ]


def _check_errors(document: Document) -> list[GateFinding]:
    checks = document.get("checks")
    if not isinstance(checks, dict) or checks.get("messages") is None:
        reason = (document.get("unknown") or {}).get("checks")
        raise Unknown(reason or "the system checks did not run")
    return [
        GateFinding(
            "check-errors",
            "DJG004",
            "error",
            f"{message.get('id') or 'check'}: {message.get('msg', '')}",
        )
        for message in checks["messages"]
        if message.get("level") in ("ERROR", "CRITICAL")
    ]


def _unsafe(document: Document) -> list[GateFinding]:
    lint = document.get("migration_lint")
    if not isinstance(lint, dict) or lint.get("findings") is None:
        raise Unknown("the migrations were not linted")
    return [
        GateFinding(
            "unsafe-migrations",
            item["rule"],
            item["severity"],
            item["message"],
            item["app"],
            item["migration"],
            item["path"],
            item["line"],
            item["docs"],
        )
        for item in lint["findings"]
        if item["severity"] in ("error", "warning")
    ]


CATEGORIES: dict[str, Callable[[Document], list[GateFinding]]] = {
    "missing-migrations": _missing,
    "unapplied": _unapplied,
    "conflicts": _conflicts,
    "check-errors": _check_errors,
    "unsafe-migrations": _unsafe,
}

GATE_RULES = {
    "DJG001": ("unapplied", "Migration not applied"),
    "DJG002": ("conflicts", "Conflicting leaf migrations"),
    "DJG003": ("missing-migrations", "Model changes without a migration"),
    "DJG004": ("check-errors", "System check error"),
}


def parse_categories(text: str) -> tuple[str, ...]:
    """``"unapplied,conflicts"`` -> the names; ValueError naming an unknown one."""
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in names if name not in CATEGORIES]
    if unknown or not names:
        raise ValueError(
            f"unknown --fail-on value {', '.join(unknown) or repr(text)}; "
            f"choose from {', '.join(CATEGORIES)}"
        )
    return names


def evaluate(document: Document, categories: Iterable[str]) -> Outcome:
    outcome = Outcome(tuple(categories))
    for name in outcome.categories:
        try:
            outcome.findings.extend(CATEGORIES[name](document))
        except Unknown as exc:
            outcome.unknown[name] = str(exc)
    return outcome


def rule_catalogue() -> list[dict[str, str]]:
    """Every rule a gate finding can carry, for SARIF's ``tool.driver.rules``."""
    rules = [
        {
            "id": rule.id,
            "name": rule.slug,
            "title": rule.title,
            "help": rule.explanation,
            "severity": rule.severity,
            "docs": rule.docs,
        }
        for rule in migration_lint.RULES
    ]
    rules += [
        {
            "id": rule_id,
            "name": category,
            "title": title,
            "help": title,
            "severity": "error",
            "docs": "",
        }
        for rule_id, (category, title) in GATE_RULES.items()
    ]
    return rules
