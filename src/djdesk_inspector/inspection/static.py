"""Static scan: read a project's settings, models and migrations with :mod:`ast` only.

Used when no interpreter can run the live probe, or on request. No code of the
project is executed, so only what is written literally can be known. The document
has the live schema with ``mode: "static"``; what a static scan cannot know is
``null`` and named in ``document["unknown"]``:

* ``python``, ``django``: versions (nothing is run).
* ``applied``: migration ``applied`` flags are ``null``, ``unapplied`` is ``[]``
  and ``db_reachable`` is ``false`` (the database is never opened).
* ``missing``: ``missing.has_changes`` is ``null`` (needs the autodetector).
* ``checks``, ``urls``: empty lists (need Django running).

Further limits, all documented rather than guessed:

* Apps come from a literal ``INSTALLED_APPS`` (``+``, ``+=``, ``*spread`` of other
  literal lists and ``from .base import *`` inside the project are followed). If it
  is not literal, every folder with ``models.py``/``migrations/`` is taken as an app.
  Apps outside the project (Django's own, third-party) are listed with ``path: null``
  and their models are not read.
* Models: classes deriving (transitively) from ``models.Model`` or Django's abstract
  user/session bases. Fields are class attributes assigned a call of a ``*Field``,
  ``ForeignKey``, ``GenericForeignKey`` or ``GenericRelation``; fields inherited from
  models outside the project are absent. ``internal_type`` is ``null``; ``null``,
  ``unique``, ``primary_key``, ``db_column``, ``related_name``, ``to`` and
  ``through`` are read when literal. The implicit ``id`` and multi-table ``*_ptr``
  fields are added as Django would. Auto-created M2M through models are not listed
  (their label is still given on the M2M field).
* Migrations: ``dependencies``, ``replaces``, ``run_before`` and ``initial`` of each
  ``Migration`` class; ``swappable_dependency(settings.AUTH_USER_MODEL)`` resolves
  through the literal ``AUTH_USER_MODEL``; squashed migrations replace the ones
  they squash (as Django does when none is applied). Dependencies on apps outside
  the project keep their written name (``__first__`` included).
"""

from __future__ import annotations

import ast
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from djdesk_inspector import detection
from djdesk_inspector.inspection.errors import ScanError
from djdesk_inspector.inspection.probe_script import PROBE_VERSION
from djdesk_inspector.kernel.redaction import redact_mapping

STATIC_UNKNOWN = ("python", "django", "applied", "missing", "checks", "urls")
_SKIP_DIRS = {*detection.VENV_DIRS, "node_modules", "__pycache__", "site-packages", "build"}
_UNKNOWN = object()
# Django's own model bases, by the name they are imported under.
_DJANGO_BASES = {
    "Model": None,
    "AbstractBaseUser": "auth.AbstractBaseUser",
    "AbstractUser": "auth.AbstractUser",
    "PermissionsMixin": "auth.PermissionsMixin",
    "AbstractBaseSession": "sessions.AbstractBaseSession",
}
_FIELD_SUFFIXES = ("Field", "ForeignKey", "ParentalKey")
_GENERIC_FK = "GenericForeignKey"
_GENERIC_REL = "GenericRelation"


# -- tiny literal evaluator ---------------------------------------------------


def _eval(node: ast.AST | None, env: dict[str, Any]) -> Any:
    """Value of a literal expression, following names in ``env``; else ``_UNKNOWN``."""
    if node is None:
        return _UNKNOWN
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items: list[Any] = []
        for element in node.elts:
            if isinstance(element, ast.Starred):
                inner = _eval(element.value, env)
                if not isinstance(inner, (list, tuple)):
                    return _UNKNOWN
                items.extend(inner)
            else:
                items.append(_eval(element, env))
        return tuple(items) if isinstance(node, ast.Tuple) else items
    if isinstance(node, ast.Dict):
        result: dict[Any, Any] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                inner = _eval(value, env)
                if isinstance(inner, dict):
                    result.update(inner)
                continue
            k = _eval(key, env)
            if k is not _UNKNOWN and not isinstance(k, (list, dict)):
                result[k] = _eval(value, env)
        return result
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _eval(node.left, env), _eval(node.right, env)
        if isinstance(left, list) and isinstance(right, (list, tuple)):
            return left + list(right)
        if isinstance(left, tuple) and isinstance(right, (list, tuple)):
            return left + tuple(right)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        return _UNKNOWN
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _eval(node.operand, env)
        return -value if isinstance(value, (int, float)) else _UNKNOWN
    if isinstance(node, ast.Name):
        return env.get(node.id, _UNKNOWN)
    return _UNKNOWN


def _known(value: Any) -> Any:
    """``_UNKNOWN`` (also nested) becomes ``None`` for the document."""
    if value is _UNKNOWN:
        return None
    if isinstance(value, dict):
        return {k: _known(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_known(v) for v in value]
    return value


def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return None


def _module_file(project: Path, dotted: str) -> Path | None:
    base = project.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


# -- settings -----------------------------------------------------------------


class _Settings:
    """Module-level literal assignments of the settings module (star imports followed)."""

    def __init__(self, project: Path, module: str) -> None:
        self.project = project
        self.values: dict[str, Any] = {}
        self.assigned: set[str] = set()
        self.found = False
        self._load(module, set())

    def _load(self, module: str, seen: set[str]) -> None:
        if module in seen:
            return
        seen.add(module)
        path = _module_file(self.project, module)
        tree = _parse(path) if path else None
        if tree is None:
            return
        self.found = True
        package = module if path and path.name == "__init__.py" else module.rpartition(".")[0]
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                self._load(_absolute(package, node.module, node.level), seen)
            elif isinstance(node, ast.Assign):
                value = _eval(node.value, self.values)
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.values[target.id] = value
                        self.assigned.add(target.id)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                self.values[node.target.id] = _eval(node.value, self.values)
                self.assigned.add(node.target.id)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                name = node.target.id
                combined = ast.BinOp(left=ast.Name(id=name), op=node.op, right=node.value)
                self.values[name] = _eval(combined, self.values)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


def _absolute(package: str, module: str | None, level: int) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".") if package else []
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, module] if module else parts)


# -- apps ---------------------------------------------------------------------


@dataclass
class _App:
    label: str
    name: str
    path: Path | None
    verbose_name: str | None = None
    default_auto_field: str | None = None


def _app_config(tree: ast.Module | None, class_name: str | None) -> dict[str, Any]:
    """Literal attributes of the AppConfig Django would pick in ``apps.py``."""
    if tree is None:
        return {}
    configs: list[tuple[str, dict[str, Any]]] = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        if not any(_name_of(b).endswith("AppConfig") for b in node.bases):
            continue
        attrs = {}
        for item in node.body:
            if isinstance(item, ast.Assign) and len(item.targets) == 1:
                target = item.targets[0]
                if isinstance(target, ast.Name):
                    attrs[target.id] = _eval(item.value, {})
        configs.append((node.name, attrs))
    if class_name:
        return next((attrs for name, attrs in configs if name == class_name), {})
    defaults = [attrs for _, attrs in configs if attrs.get("default") is True]
    if len(defaults) == 1:
        return defaults[0]
    return configs[0][1] if len(configs) == 1 else {}


def _resolve_app(project: Path, entry: str) -> _App:
    package = project.joinpath(*entry.split("."))
    config_class = None
    name = entry
    if not package.is_dir():
        module, _, config_class = entry.rpartition(".")
        module_path = _module_file(project, module) if module else None
        if module_path is None:
            label = entry.split(".apps.")[0].rpartition(".")[2] if ".apps." in entry else None
            return _App(label=label or entry.rpartition(".")[2], name=entry, path=None)
        attrs = _app_config(_parse(module_path), config_class)
        declared = attrs.get("name")
        name = declared if isinstance(declared, str) else module.rpartition(".")[0] or module
        package = project.joinpath(*name.split("."))
    else:
        attrs = _app_config(_parse(package / "apps.py"), None)
    label = attrs.get("label")
    verbose = attrs.get("verbose_name")
    auto = attrs.get("default_auto_field")
    return _App(
        label=label if isinstance(label, str) else name.rpartition(".")[2],
        name=name,
        path=package if package.is_dir() else None,
        verbose_name=verbose if isinstance(verbose, str) else None,
        default_auto_field=auto if isinstance(auto, str) else None,
    )


def _discover_apps(project: Path) -> list[str]:
    """Dotted names of folders that look like apps, for non-literal INSTALLED_APPS."""
    found: list[str] = []

    def walk(folder: Path, depth: int) -> None:
        for child in sorted(folder.iterdir()):
            if not child.is_dir() or child.name.startswith(".") or child.name in _SKIP_DIRS:
                continue
            looks_like_app = (
                (child / "models.py").is_file()
                or (child / "models" / "__init__.py").is_file()
                or (child / "migrations" / "__init__.py").is_file()
            )
            if looks_like_app:
                found.append(".".join(child.relative_to(project).parts))
            if depth < 3:
                walk(child, depth + 1)

    walk(project, 1)
    return found


# -- models -------------------------------------------------------------------


@dataclass
class _Class:
    app: _App
    module: str
    node: ast.ClassDef
    imports: dict[str, tuple[str, str]]
    meta: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    model_bases: list[Any] = field(default_factory=list)


def _name_of(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _imports(tree: ast.Module, package: str) -> dict[str, tuple[str, str]]:
    names: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            source = _absolute(package, node.module, node.level)
            for alias in node.names:
                names[alias.asname or alias.name] = (source, alias.name)
    return names


def _model_files(app: _App) -> list[tuple[str, Path]]:
    assert app.path is not None
    single = app.path / "models.py"
    if single.is_file():
        return [(f"{app.name}.models", single)]
    package = app.path / "models"
    if not (package / "__init__.py").is_file():
        return []
    return [
        (f"{app.name}.models" + ("" if p.stem == "__init__" else f".{p.stem}"), p)
        for p in sorted(package.glob("*.py"))
    ]


class _Models:
    """Model classes of the project's apps, resolved across files and apps."""

    def __init__(self, apps: list[_App], settings: _Settings) -> None:
        self.apps = apps
        self.settings = settings
        self.classes: list[_Class] = []
        self.by_label: dict[str, _Class] = {}
        self.user_model = settings.get("AUTH_USER_MODEL")
        if not isinstance(self.user_model, str):
            self.user_model = "auth.User"
        auto = settings.get("DEFAULT_AUTO_FIELD")
        self.default_auto = auto if isinstance(auto, str) else "django.db.models.AutoField"
        for app in apps:
            if app.path is None:
                continue
            for module, path in _model_files(app):
                tree = _parse(path)
                if tree is None:
                    continue
                package = module if path.name == "__init__.py" else module.rpartition(".")[0]
                imports = _imports(tree, package)
                for node in tree.body:
                    if isinstance(node, ast.ClassDef):
                        self.classes.append(_Class(app, module, node, imports))
        self._find_models()
        self._fields: dict[str, list[dict[str, Any]]] = {}

    # resolution of names to classes -------------------------------------------

    def _lookup(self, owner: _Class, node: ast.AST) -> Any:
        """A base/target expression as a ``_Class``, a Django label string, or None."""
        name = _name_of(node)
        if not name:
            return None
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, name) == ("models", "Model")
        ):
            return "Model"
        same_file = [c for c in self.classes if c.module == owner.module and c.node.name == name]
        if same_file and same_file[0] is not owner:
            return same_file[0]
        imported = owner.imports.get(name) if isinstance(node, ast.Name) else None
        if imported:
            source, original = imported
            if original in _DJANGO_BASES and source.startswith("django."):
                return _DJANGO_BASES[original] or "Model"
            for candidate in self.classes:
                if candidate.node.name == original and (
                    source == candidate.module or source.startswith(candidate.app.name)
                ):
                    return candidate
            parts = source.split(".")
            if "models" in parts[1:]:
                # A model of an app outside the project (django.contrib.auth.models.Group,
                # django_extensions.db.models.TimeStampedModel): known by label only.
                app_label = parts[2] if parts[:2] == ["django", "contrib"] else parts[0]
                return f"{app_label}.{original}"
        if name in _DJANGO_BASES and isinstance(node, ast.Attribute):
            return _DJANGO_BASES[name] or "Model"
        matches = [c for c in self.classes if c.node.name == name and c is not owner]
        return matches[0] if len(matches) == 1 else None

    def _find_models(self) -> None:
        models: set[int] = set()
        changed = True
        while changed:
            changed = False
            for cls in self.classes:
                if id(cls) in models:
                    continue
                bases = [self._lookup(cls, b) for b in cls.node.bases]
                if any(
                    b == "Model"
                    or isinstance(b, str)
                    or (isinstance(b, _Class) and id(b) in models)
                    for b in bases
                ):
                    models.add(id(cls))
                    cls.model_bases = [b for b in bases if b is not None and b != "Model"]
                    changed = True
        self.classes = [c for c in self.classes if id(c) in models]
        for cls in self.classes:
            cls.meta = self._meta(cls)
            app_label = cls.meta.get("app_label")
            label = app_label if isinstance(app_label, str) else cls.app.label
            cls.label = f"{label}.{cls.node.name}"
            self.by_label[cls.label.lower()] = cls

    def _meta(self, cls: _Class) -> dict[str, Any]:
        for item in cls.node.body:
            if isinstance(item, ast.ClassDef) and item.name == "Meta":
                meta = {}
                for stmt in item.body:
                    if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                        meta[stmt.targets[0].id] = _eval(stmt.value, {})
                return meta
        return {}

    def label_for(self, owner: _Class, node: ast.AST | None) -> str | None:
        """The label a relation's ``to``/``through`` argument points at."""
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if text == "self":
                return owner.label
            if "." not in text:
                text = f"{owner.label.split('.')[0]}.{text}"
            found = self.by_label.get(text.lower())
            return found.label if found else text
        if isinstance(node, ast.Attribute) and node.attr == "AUTH_USER_MODEL":
            return self._user_label()
        if isinstance(node, ast.Call) and _name_of(node.func) == "get_user_model":
            return self._user_label()
        target = self._lookup(owner, node)
        if isinstance(target, _Class):
            return target.label
        return target if isinstance(target, str) and target != "Model" else _name_of(node) or None

    def _user_label(self) -> str:
        found = self.by_label.get(str(self.user_model).lower())
        return found.label if found else str(self.user_model)

    # fields ------------------------------------------------------------------

    def declared_fields(self, cls: _Class) -> list[dict[str, Any]]:
        fields = []
        for stmt in cls.node.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target, value = stmt.targets[0], stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                target, value = stmt.target, stmt.value
            else:
                continue
            if not isinstance(target, ast.Name) or not isinstance(value, ast.Call):
                continue
            kind = _name_of(value.func)
            if not (kind.endswith(_FIELD_SUFFIXES) or kind in (_GENERIC_FK, _GENERIC_REL)):
                continue
            fields.append(self._field(cls, target.id, kind, value))
        return fields

    def _field(self, cls: _Class, name: str, kind: str, call: ast.Call) -> dict[str, Any]:
        kwargs = {k.arg: k.value for k in call.keywords if k.arg}

        def flag(key: str, default: bool = False) -> bool:
            value = _eval(kwargs.get(key), {})
            return value if isinstance(value, bool) else default

        relation: dict[str, Any] | None = None
        primary_key = flag("primary_key")
        unique = flag("unique") or primary_key
        db_column = _eval(kwargs.get("db_column"), {})
        column: str | None = db_column if isinstance(db_column, str) else name
        related_name = _eval(kwargs.get("related_name"), {})
        related_name = related_name if isinstance(related_name, str) else None
        target_node = kwargs.get("to", call.args[0] if call.args else None)
        if kind == _GENERIC_FK:
            args = [_eval(a, {}) for a in call.args]
            relation = {
                "kind": "generic_fk",
                "target": None,
                "ct_field": _eval(kwargs.get("ct_field"), {}) if "ct_field" in kwargs
                else (args[0] if args else "content_type"),
                "fk_field": _eval(kwargs.get("fk_field"), {}) if "fk_field" in kwargs
                else (args[1] if len(args) > 1 else "object_id"),
            }  # fmt: skip
            column = None
        elif kind == _GENERIC_REL:
            relation = {
                "kind": "generic_relation",
                "target": self.label_for(cls, target_node),
                "related_name": related_name,
            }
            column = None
        elif kind.endswith("ManyToManyField"):
            through = self.label_for(cls, kwargs.get("through"))
            relation = {
                "kind": "m2m",
                "target": self.label_for(cls, target_node),
                "related_name": related_name,
                "through": through or f"{cls.label}_{name}",
                "through_auto_created": through is None,
            }
            column = None
        elif kind.endswith(("ForeignKey", "ParentalKey", "OneToOneField")):
            o2o = kind.endswith("OneToOneField")
            relation = {
                "kind": "o2o" if o2o else "fk",
                "target": self.label_for(cls, target_node),
                "related_name": related_name,
                "parent_link": flag("parent_link"),
            }
            unique = unique or o2o
            column = db_column if isinstance(db_column, str) else f"{name}_id"
        return {
            "name": name,
            "type": kind,
            "internal_type": None,
            "column": column,
            "null": flag("null"),
            "unique": unique,
            "primary_key": primary_key,
            "inherited_from": None,
            "relation": relation,
        }

    def _abstract(self, cls: _Class) -> bool:
        return self._meta_flag(cls, "abstract")

    def _meta_flag(self, cls: _Class, key: str) -> bool:
        return cls.meta.get(key) is True

    def fields(self, cls: _Class, stack: tuple[int, ...] = ()) -> list[dict[str, Any]]:
        """All forward fields of ``cls`` in Django's order, inherited ones included."""
        if cls.label in self._fields:
            return self._fields[cls.label]
        if id(cls) in stack:
            return []  # a cycle in bases: give up quietly rather than recurse forever
        stack = (*stack, id(cls))
        own = self.declared_fields(cls)
        local_bases = [b for b in cls.model_bases if isinstance(b, _Class)]
        copied: list[dict[str, Any]] = []
        parents: list[dict[str, Any]] = []
        concrete_parent: _Class | None = None
        for base in local_bases:
            base_fields = self.fields(base, stack)
            if self._abstract(base):
                copied += [dict(f) for f in base_fields]
            elif concrete_parent is None:
                concrete_parent = base
                parents = [
                    dict(f, inherited_from=f["inherited_from"] or base.label) for f in base_fields
                ]
        abstract = self._abstract(cls)
        proxy = self._meta_flag(cls, "proxy")
        if proxy:
            result = parents
        else:
            local = copied + own
            if concrete_parent is not None and not abstract:
                has_link = any(f["relation"] and f["relation"].get("parent_link") for f in local)
                if not has_link:
                    link = concrete_parent.node.name.lower() + "_ptr"
                    local.insert(0, {
                        "name": link, "type": "OneToOneField", "internal_type": None,
                        "column": f"{link}_id", "null": False, "unique": True,
                        "primary_key": True, "inherited_from": None,
                        "relation": {"kind": "o2o", "target": concrete_parent.label,
                                     "related_name": None, "parent_link": True},
                    })  # fmt: skip
            elif not abstract and not any(f["primary_key"] for f in local):
                auto = cls.app.default_auto_field or self.default_auto
                local.insert(0, {
                    "name": "id", "type": auto.rpartition(".")[2], "internal_type": None,
                    "column": "id", "null": False, "unique": True, "primary_key": True,
                    "inherited_from": None, "relation": None,
                })  # fmt: skip
            result = parents + local

        def order(f: dict[str, Any]) -> int:
            kind = (f["relation"] or {}).get("kind")
            return {"m2m": 1, "generic_fk": 2, "generic_relation": 2}.get(kind or "", 0)

        result = sorted(result, key=order)
        self._fields[cls.label] = result
        return result

    def concrete_table(self, cls: _Class, stack: tuple[int, ...] = ()) -> str | None:
        if self._abstract(cls):
            return None
        if self._meta_flag(cls, "proxy"):
            for base in cls.model_bases:
                if isinstance(base, _Class) and not self._abstract(base) and id(base) not in stack:
                    return self.concrete_table(base, (*stack, id(cls)))
            return None
        table = cls.meta.get("db_table")
        if isinstance(table, str):
            return table
        app_label, _, name = cls.label.partition(".")
        return f"{app_label}_{name.lower()}"

    def describe(self) -> list[dict[str, Any]]:
        result = []
        for cls in self.classes:
            managed = cls.meta.get("managed")
            swappable = cls.meta.get("swappable")
            swapped = None
            if isinstance(swappable, str):
                setting = self.settings.get(swappable)
                if isinstance(setting, str) and setting.lower() != cls.label.lower():
                    swapped = setting
            app_label, _, name = cls.label.partition(".")
            bases = [
                b.label if isinstance(b, _Class) else b
                for b in cls.model_bases
                if isinstance(b, (_Class, str))
            ]
            result.append({
                "label": cls.label,
                "app_label": app_label,
                "name": name,
                "db_table": self.concrete_table(cls),
                "abstract": self._abstract(cls),
                "proxy": self._meta_flag(cls, "proxy"),
                "managed": managed if isinstance(managed, bool) else True,
                "auto_created": False,
                "swappable": swappable if isinstance(swappable, str) else None,
                "swapped": swapped,
                "bases": bases,
                "fields": self.fields(cls),
            })  # fmt: skip
        result.sort(key=lambda m: (m["app_label"], m["name"], m["abstract"]))
        return result


# -- migrations ---------------------------------------------------------------


def _migration_class(tree: ast.Module) -> ast.ClassDef | None:
    return next(
        (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Migration"), None
    )


def _keys(node: ast.AST | None, user_model: str) -> list[tuple[str, str]]:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return []
    keys = []
    for element in node.elts:
        if isinstance(element, (ast.Tuple, ast.List)) and len(element.elts) == 2:
            app, name = (_eval(e, {}) for e in element.elts)
            if isinstance(app, str) and isinstance(name, str):
                keys.append((app, name))
        elif isinstance(element, ast.Call) and _name_of(element.func) == "swappable_dependency":
            arg = element.args[0] if element.args else None
            value = _eval(arg, {})
            setting = value if isinstance(value, str) else user_model
            keys.append((setting.split(".")[0], "__first__"))
    return keys


def _migrations(apps: list[_App], user_model: str) -> dict[str, Any]:
    raw: dict[tuple[str, str], dict[str, Any]] = {}
    migrated: list[str] = []
    for app in apps:
        folder = app.path / "migrations" if app.path else None
        if folder is None or not (folder / "__init__.py").is_file():
            continue
        migrated.append(app.label)
        for path in sorted(folder.glob("*.py")):
            if path.stem[0] in "_~":
                continue
            tree = _parse(path)
            cls = _migration_class(tree) if tree else None
            if cls is None:
                continue
            attrs = {
                t.id: stmt.value
                for stmt in cls.body
                if isinstance(stmt, ast.Assign)
                for t in stmt.targets
                if isinstance(t, ast.Name)
            }
            initial = _eval(attrs.get("initial"), {})
            raw[(app.label, path.stem)] = {
                "dependencies": _keys(attrs.get("dependencies"), user_model),
                "replaces": _keys(attrs.get("replaces"), user_model),
                "run_before": _keys(attrs.get("run_before"), user_model),
                "initial": initial is True,
            }
    # Squashed migrations stand in for the ones they replace.
    replaced_by: dict[tuple[str, str], tuple[str, str]] = {}
    for key, info in raw.items():
        for old in info["replaces"]:
            replaced_by[old] = key
    nodes = {k: v for k, v in raw.items() if k not in replaced_by}
    deps: dict[tuple[str, str], set[tuple[str, str]]] = {k: set() for k in nodes}
    for key, info in nodes.items():
        for dep in info["dependencies"]:
            deps[key].add(replaced_by.get(dep, dep))
        for later in info["run_before"]:
            later = replaced_by.get(later, later)
            if later in deps:
                deps[later].add(key)
    per_app: dict[str, list[tuple[str, str]]] = {}
    for key in sorted(nodes):
        per_app.setdefault(key[0], []).append(key)

    def resolve(dep: tuple[str, str]) -> tuple[str, str]:
        app, name = dep
        keys = per_app.get(app)
        if not keys or name not in ("__first__", "__latest__"):
            return dep
        same = [k for k in keys if not any(d[0] == app and d in nodes for d in deps[k])]
        if name == "__first__":
            return same[0] if same else dep
        return _leaves(keys, deps)[0] if keys else dep

    deps = {k: {resolve(d) for d in v if d != k} for k, v in deps.items()}
    apps_out: dict[str, Any] = {}
    conflicts: dict[str, list[str]] = {}
    for label in sorted(set(per_app) | set(migrated)):
        keys = per_app.get(label, [])
        leaves = _leaves(keys, deps)
        if len(leaves) > 1:
            conflicts[label] = sorted(n for _, n in leaves)
        apps_out[label] = {
            "nodes": [
                {
                    "name": key[1],
                    "dependencies": sorted([list(d) for d in deps[key]]),
                    "applied": None,
                    "replaces": [list(r) for r in nodes[key]["replaces"]],
                    "initial": nodes[key]["initial"],
                }
                for key in keys
            ],
            "leaves": sorted(n for _, n in leaves),
            "conflict": len(leaves) > 1,
        }
    return {
        "db_reachable": False,
        "db_error": "static scan: the database is not read",
        "apps": apps_out,
        "unapplied": [],
        "conflicts": conflicts,
        "missing": {"has_changes": None, "apps": {}},
    }


def _leaves(
    keys: list[tuple[str, str]], deps: dict[tuple[str, str], set[tuple[str, str]]]
) -> list[tuple[str, str]]:
    """Nodes of one app that no other node of the same app depends on."""
    parents = {d for k in keys for d in deps[k] if d[0] == k[0]}
    return [k for k in keys if k not in parents]


# -- the scan -----------------------------------------------------------------


def _settings_summary(settings: _Settings, installed: list[str] | None) -> dict[str, Any]:
    databases = {}
    raw = settings.get("DATABASES")
    if isinstance(raw, dict):
        for alias, conf in raw.items():
            conf = conf if isinstance(conf, dict) else {}
            databases[str(alias)] = {
                key: _known(conf.get(source, default))
                for key, source, default in (("engine", "ENGINE", _UNKNOWN),
                                             ("name", "NAME", _UNKNOWN),
                                             ("host", "HOST", ""), ("port", "PORT", ""))
            }  # fmt: skip
    secret = settings.get("SECRET_KEY", None if "SECRET_KEY" in settings.assigned else "")
    return {
        "DEBUG": _known(settings.get("DEBUG", False)),
        "ALLOWED_HOSTS": _known(settings.get("ALLOWED_HOSTS", [])),
        "INSTALLED_APPS_COUNT": None if installed is None else len(installed),
        "DATABASES": databases,
        "SECRET_KEY_SET": None if secret is _UNKNOWN or secret is None else bool(secret),
        "TIME_ZONE": _known(settings.get("TIME_ZONE", _UNKNOWN)),
        "USE_TZ": _known(settings.get("USE_TZ", _UNKNOWN)),
        "LANGUAGE_CODE": _known(settings.get("LANGUAGE_CODE", _UNKNOWN)),
        "AUTH_USER_MODEL": _known(settings.get("AUTH_USER_MODEL", "auth.User")),
        "ROOT_URLCONF": _known(settings.get("ROOT_URLCONF", _UNKNOWN)),
        "STATIC_URL": _known(settings.get("STATIC_URL", _UNKNOWN)),
        "MIDDLEWARE": _known(settings.get("MIDDLEWARE", _UNKNOWN)),
        "DEFAULT_AUTO_FIELD": _known(settings.get("DEFAULT_AUTO_FIELD", _UNKNOWN)),
    }


def scan(
    project: str | Path,
    *,
    settings_module: str | None = None,
    fallback_reason: str | None = None,
) -> dict[str, Any]:
    """The static document for ``project`` (never runs any of its code)."""
    started = time.perf_counter()
    project = Path(project)
    if not (project / "manage.py").is_file():
        raise ScanError(f"{project} has no manage.py.", kind="project")
    module = settings_module or detection.settings_module_from_manage(project / "manage.py")
    settings = _Settings(project, module) if module else None
    errors = []
    if settings is None or not settings.found:
        errors.append({
            "stage": "settings",
            "type": "NotFound",
            "message": f"settings module {module or '?'} is not a file in the project",
        })  # fmt: skip
        settings = settings or _Settings(project, "")
    installed_raw = settings.get("INSTALLED_APPS", _UNKNOWN)
    installed = None
    if isinstance(installed_raw, (list, tuple)) and all(isinstance(a, str) for a in installed_raw):
        installed = list(installed_raw)
    entries = installed if installed is not None else _discover_apps(project)
    apps = [_resolve_app(project, entry) for entry in entries]
    models = _Models(apps, settings)
    user_model = models.user_model
    migrations = _migrations(apps, str(user_model))
    migrated = set(migrations["apps"])
    document = {
        "probe_version": PROBE_VERSION,
        "mode": "static",
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "project": str(project),
        "python": {"version": None, "executable": None, "implementation": None},
        "django": {"version": None},
        "settings_module": module or None,
        "fallback_reason": fallback_reason,
        "unknown": list(STATIC_UNKNOWN),
        "apps": [
            {
                "label": app.label,
                "name": app.name,
                "path": str(app.path) if app.path else None,
                "verbose_name": app.verbose_name,
                "has_migrations": (app.label in migrated) if app.path else None,
                "has_models_module": bool(_model_files(app)) if app.path else None,
            }
            for app in apps
        ],
        "models": models.describe(),
        "migrations": migrations,
        "checks": {"messages": [], "deploy": []},
        "urls": [],
        "settings": redact_mapping(_settings_summary(settings, installed)),
        "errors": errors,
        "timings": {"static": round(time.perf_counter() - started, 4)},
    }
    if installed is None:
        document["unknown"].append("installed_apps")
    return document
