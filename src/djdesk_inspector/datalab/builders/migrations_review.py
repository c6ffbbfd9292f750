"""Migrations review: per-app counts, unapplied migrations, conflicts, missing changes."""

from __future__ import annotations

from typing import Any

from djdesk_inspector.datalab.authoring import Notebook
from djdesk_inspector.datalab.registry import Built, Source

SLUG = "migrations-review"
DATA = "migrations.json"
EMPTY: dict[str, Any] = {
    "db_reachable": False,
    "db_error": None,
    "apps": {},
    "unapplied": [],
    "conflicts": {},
    "missing": {"has_changes": None, "apps": {}},
}


def build(source: Source) -> Built:
    data = {**EMPTY, **(source.document.get("migrations") or {})}
    nb = Notebook(source, slug=SLUG, title="Migrations review")
    nb.markdown(
        "The migration graph of every app, as the scan read it from the migration files "
        "and, when the database was reachable, from its ``django_migrations`` table."
    )
    nb.setup([DATA])
    nb.markdown("## Overview")
    nb.code("""
APPS = MIGRATIONS.get("apps") or {}
NODES = [(app, node) for app, info in APPS.items() for node in info.get("nodes") or []]
REACHABLE = bool(MIGRATIONS.get("db_reachable"))
if not REACHABLE:
    print("The database was not reachable, so applied state is unknown:",
          MIGRATIONS.get("db_error") or "no database read in this scan")
show(
    [
        ("apps with migrations", len(APPS)),
        ("migrations", len(NODES)),
        ("applied", sum(1 for _, n in NODES if n.get("applied")) if REACHABLE else "?"),
        ("unapplied", len(MIGRATIONS.get("unapplied") or []) if REACHABLE else "?"),
        ("apps with conflicting leaves", len(MIGRATIONS.get("conflicts") or {})),
        ("apps with model changes but no migration",
         len((MIGRATIONS.get("missing") or {}).get("apps") or {})),
    ],
    ["what", "count"],
)
""")
    nb.markdown("## Per app")
    nb.code("""
pending = Counter(app for app, _ in MIGRATIONS.get("unapplied") or [])
rows = []
for app, info in sorted(APPS.items()):
    nodes = info.get("nodes") or []
    rows.append((
        app,
        len(nodes),
        sum(1 for n in nodes if n.get("applied")) if REACHABLE else "?",
        pending.get(app, 0) if REACHABLE else "?",
        ", ".join(info.get("leaves") or []),
        sum(1 for n in nodes if n.get("replaces")),
        "yes" if info.get("conflict") else "",
    ))
show(rows, ["app", "migrations", "applied", "unapplied", "leaves", "squashed", "conflict"], limit=100)
bar_chart({row[0]: row[1] for row in rows}, "Migrations per app")
""")
    nb.markdown("## Not applied yet", "In the order ``migrate`` would apply them.")
    nb.code("""
show(
    [(i, app, name) for i, (app, name) in enumerate(MIGRATIONS.get("unapplied") or [], 1)],
    ["#", "app", "migration"],
    limit=100,
)
""")
    nb.markdown(
        "## Conflicts",
        "Apps with more than one leaf migration; ``makemigrations --merge`` joins them.",
    )
    nb.code("""
show(
    [(app, ", ".join(leaves)) for app, leaves in sorted((MIGRATIONS.get("conflicts") or {}).items())],
    ["app", "leaves"],
)
""")
    nb.markdown("## Model changes without a migration")
    nb.code("""
missing = MIGRATIONS.get("missing") or {}
if missing.get("has_changes") is None:
    print("Unknown in this scan (it needs the project's own Django).")
show(
    [(app, op) for app, ops in sorted((missing.get("apps") or {}).items()) for op in ops],
    ["app", "operation"],
)
""")
    nb.markdown("## Dependencies between apps")
    nb.code("""
cross = Counter()
for app, node in NODES:
    for other, _ in node.get("dependencies") or []:
        if other != app:
            cross[(app, other)] += 1
show(sorted((a, b, n) for (a, b), n in cross.items()), ["app", "depends on", "migrations"], limit=60)
""")
    return Built(nb.build(), {DATA: data})
