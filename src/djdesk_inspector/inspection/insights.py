"""Counts from a snapshot document, and insights comparing two of them.

:func:`summarize` runs once when a snapshot is stored (``Snapshot.summary``), so the
dashboard and the deltas since the previous scan never re-read large documents.
A count is ``None`` when the scan could not know it (a static scan runs no checks;
applied migrations are unknown when the database was not reachable; a check that
raised makes the check counts unknown), never ``0``; ``summary["reasons"]`` says why,
from the document's ``unknown`` map (:mod:`~djdesk_inspector.inspection.unknowns`).
"""

from __future__ import annotations

from typing import Any

ERROR_LEVEL = 40
WARNING_LEVEL = 30

# key, label, severity when the value is > 0 (None: purely informative)
_INSIGHTS: tuple[tuple[str, str, str | None], ...] = (
    ("check_errors", "System check errors", "error"),
    ("conflicts", "Apps with conflicting migrations", "error"),
    ("probe_errors", "Parts the probe could not read", "warning"),
    ("unapplied", "Unapplied migrations", "warning"),
    ("missing", "Model changes without migrations", "warning"),
    ("check_warnings", "System check warnings", "warning"),
    ("deploy_warnings", "Deployment check warnings", "info"),
    ("apps", "Apps", None),
    ("models", "Models", None),
    ("abstract_models", "Abstract models", None),
    ("migrations", "Migrations", None),
    ("urls", "URL patterns", None),
)


# insight key -> the ``unknown`` path that makes it unknown
_UNKNOWN_PATHS: dict[str, str] = {
    "check_errors": "checks",
    "check_warnings": "checks",
    "deploy_warnings": "checks",
    "unapplied": "migrations.applied",
    "missing": "migrations.missing",
    "urls": "urls",
    "models": "models",
    "abstract_models": "models",
    "apps": "apps",
    "migrations": "migrations",
    "conflicts": "migrations",
}


def _reasons(document: dict[str, Any]) -> dict[str, str]:
    raw = document.get("unknown") or {}
    unknown = raw if isinstance(raw, dict) else {name: "unknown" for name in raw}
    reasons = {key: unknown[path] for key, path in _UNKNOWN_PATHS.items() if path in unknown}
    if "migrations.applied" not in unknown and "applied" in unknown:  # list shape
        reasons["unapplied"] = "unknown"
    return reasons


def summarize(document: dict[str, Any]) -> dict[str, Any]:
    """The counts stored in ``Snapshot.summary``, ``None`` (with a reason) when unknown."""
    reasons = _reasons(document)
    models = document.get("models") or []
    migrations = document.get("migrations") or {}
    checks = document.get("checks") or {}
    missing = migrations.get("missing") or {}
    messages = checks.get("messages") or []
    run_checks = "check_errors" not in reasons and document.get("checks") is not None
    if document.get("checks") is None:
        reasons.setdefault("check_errors", "checks did not run")
    summary = {
        "mode": document.get("mode"),
        "apps": None if "apps" in reasons else len(document.get("apps") or []),
        "models": None
        if "models" in reasons
        else sum(1 for m in models if not m.get("abstract") and not m.get("auto_created")),
        "abstract_models": None
        if "models" in reasons
        else sum(1 for m in models if m.get("abstract")),
        "migrations": None
        if migrations.get("apps") is None
        else sum(len(a.get("nodes") or []) for a in (migrations.get("apps") or {}).values()),
        "urls": None if "urls" in reasons else len(document.get("urls") or []),
        "unapplied": len(migrations.get("unapplied") or [])
        if migrations.get("db_reachable") and migrations.get("unapplied") is not None
        else None,
        "missing": None
        if missing.get("has_changes") is None
        else sum(len(v) for v in (missing.get("apps") or {}).values()),
        "conflicts": None
        if migrations.get("conflicts") is None
        else len(migrations.get("conflicts") or {}),
        "check_errors": sum(1 for m in messages if m.get("level_no", 0) >= ERROR_LEVEL)
        if run_checks
        else None,
        "check_warnings": sum(
            1 for m in messages if WARNING_LEVEL <= m.get("level_no", 0) < ERROR_LEVEL
        )
        if run_checks
        else None,
        "deploy_warnings": sum(
            1 for m in checks.get("deploy") or [] if m.get("level_no", 0) >= WARNING_LEVEL
        )
        if run_checks
        else None,
        "probe_errors": len(document.get("errors") or []),
    }
    for key in ("check_warnings", "deploy_warnings"):
        if "check_errors" in reasons:
            reasons.setdefault(key, reasons["check_errors"])
    if summary["unapplied"] is None:
        reasons.setdefault("unapplied", "database " + str(migrations.get("db_error") or "not read"))
    if summary["missing"] is None:
        reasons.setdefault("missing", "model changes could not be compared")
    summary["reasons"] = {k: v for k, v in reasons.items() if summary.get(k) is None}
    return summary


def _severity(value: Any, when_positive: str | None) -> str:
    if value is None:
        return "unknown"
    if when_positive and value > 0:
        return when_positive
    return "ok" if when_positive else "info"


def insights(
    latest: dict[str, Any], previous: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One entry per count: ``key, label, value, reason, delta, severity``.

    ``reason`` says why ``value`` is ``None`` (unknown), else it is ``None``.

    ``delta`` is ``value - previous value`` when both are known, else ``None``.
    ``severity`` is ``error``/``warning``/``info`` for a problem count above zero,
    ``ok`` for a problem count of zero, ``info`` for plain sizes, ``unknown`` when
    the scan could not tell.
    """
    result = []
    reasons = latest.get("reasons") or {}
    for key, label, when_positive in _INSIGHTS:
        value = latest.get(key)
        before = previous.get(key) if previous else None
        delta = value - before if isinstance(value, int) and isinstance(before, int) else None
        result.append(
            {
                "key": key,
                "label": label,
                "value": value,
                "reason": (reasons.get(key) or "not read") if value is None else None,
                "delta": delta,
                "severity": _severity(value, when_positive),
            }
        )
    return result
