"""Read migration files into plain operation records, without importing them.

The static half of the migration safety lint (:mod:`.migration_lint`): each
``migrations/NNNN_*.py`` file is parsed with :mod:`ast`, never executed, and every
operation of its ``Migration`` class becomes one record in the shape the live probe
emits from Django's migration loader, so one rule set serves both modes.

Stdlib only, and free of newer syntax, so it can also run inside a target's own
interpreter (Python 3.8+) next to the static reader.

A record::

    {"app": "shop", "migration": "0003_price", "index": 0, "op": "AddField",
     "model": "product", "name": "price", "line": 14,
     "field": {"type": "DecimalField", "null": False, "has_default": False,
               "has_db_default": False, "unique": False, "db_index": False},
     "reversible": None, "concurrently": False}

and a migration::

    {"app": "shop", "name": "0003_price", "path": "shop/migrations/0003_price.py",
     "atomic": True, "replaces": [], "dependencies": [["shop", "0002_x"]],
     "operations": [...], "model_imports": [[12, "shop.models"]],
     "suppressed": ["DJM007"], "error": None}
"""

import ast
import re

# ``# djdesk-lint: ignore DJM003, DJM007`` (or ``ignore all``) anywhere in the file.
SUPPRESS_MARKER = re.compile(r"#\s*djdesk-lint:\s*ignore\s+([A-Za-z0-9_,\s]+)")

# Positional parameters of the operations the rules read, in Django's order.
POSITIONAL = {
    "CreateModel": ("name", "fields", "options", "bases", "managers"),
    "DeleteModel": ("name",),
    "RenameModel": ("old_name", "new_name"),
    "AlterModelTable": ("name", "table"),
    "AlterUniqueTogether": ("name", "unique_together"),
    "AlterIndexTogether": ("name", "index_together"),
    "AddField": ("model_name", "name", "field", "preserve_default"),
    "RemoveField": ("model_name", "name"),
    "AlterField": ("model_name", "name", "field", "preserve_default"),
    "RenameField": ("model_name", "old_name", "new_name"),
    "AddIndex": ("model_name", "index"),
    "AddIndexConcurrently": ("model_name", "index"),
    "RemoveIndex": ("model_name", "name"),
    "RemoveIndexConcurrently": ("model_name", "name"),
    "AddConstraint": ("model_name", "constraint"),
    "AddConstraintNotValid": ("model_name", "constraint"),
    "RemoveConstraint": ("model_name", "name"),
    "RunPython": ("code", "reverse_code", "atomic", "hints", "elidable"),
    "RunSQL": ("sql", "reverse_sql", "state_operations", "hints", "elidable"),
    "SeparateDatabaseAndState": ("database_operations", "state_operations"),
}


def callee(node):
    """``migrations.AddField`` / ``AddField`` / ``ops.AddIndexConcurrently`` -> last name."""
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def arguments(call, names):
    """Map a call's positional and keyword arguments onto ``names``."""
    bound = {}
    for name, value in zip(names, call.args):
        bound[name] = value
    for keyword in call.keywords:
        if keyword.arg:
            bound[keyword.arg] = keyword.value
    return bound


def literal(node, default=None):
    if node is None:
        return default
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return default


def is_none(node):
    return node is None or (isinstance(node, ast.Constant) and node.value is None)


def field_record(node):
    """What the rules need of a ``models.XField(...)`` call; unknown parts are None."""
    if not isinstance(node, ast.Call):
        return {"type": None, "null": None, "has_default": None, "has_db_default": None}
    kwargs = {k.arg: k.value for k in node.keywords if k.arg}
    record = {
        "type": callee(node) or None,
        "null": literal(kwargs.get("null"), False) if "null" in kwargs else False,
        "has_default": "default" in kwargs,
        "has_db_default": "db_default" in kwargs,
        "unique": bool(literal(kwargs.get("unique"), False)),
        "db_index": bool(literal(kwargs.get("db_index"), False)),
        "primary_key": bool(literal(kwargs.get("primary_key"), False)),
        "many_to_many": callee(node) == "ManyToManyField",
    }
    if "null" in kwargs and literal(kwargs["null"], None) is None:
        record["null"] = None  # not a literal: unknown, never guessed
    return record


def constraint_record(node):
    """``UniqueConstraint(...)`` / ``CheckConstraint(...)`` / ``Index(...)``."""
    if not isinstance(node, ast.Call):
        return {"type": None, "unique": None}
    kind = callee(node)
    return {"type": kind or None, "unique": kind == "UniqueConstraint"}


def operation_record(call):
    op = callee(call)
    names = POSITIONAL.get(op, ())
    bound = arguments(call, names)
    record = {
        "op": op,
        "line": getattr(call, "lineno", None),
        "model": None,
        "name": None,
        "field": None,
        "reversible": None,
        "concurrently": op.endswith("Concurrently"),
    }
    model = bound.get("model_name", bound.get("name") if op.endswith("Model") else None)
    if op in ("CreateModel", "DeleteModel", "AlterModelTable", "AlterUniqueTogether"):
        model = bound.get("name")
    if op == "RenameModel":
        model = bound.get("old_name")
        record["new_name"] = literal(bound.get("new_name"))
    if model is not None:
        value = literal(model)
        record["model"] = value.lower() if isinstance(value, str) else None
    if op in ("AddField", "RemoveField", "AlterField"):
        record["name"] = literal(bound.get("name"))
    if op == "RenameField":
        record["name"] = literal(bound.get("old_name"))
        record["new_name"] = literal(bound.get("new_name"))
    if op in ("AddField", "AlterField"):
        record["field"] = field_record(bound.get("field"))
    if op == "CreateModel":
        fields = bound.get("fields")
        record["fields"] = []
        if isinstance(fields, (ast.List, ast.Tuple)):
            for item in fields.elts:
                if isinstance(item, ast.Tuple) and len(item.elts) == 2:
                    record["fields"].append([literal(item.elts[0]), field_record(item.elts[1])])
    if op in ("AddConstraint", "AddConstraintNotValid"):
        record["constraint"] = constraint_record(bound.get("constraint"))
    if op in ("AddIndex", "AddIndexConcurrently"):
        record["constraint"] = {"type": "Index", "unique": False}
    if op == "AlterUniqueTogether":
        record["constraint"] = {"type": "unique_together", "unique": True}
    if op == "RunPython":
        record["reversible"] = not is_none(bound.get("reverse_code"))
        code = bound.get("code")
        record["code"] = code.id if isinstance(code, ast.Name) else None
    if op == "RunSQL":
        record["reversible"] = not is_none(bound.get("reverse_sql"))
    if op == "SeparateDatabaseAndState":
        record["database_operations"] = [
            operation_record(inner) for inner in _calls(bound.get("database_operations"))
        ]
    return record


def _calls(node):
    if isinstance(node, (ast.List, ast.Tuple)):
        return [item for item in node.elts if isinstance(item, ast.Call)]
    return []


def migration_class(tree):
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Migration":
            return node
    return None


def class_attribute(cls, name):
    for node in cls.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
            value = node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
            value = node.value
        for target in targets:
            if isinstance(target, ast.Name) and target.id == name:
                return value
    return None


def model_imports(tree, app_modules):
    """Imports of an app's ``models`` module: a data migration must use ``apps.get_model``.

    ``app_modules`` are the dotted names of the project's apps (``shop``,
    ``src.shop``); an import of ``<app>.models`` (or from it) anywhere in the file,
    a function body included, is reported with its line.
    """
    found = []
    targets = set("%s.models" % name for name in app_modules)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module in targets or any(node.module.startswith(t + ".") for t in targets):
                found.append([node.lineno, node.module])
            elif node.module in app_modules and any(a.name == "models" for a in node.names):
                found.append([node.lineno, node.module + ".models"])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in targets:
                    found.append([node.lineno, alias.name])
    return found


def suppressed(source):
    codes = []
    for match in SUPPRESS_MARKER.finditer(source):
        for code in re.split(r"[\s,]+", match.group(1).strip()):
            if code:
                codes.append("all" if code.lower() == "all" else code.upper())
    return sorted(set(codes))


def read_migration(path, app_label, name, relative, app_modules=()):
    """One migration file as a record; a file that cannot be parsed carries ``error``."""
    record = {
        "app": app_label,
        "name": name,
        "path": relative,
        "atomic": True,
        "initial": False,
        "replaces": [],
        "dependencies": [],
        "operations": [],
        "model_imports": [],
        "suppressed": [],
        "error": None,
    }
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        source = raw.decode("utf-8", "replace")
        tree = ast.parse(raw, filename=str(path))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        record["error"] = "%s: %s" % (type(exc).__name__, exc)
        return record
    record["suppressed"] = suppressed(source)
    record["model_imports"] = model_imports(tree, app_modules)
    cls = migration_class(tree)
    if cls is None:
        record["error"] = "no Migration class"
        return record
    atomic = class_attribute(cls, "atomic")
    if atomic is not None:
        value = literal(atomic, None)
        record["atomic"] = value if isinstance(value, bool) else None
    record["initial"] = bool(literal(class_attribute(cls, "initial"), False))
    for key in ("replaces", "dependencies"):
        value = literal(class_attribute(cls, key), [])
        if isinstance(value, (list, tuple)):
            record[key] = [list(item) for item in value if isinstance(item, (list, tuple))]
    operations = class_attribute(cls, "operations")
    for index, call in enumerate(_calls(operations)):
        op = operation_record(call)
        op.update({"app": app_label, "migration": name, "index": index})
        record["operations"].append(op)
    return record
