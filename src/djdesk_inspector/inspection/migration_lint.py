"""Migration safety lint: risky operations found before ``migrate`` touches real data.

The rules are one declared table (:data:`RULES`); each reads operation records (from
:mod:`.migration_ops` when static, from the migration loader when live: the same
shape) and yields findings with a stable id, a severity, the app, migration and
operation index, the file and line, and a docs anchor. Only the project's own apps
are linted: third-party migrations are not the developer's to change.

Suppression, documented in ``docs/migrations.rst``:

* per migration, a comment ``# djdesk-lint: ignore DJM003`` (or ``ignore all``) in
  the migration file;
* per project, ``[tool.djdesk.migration-lint] ignore = ["DJM007", "shop.DJM003",
  "shop.0004_drop_legacy.DJM003"]`` in the project's ``pyproject.toml``, read as
  text, never by running the project.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from djdesk_inspector.inspection import migration_ops

DOCS_PAGE = "migrations.html"

Record = dict[str, Any]


@dataclass(frozen=True)
class Rule:
    id: str
    slug: str
    severity: str  # "error" | "warning" | "info"
    title: str
    explanation: str
    check: Callable[[Record, LintState], str | None] = field(repr=False, compare=False)

    @property
    def docs(self) -> str:
        return f"{DOCS_PAGE}#{self.slug}"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    title: str
    message: str
    app: str
    migration: str
    operation: int | None
    path: str
    line: int | None
    docs: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LintState:
    """What earlier migrations created: tables, and each field's type."""

    vendor: str = ""
    tables: set[tuple[str, str]] = field(default_factory=set)
    field_types: dict[tuple[str, str, str], str | None] = field(default_factory=dict)
    migration: Record = field(default_factory=dict)
    created_here: set[tuple[str, str]] = field(default_factory=set)

    def existing(self, record: Record) -> bool:
        key = (record["app"], record.get("model") or "")
        return key in self.tables and key not in self.created_here


# -- the rules ---------------------------------------------------------------------


def _not_null_without_default(op: Record, state: LintState) -> str | None:
    spec = op.get("field") or {}
    if op["op"] != "AddField" or spec.get("many_to_many") or spec.get("null") is not False:
        return None
    if spec.get("has_default") or spec.get("has_db_default") or spec.get("primary_key"):
        return None
    return (
        f"{op['model']}.{op['name']} is added NOT NULL with no default: migrate fails on a "
        "table that has rows, and code still running without the field cannot insert."
    )


def _not_null_python_default(op: Record, state: LintState) -> str | None:
    spec = op.get("field") or {}
    if op["op"] != "AddField" or spec.get("many_to_many") or spec.get("null") is not False:
        return None
    if not spec.get("has_default") or spec.get("has_db_default"):
        return None
    return (
        f"{op['model']}.{op['name']} is added NOT NULL with a Python default only: the "
        "column is backfilled, then has no database default, so older code that inserts "
        "rows during a rolling deploy fails. Use db_default (Django 5.0+) or add it nullable."
    )


def _drop_column(op: Record, state: LintState) -> str | None:
    if op["op"] != "RemoveField":
        return None
    return f"{op['model']}.{op['name']} is dropped: code still reading the column breaks."


def _rename_column(op: Record, state: LintState) -> str | None:
    if op["op"] != "RenameField":
        return None
    return (
        f"{op['model']}.{op['name']} is renamed to {op.get('new_name')}: code still using "
        "the old column name breaks until it is deployed."
    )


def _drop_table(op: Record, state: LintState) -> str | None:
    if op["op"] != "DeleteModel":
        return None
    return f"The table of {op['model']} is dropped, with its rows."


def _rename_table(op: Record, state: LintState) -> str | None:
    if op["op"] == "RenameModel":
        return f"{op['model']} is renamed to {op.get('new_name')}: its table is renamed too."
    if op["op"] == "AlterModelTable":
        return f"The table of {op['model']} is renamed (db_table changed)."
    return None


def _alter_type(op: Record, state: LintState) -> str | None:
    if op["op"] != "AlterField":
        return None
    key = (op["app"], op.get("model") or "", op.get("name") or "")
    before = state.field_types.get(key)
    after = (op.get("field") or {}).get("type")
    if before is None or after is None or before == after:
        return None
    return (
        f"{op['model']}.{op['name']} changes from {before} to {after}: the column type "
        "changes, which rewrites the table on most databases and can fail on existing data."
    )


def _irreversible(kind: str) -> Callable[[Record, LintState], str | None]:
    reverse = "reverse_code" if kind == "RunPython" else "reverse_sql"

    def check(op: Record, state: LintState) -> str | None:
        if op["op"] != kind or op.get("reversible") is not False:
            return None
        return f"{kind} without {reverse}: this migration cannot be unapplied."

    return check


def _unique_or_index_on_existing(op: Record, state: LintState) -> str | None:
    spec = op.get("constraint") or {}
    field_spec = op.get("field") or {}
    adds_index = op["op"] in ("AddIndex", "AddConstraint", "AlterUniqueTogether") or (
        op["op"] == "AlterField" and (field_spec.get("unique") or field_spec.get("db_index"))
    )
    if not adds_index or op.get("concurrently") or not state.existing(op):
        return None
    what = "a unique constraint" if spec.get("unique") or field_spec.get("unique") else "an index"
    if op["op"] == "AddConstraint" and spec.get("type") not in ("UniqueConstraint", None):
        what = f"a {spec.get('type')}"
    advice = (
        " On PostgreSQL, use AddIndexConcurrently / a NOT VALID constraint in a non-atomic "
        "migration."
        if state.vendor in ("", "postgresql")
        else ""
    )
    return (
        f"{what.capitalize()} is added to the existing table of {op['model']}: the table is "
        f"locked while it builds, and existing duplicates make it fail.{advice}"
    )


def _non_atomic(op: Record, state: LintState) -> str | None:
    if op["index"] != 0 or state.migration.get("atomic") is not False:
        return None
    return (
        "atomic = False: a failure halfway leaves the schema partly migrated; keep such "
        "migrations to the one operation that needs it."
    )


def _direct_model_import(op: Record, state: LintState) -> str | None:
    if op["op"] != "RunPython" or not state.migration.get("model_imports"):
        return None
    line, module = state.migration["model_imports"][0]
    return (
        f"This data migration imports {module} (line {line}): it gets today's models, not "
        "the historical ones. Use apps.get_model() in the function."
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "DJM001",
        "add-not-null-column",
        "error",
        "NOT NULL column added without a default",
        "Adding a NOT NULL column with neither default nor db_default fails on a table "
        "that has rows, and breaks code that inserts without it.",
        _not_null_without_default,
    ),
    Rule(
        "DJM002",
        "add-not-null-python-default",
        "info",
        "NOT NULL column added with only a Python default",
        "Django backfills the column, then drops the default: the database has none.",
        _not_null_python_default,
    ),
    Rule(
        "DJM003",
        "drop-column",
        "error",
        "Column removed",
        "Running code still reads the column until the new code is deployed.",
        _drop_column,
    ),
    Rule(
        "DJM004",
        "rename-column",
        "error",
        "Column renamed",
        "Old and new code disagree on the column's name during a deploy.",
        _rename_column,
    ),
    Rule(
        "DJM005",
        "drop-table",
        "error",
        "Table removed",
        "The rows are gone, and running code still queries the table.",
        _drop_table,
    ),
    Rule(
        "DJM006",
        "rename-table",
        "error",
        "Table renamed",
        "Old and new code disagree on the table's name during a deploy.",
        _rename_table,
    ),
    Rule(
        "DJM007",
        "alter-column-type",
        "warning",
        "Column type changed",
        "A type change rewrites the table and can fail on existing values.",
        _alter_type,
    ),
    Rule(
        "DJM008",
        "runpython-no-reverse",
        "warning",
        "RunPython without reverse_code",
        "The migration cannot be rolled back; pass migrations.RunPython.noop at least.",
        _irreversible("RunPython"),
    ),
    Rule(
        "DJM009",
        "runsql-no-reverse",
        "warning",
        "RunSQL without reverse_sql",
        "The migration cannot be rolled back; give the SQL that undoes it.",
        _irreversible("RunSQL"),
    ),
    Rule(
        "DJM010",
        "index-on-existing-table",
        "warning",
        "Unique constraint or index added to an existing table",
        "Building it locks the table; on PostgreSQL use the Concurrently operations.",
        _unique_or_index_on_existing,
    ),
    Rule(
        "DJM011",
        "non-atomic-migration",
        "warning",
        "Non-atomic migration",
        "A failure halfway leaves the schema partly migrated.",
        _non_atomic,
    ),
    Rule(
        "DJM012",
        "direct-model-import",
        "error",
        "Data migration imports models directly",
        "Imported models are today's, not the historical state the migration runs against.",
        _direct_model_import,
    ),
)

RULE_IDS = tuple(rule.id for rule in RULES)


# -- reading the project -------------------------------------------------------------


@dataclass(frozen=True)
class ProjectApp:
    label: str
    module: str
    path: Path  # the app's package folder


def read_project(project: Path, apps: Iterable[ProjectApp]) -> list[Record]:
    """Every migration file of the project's own apps, parsed (never imported)."""
    apps = list(apps)
    modules = tuple(app.module for app in apps)
    migrations: list[Record] = []
    for app in apps:
        folder = app.path / "migrations"
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("[0-9]*.py")):
            relative = _relative(path, project)
            migrations.append(
                migration_ops.read_migration(path, app.label, path.stem, relative, modules)
            )
    return migrations


def _relative(path: Path, project: Path) -> str:
    try:
        return path.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def ignore_list(project: Path) -> tuple[str, ...]:
    """``[tool.djdesk.migration-lint] ignore`` from the project's pyproject.toml."""
    pyproject = project / "pyproject.toml"
    if not pyproject.is_file():
        return ()
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    section = data.get("tool", {}).get("djdesk", {}).get("migration-lint", {})
    ignore = section.get("ignore", []) if isinstance(section, dict) else []
    return tuple(str(item) for item in ignore if isinstance(item, str))


# -- running the rules -------------------------------------------------------------


def ordered(migrations: list[Record]) -> list[Record]:
    """Dependency order within each app (the graph's order), then by app."""
    by_key = {(m["app"], m["name"]): m for m in migrations}
    done: set[tuple[str, str]] = set()
    result: list[Record] = []

    def visit(key: tuple[str, str], trail: frozenset[tuple[str, str]]) -> None:
        if key in done or key not in by_key or key in trail:
            return
        for dep in by_key[key]["dependencies"]:
            if len(dep) == 2 and dep[0] == key[0]:
                visit((dep[0], dep[1]), trail | {key})
        done.add(key)
        result.append(by_key[key])

    for key in sorted(by_key):
        visit(key, frozenset())
    return result


def _ignored(finding: Finding, migration: Record, ignore: Iterable[str]) -> bool:
    marks = migration.get("suppressed") or []
    if "all" in marks or finding.rule in marks:
        return True
    keys = {
        finding.rule,
        f"{finding.app}.{finding.rule}",
        f"{finding.app}.{finding.migration}.{finding.rule}",
    }
    return any(item in keys for item in ignore)


def _track(op: Record, state: LintState) -> None:
    """Update what exists after ``op`` (tables and field types)."""
    app, model = op["app"], op.get("model") or ""
    if op["op"] == "CreateModel":
        state.tables.add((app, model))
        state.created_here.add((app, model))
        for name, spec in op.get("fields") or []:
            state.field_types[(app, model, str(name))] = (spec or {}).get("type")
    elif op["op"] == "DeleteModel":
        state.tables.discard((app, model))
    elif op["op"] == "RenameModel" and op.get("new_name"):
        state.tables.discard((app, model))
        state.tables.add((app, str(op["new_name"]).lower()))
    elif op["op"] in ("AddField", "AlterField"):
        state.field_types[(app, model, op.get("name") or "")] = (op.get("field") or {}).get("type")
    elif op["op"] == "RemoveField":
        state.field_types.pop((app, model, op.get("name") or ""), None)


def lint(
    migrations: list[Record],
    *,
    vendor: str = "",
    ignore: Iterable[str] = (),
    only: Iterable[tuple[str, str]] | None = None,
) -> list[Finding]:
    """Findings for ``migrations`` (all of them, or the ``only`` keys, e.g. pending).

    Every migration is walked in order so table and field state is right; findings
    are reported for the ones selected.
    """
    ignore = tuple(ignore)
    selected = None if only is None else {tuple(key) for key in only}
    state = LintState(vendor=vendor)
    findings: list[Finding] = []
    for migration in ordered(migrations):
        state.migration = migration
        state.created_here = set()
        report = selected is None or (migration["app"], migration["name"]) in selected
        for op in _flatten(migration["operations"]):
            if report:
                findings.extend(_apply(op, state, migration, ignore))
            _track(op, state)
    return findings


def _flatten(operations: list[Record]) -> Iterator[Record]:
    for op in operations:
        inner = op.get("database_operations")
        if op["op"] == "SeparateDatabaseAndState" and inner is not None:
            for child in inner:
                yield {
                    **child,
                    "app": op["app"],
                    "migration": op["migration"],
                    "index": op["index"],
                }
        else:
            yield op


def _apply(
    op: Record, state: LintState, migration: Record, ignore: tuple[str, ...]
) -> list[Finding]:
    found = []
    for rule in RULES:
        message = rule.check(op, state)
        if message is None:
            continue
        finding = Finding(
            rule=rule.id,
            severity=rule.severity,
            title=rule.title,
            message=message,
            app=migration["app"],
            migration=migration["name"],
            operation=op.get("index"),
            path=migration.get("path") or "",
            line=op.get("line"),
            docs=rule.docs,
        )
        if not _ignored(finding, migration, ignore):
            found.append(finding)
    return found


def parse_errors(migrations: list[Record]) -> list[dict[str, str]]:
    """Migration files the reader could not parse: listed, never dropped."""
    return [{"path": m["path"], "error": m["error"]} for m in migrations if m.get("error")]


def summary(findings: list[Finding]) -> Mapping[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return counts
