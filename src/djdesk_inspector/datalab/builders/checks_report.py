"""Checks report: system check messages, deployment checks too, by level, app and id."""

from __future__ import annotations

from djdesk_inspector.datalab.authoring import Notebook
from djdesk_inspector.datalab.registry import Built, Source

SLUG = "checks-report"
DATA = "checks.json"


def build(source: Source) -> Built:
    checks = source.document.get("checks") or {}
    data = {
        "known": not source.unknown("checks") and bool(checks),
        "messages": checks.get("messages") or [],
        "deploy": checks.get("deploy") or [],
    }
    nb = Notebook(source, slug=SLUG, title="Checks report")
    nb.markdown(
        "What ``manage.py check`` and ``manage.py check --deploy`` reported when the "
        "project was scanned. Silenced messages are left out."
    )
    nb.setup([DATA])
    nb.markdown("## Overview")
    nb.code("""
LEVELS = ["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"]
if not CHECKS["known"]:
    print("Checks were not run for this snapshot (a static scan runs no project code).")
ALL = [dict(m, deploy=False) for m in CHECKS["messages"]] + [
    dict(m, deploy=True) for m in CHECKS["deploy"]
]
by_level = Counter((m.get("level") or "?", m["deploy"]) for m in ALL)
show(
    [(level, by_level.get((level, False), 0), by_level.get((level, True), 0)) for level in LEVELS],
    ["level", "check", "check --deploy"],
)
""")
    nb.markdown("## Messages", "Most severe first.")
    nb.code("""
def row(m):
    return (m.get("level") or "?", m.get("id") or "", m.get("obj") or "", m.get("msg") or "",
            m.get("hint") or "")


ordered = sorted(ALL, key=lambda m: (-(m.get("level_no") or 0), m.get("id") or ""))
show([row(m) for m in ordered if not m["deploy"]], ["level", "id", "object", "message", "hint"], limit=100)
""")
    nb.markdown("## Deployment checks")
    nb.code("""
show([row(m) for m in ordered if m["deploy"]], ["level", "id", "object", "message", "hint"], limit=100)
""")
    nb.markdown("## By app and by check id", "The part of a check id before the dot names its app.")
    nb.code("""
apps = Counter((m.get("id") or "?").split(".", 1)[0] for m in ALL)
show(apps.most_common(), ["app", "messages"])
ids = Counter(m.get("id") or "?" for m in ALL)
show(ids.most_common(30), ["check id", "messages"])
bar_chart(dict(apps.most_common()), "Check messages per app")
""")
    return Built(nb.build(), {DATA: data})
