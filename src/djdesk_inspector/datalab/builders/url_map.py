"""URL map: every URL pattern with name and view, by namespace, include and view."""

from __future__ import annotations

from djdesk_inspector.datalab.authoring import Notebook
from djdesk_inspector.datalab.registry import Built, Source

SLUG = "url-map"
DATA = "urls.json"


def build(source: Source) -> Built:
    urls = source.document.get("urls")
    data = {"known": urls is not None and not source.unknown("urls"), "urls": urls or []}
    nb = Notebook(source, slug=SLUG, title="URL map")
    nb.markdown(
        "The project's URL patterns, flattened in resolution order: each route is the "
        "full path a request matches, ``includes`` the prefixes it sits under."
    )
    nb.setup([DATA])
    nb.markdown("## Overview")
    nb.code("""
import re

ROUTES = URLS["urls"]
if not URLS["known"]:
    print("URLs were not read for this snapshot (a static scan runs no project code).")
show(
    [
        ("patterns", len(ROUTES)),
        ("named", sum(1 for u in ROUTES if u.get("name"))),
        ("unnamed", sum(1 for u in ROUTES if not u.get("name"))),
        ("distinct views", len({u.get("view") for u in ROUTES})),
        ("namespaces", len({":".join(u.get("namespaces") or []) for u in ROUTES} - {""})),
    ],
    ["what", "count"],
)
""")
    nb.markdown("## By namespace and by include")
    nb.code("""
namespaces = Counter(":".join(u.get("namespaces") or []) or "(none)" for u in ROUTES)
show(namespaces.most_common(), ["namespace", "patterns"])
includes = Counter((u.get("includes") or ["(root)"])[0] for u in ROUTES)
show(includes.most_common(), ["first include", "patterns"])
bar_chart(dict(includes.most_common()), "Patterns per top-level include")
""")
    nb.markdown("## Views with the most routes")
    nb.code("""
views = Counter(u.get("view") or "?" for u in ROUTES)
show(views.most_common(20), ["view", "patterns"])
""")
    nb.markdown(
        "## Names",
        "Unnamed routes cannot be reversed; a duplicate name reverses to only one of its routes.",
    )
    nb.code("""
show([(u.get("route"), u.get("view")) for u in ROUTES if not u.get("name")], ["unnamed route", "view"])
qualified = Counter(u.get("qualified_name") for u in ROUTES if u.get("qualified_name"))
show(
    [(name, n, ", ".join(u["route"] for u in ROUTES if u.get("qualified_name") == name))
     for name, n in qualified.items() if n > 1],
    ["duplicate name", "patterns", "routes"],
)
""")
    nb.markdown("## Path converters")
    nb.code("""
converters = Counter(
    match or "str"
    for u in ROUTES
    for match in re.findall(r"<(?:(\\w+):)?\\w+>", u.get("route") or "")
)
show(converters.most_common(), ["converter", "uses"])
""")
    nb.markdown("## All patterns")
    nb.code("""
show(
    [(u.get("route"), u.get("qualified_name") or "", u.get("view") or "") for u in ROUTES],
    ["route", "name", "view"],
    limit=200,
)
""")
    return Built(nb.build(), {DATA: data})
