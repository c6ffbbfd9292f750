"""Counts from a snapshot document, and insights comparing two of them.

:func:`summarize` runs once when a snapshot is stored (``Snapshot.summary``), so the
dashboard and the deltas since the previous scan never re-read large documents.
A count is ``None`` when the scan could not know it (a static scan runs no checks;
applied migrations are unknown when the database was not reachable).
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


def summarize(document: dict[str, Any]) -> dict[str, Any]:
    """The counts stored in ``Snapshot.summary``."""
    unknown = set(document.get("unknown") or ())
    models = document.get("models") or []
    migrations = document.get("migrations") or {}
    checks = document.get("checks") or {}
    missing = migrations.get("missing") or {}
    messages = checks.get("messages") or []
    run_checks = "checks" not in unknown
    return {
        "mode": document.get("mode"),
        "apps": len(document.get("apps") or []),
        "models": sum(1 for m in models if not m.get("abstract") and not m.get("auto_created")),
        "abstract_models": sum(1 for m in models if m.get("abstract")),
        "migrations": sum(
            len(a.get("nodes") or []) for a in (migrations.get("apps") or {}).values()
        ),
        "urls": None if "urls" in unknown else len(document.get("urls") or []),
        "unapplied": len(migrations.get("unapplied") or [])
        if migrations.get("db_reachable")
        else None,
        "missing": None
        if missing.get("has_changes") is None
        else sum(len(v) for v in (missing.get("apps") or {}).values()),
        "conflicts": len(migrations.get("conflicts") or {}),
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


def _severity(value: Any, when_positive: str | None) -> str:
    if value is None:
        return "unknown"
    if when_positive and value > 0:
        return when_positive
    return "ok" if when_positive else "info"


def insights(
    latest: dict[str, Any], previous: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One entry per count: ``key, label, value, delta, severity``.

    ``delta`` is ``value - previous value`` when both are known, else ``None``.
    ``severity`` is ``error``/``warning``/``info`` for a problem count above zero,
    ``ok`` for a problem count of zero, ``info`` for plain sizes, ``unknown`` when
    the scan could not tell.
    """
    result = []
    for key, label, when_positive in _INSIGHTS:
        value = latest.get(key)
        before = previous.get(key) if previous else None
        delta = value - before if isinstance(value, int) and isinstance(before, int) else None
        result.append(
            {
                "key": key,
                "label": label,
                "value": value,
                "delta": delta,
                "severity": _severity(value, when_positive),
            }
        )
    return result
