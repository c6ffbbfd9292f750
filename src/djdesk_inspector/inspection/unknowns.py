"""What a scan could not read: ``null`` in the document plus a reason in ``unknown``.

One shape for both modes, fixed here: ``document["unknown"]`` is a map from the
path of a fact to why it is unknown, and the fact itself is ``null``::

    "unknown": {
        "checks": "static scan: checks need the project's Django running",
        "migrations.applied": "database unreachable: OperationalError: ...",
        "settings.DEBUG": "static scan: not a literal in the settings source"
    }

Paths: a top-level section (``python``, ``django``, ``models``, ``apps``, ``checks``,
``urls``, ``settings``; ``checks`` holds the messages of the checks that did run
when only some raised), ``migrations.applied`` (``unapplied`` and every node's
``applied`` are null), ``migrations.missing`` (``has_changes`` is null),
``settings.<NAME>``, ``installed_apps`` (apps were discovered, not read) and
``models.<label>.fields`` (that model's field list is partial).

The live probe writes the map itself; :func:`normalize` also accepts the older list
of section names (the static reader's) and fills in the reasons.
"""

from __future__ import annotations

from typing import Any

STATIC = "static scan: "
# Section names a list-shaped ``unknown`` may hold -> (path, reason).
_LISTED: dict[str, tuple[str, str]] = {
    "python": ("python", STATIC + "no interpreter was run"),
    "django": ("django", STATIC + "no interpreter was run"),
    "applied": ("migrations.applied", STATIC + "the database is never opened"),
    "missing": ("migrations.missing", STATIC + "finding model changes needs the autodetector"),
    "checks": ("checks", STATIC + "system checks need the project's Django running"),
    "urls": ("urls", STATIC + "the URLconf is only known by importing it"),
    "installed_apps": ("installed_apps", "INSTALLED_APPS is not a literal list"),
    "migrations": ("migrations", "the migration graph could not be read"),
    "models": ("models", "the models could not be read"),
}
# Sections whose value is replaced by null when they are unknown.
_NULLED_SECTIONS = ("checks", "urls", "models", "apps", "settings")


def reason(document: dict[str, Any], path: str) -> str | None:
    """Why ``path`` is unknown in ``document``, or ``None`` when it is known."""
    unknown = document.get("unknown") or {}
    if isinstance(unknown, dict):
        return unknown.get(path)
    return "unknown" if path in unknown else None


def normalize(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with ``unknown`` as a map and every unknown fact ``null`` (in place)."""
    raw = document.get("unknown") or {}
    unknown: dict[str, str] = {}
    if isinstance(raw, dict):
        unknown.update({str(k): str(v) for k, v in raw.items()})
    else:
        for name in raw:
            path, why = _LISTED.get(name, (name, "unknown"))
            unknown.setdefault(path, why)
    static = document.get("mode") == "static"
    if static:
        # The static reader leaves empty placeholders; an unknown section is null. (A
        # live scan keeps the check messages that did run when some checks raised:
        # the counts are unknown, the messages are real.)
        for section in _NULLED_SECTIONS:
            if section in unknown:
                document[section] = None
    migrations = document.get("migrations")
    if isinstance(migrations, dict):
        if not migrations.get("db_reachable") and "migrations.applied" not in unknown:
            unknown["migrations.applied"] = "database " + (migrations.get("db_error") or "not read")
        if "migrations.applied" in unknown:
            migrations["unapplied"] = None
        if (migrations.get("missing") or {}).get("has_changes") is None:
            unknown.setdefault("migrations.missing", "model changes could not be compared")
    settings = document.get("settings")
    settings_error = next(
        (e for e in document.get("errors") or () if e.get("stage") == "settings"), None
    )
    if isinstance(settings, dict):
        if static and settings_error is not None:
            # Nothing was read: defaults such as DEBUG=False would be invented.
            why = f"settings not read: {settings_error.get('message') or 'not found'}"
            for key in settings:
                unknown.setdefault(f"settings.{key}", why)
        for key, value in settings.items():
            if f"settings.{key}" in unknown:
                settings[key] = None
            elif value is None and (static or key not in _NULLABLE_SETTINGS):
                unknown[f"settings.{key}"] = (
                    STATIC + "not a literal in the settings source"
                    if static
                    else "the setting could not be read"
                )
    document["unknown"] = unknown
    return document


# Settings whose ``None`` is a real value in a live scan, not a gap.
_NULLABLE_SETTINGS = frozenset({"STATIC_URL", "TIME_ZONE"})
