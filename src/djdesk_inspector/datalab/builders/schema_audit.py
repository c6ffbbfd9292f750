"""Schema audit: models, relations and field statistics from the snapshot's models."""

from __future__ import annotations

from djdesk_inspector.datalab.authoring import Notebook
from djdesk_inspector.datalab.registry import Built, Source

SLUG = "schema-audit"
DATA = "schema.json"


def build(source: Source) -> Built:
    document = source.document
    data = {"apps": document.get("apps") or [], "models": document.get("models") or []}
    nb = Notebook(source, slug=SLUG, title="Schema audit")
    nb.markdown(
        "Every model the scan found, with its fields and relations. Concrete models are "
        "the ones with a table of their own (not abstract, not proxies, not the "
        "auto-created tables behind many-to-many fields)."
    )
    nb.setup([DATA])
    nb.markdown("## Overview")
    nb.code("""
MODELS = SCHEMA["models"]


def kind(model):
    if model.get("abstract"):
        return "abstract"
    if model.get("proxy"):
        return "proxy"
    if model.get("auto_created"):
        return "auto-created (M2M through)"
    return "concrete"


CONCRETE = [m for m in MODELS if kind(m) == "concrete"]
FIELDS = [(m, f) for m in CONCRETE for f in m.get("fields") or []]
kinds = Counter(kind(m) for m in MODELS)
show(
    [
        ("apps", len(SCHEMA["apps"])),
        *sorted(kinds.items()),
        ("fields on concrete models", len(FIELDS)),
        ("relations from concrete models", sum(1 for _, f in FIELDS if f.get("relation"))),
    ],
    ["what", "count"],
)
""")
    nb.markdown("## Models per app")
    nb.code("""
per_app = defaultdict(lambda: [0, 0, 0])
for model in CONCRETE:
    counts = per_app[model["app_label"]]
    counts[0] += 1
    counts[1] += len(model.get("fields") or [])
    counts[2] += sum(1 for f in model.get("fields") or [] if f.get("relation"))
rows = sorted(((app, *c) for app, c in per_app.items()), key=lambda r: (-r[1], r[0]))
show(rows, ["app", "models", "fields", "relations"])
bar_chart({app: models for app, models, _, _ in rows}, "Concrete models per app")
""")
    nb.markdown(
        "## Field types",
        "How often each field class is used, and how often it is nullable or unique.",
    )
    nb.code("""
types = defaultdict(lambda: [0, 0, 0])
for _, field in FIELDS:
    counts = types[field.get("type") or "?"]
    counts[0] += 1
    counts[1] += bool(field.get("null"))
    counts[2] += bool(field.get("unique")) and not field.get("primary_key")
rows = sorted(((name, *c) for name, c in types.items()), key=lambda r: (-r[1], r[0]))
show(rows, ["field type", "fields", "nullable", "unique (not pk)"])
""")
    nb.markdown("## Relations")
    nb.code("""
RELATIONS = [
    (model["label"], field["name"], field["relation"].get("kind"), field["relation"].get("target"),
     field["relation"].get("related_name") or "", bool(field.get("null")))
    for model, field in FIELDS
    if field.get("relation")
]
show(sorted(Counter(r[2] for r in RELATIONS).items()), ["kind", "relations"])
show(sorted(RELATIONS), ["model", "field", "kind", "target", "related_name", "null"], limit=60)
""")
    nb.markdown("## Largest models")
    nb.code("""
largest = sorted(CONCRETE, key=lambda m: (-len(m.get("fields") or []), m["label"]))[:15]
show([(m["label"], len(m.get("fields") or [])) for m in largest], ["model", "fields"])
""")
    nb.markdown(
        "## Models nothing points to",
        "Concrete models that no relation targets: entry points of the schema, or leftovers.",
    )
    nb.code("""
targets = {target for *_, target, _, _ in RELATIONS if target}
lonely = [
    (m["label"], sum(1 for f in m.get("fields") or [] if f.get("relation")))
    for m in CONCRETE
    if m["label"] not in targets
]
show(sorted(lonely), ["model", "outgoing relations"])
""")
    nb.markdown("## Field statistics per model")
    nb.code("""
stats = [
    (
        m["label"],
        len(m.get("fields") or []),
        sum(1 for f in m.get("fields") or [] if f.get("null")),
        sum(1 for f in m.get("fields") or [] if f.get("unique") and not f.get("primary_key")),
        sum(1 for f in m.get("fields") or [] if f.get("relation")),
        sum(1 for f in m.get("fields") or [] if f.get("inherited_from")),
    )
    for m in CONCRETE
]
show(sorted(stats), ["model", "fields", "nullable", "unique", "relations", "inherited"], limit=100)
""")
    return Built(nb.build(), {DATA: data})
