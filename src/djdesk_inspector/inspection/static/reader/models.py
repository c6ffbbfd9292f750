"""Model classes of the installed apps: which classes are models, their fields and Meta.

A class is a model only when a base resolves (through any number of modules) to
``django.db.models.Model``; plain mixins contribute nothing. Multi-table inheritance
adds ``<parent>_ptr``; abstract bases contribute copies of their fields; proxies add
none. Fields are computed per model that uses them, so ``"self"``, bare model names
and ``%(class)s`` in ``related_name`` resolve against the inheriting model, as in
Django. What cannot be read is said per model (``fields_complete: false`` plus
``fields_incomplete_reason``) and per field (``unknown: {attribute: reason}``).
"""

from __future__ import annotations

import ast
import hashlib
import re
from typing import Any

from . import metaclasses
from .appconfigs import App
from .finder import Finder
from .literals import Unknown, evaluate
from .relations import CARDINALITY, RELATION_CLASSES
from .resolve import MODEL, ClassRef, Resolver, Unresolved, base_is_open
from .settings_reader import Settings

FIELD_BASE = ("django.db.models.fields", "Field")
COMPOSITE = "CompositePrimaryKey"
# Django's contrib apps whose label is their module's last part, always.
CONTRIB_LABELS = frozenset({"admin", "auth", "contenttypes", "flatpages", "redirects",
                            "sessions", "sites"})  # fmt: skip
_FIELD_SUFFIXES = ("Field", "ForeignKey", "ParentalKey", "ParentalManyToManyField")
_PRIVATE_KINDS = ("generic_fk", "generic_relation")
# Default max identifier lengths of the database backends Django ships.
_NAME_LIMITS = {"postgresql": 63, "mysql": 64, "oracle": 30}


def _meta_node(node: ast.ClassDef) -> ast.ClassDef | None:
    return next((i for i in node.body if isinstance(i, ast.ClassDef) and i.name == "Meta"), None)


def _field_statements(node: ast.ClassDef) -> list[tuple[str, ast.AST, int]]:
    found: list[tuple[str, ast.AST, int]] = []
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        else:
            continue
        if isinstance(target, ast.Name):
            found.append((target.id, value, stmt.lineno))
    return found


class Model:
    """One model class and what is known about it."""

    def __init__(self, ref: ClassRef, app: App | None, label: str | None,
                 meta: dict[str, Any]) -> None:  # fmt: skip
        self.ref = ref
        self.app = app
        self.label = label
        self.meta = meta
        self.swapped: str | None = None

    @property
    def abstract(self) -> bool:
        return self.meta.get("abstract") is True

    @property
    def proxy(self) -> bool:
        return self.meta.get("proxy") is True

    @property
    def has_table(self) -> bool:
        return not self.abstract and self.swapped is None


class ModelReader:
    """Models of the apps whose source is readable, resolved across modules."""

    def __init__(self, finder: Finder, resolver: Resolver, apps: list[App],
                 settings: Settings) -> None:  # fmt: skip
        self.finder = finder
        self.resolver = resolver
        self.apps = apps
        self.settings = settings
        user = settings.get("AUTH_USER_MODEL", "auth.User")
        self.user_model = user if isinstance(user, str) else None
        auto = settings.get("DEFAULT_AUTO_FIELD", "django.db.models.AutoField")
        self.default_auto = auto if isinstance(auto, str) else None
        engine = ((settings.get("DATABASES") or {}) if isinstance(settings.get("DATABASES"),
                  dict) else {}).get("default")  # fmt: skip
        engine = engine.get("ENGINE") if isinstance(engine, dict) else None
        self.name_limit = next(
            (n for k, n in _NAME_LIMITS.items() if isinstance(engine, str) and k in engine), None
        )
        self.models: dict[tuple[str, str], Model] = {}
        self.by_label: dict[str, Model] = {}
        self._fields: dict[tuple[tuple[str, str], str], Any] = {}
        self._field_class: dict[tuple[str, str], Any] = {}
        # Why a model may have fields no source states (metaclasses, fields adding fields).
        self._extra: dict[tuple[str, str], list[str]] = {}
        self._collect()

    # -- which classes are models ---------------------------------------------

    def app_of(self, module: str) -> App | None:
        best = None
        for app in self.apps:
            if app.path is None:
                continue
            inside = module == app.name or module.startswith(app.name + ".")
            if inside and (best is None or len(app.name) > len(best.name)):
                best = app
        return best

    def _model_modules(self, app: App) -> list[str]:
        """The app's models module, the modules of its ``models`` package it imports
        (recursively), and other in-app modules it imports that declare classes with
        bases (Django registers any model class that gets imported)."""
        start = f"{app.name}.models"
        if self.resolver.module(start) is None:
            return []
        seen = [start]
        pending = [start]
        while pending:
            info = self.resolver.module(pending.pop())
            if info is None:
                continue
            sources = [s for s, _ in info.imports.values()] + info.stars
            sources += [f"{s}.{o}" for s, o in info.imports.values() if o]
            for source in sources:
                if source in seen or not source.startswith(app.name + "."):
                    continue
                path = self.finder.module_file(source)
                if path is None:
                    continue
                seen.append(source)
                if source.startswith(start + "."):
                    pending.append(source)
                elif not _declares_models(self.finder.read(path)):
                    seen.remove(source)
        return seen

    def _collect(self) -> None:
        for app in self.apps:
            if app.path is None:
                continue
            for module in self._model_modules(app):
                info = self.resolver.module(module)
                for name, node in info.classes.items() if info else ():
                    ref = ClassRef(module, name, node, info)
                    verdict = self.resolver.is_model(ref)
                    if verdict or (verdict is None and self._looks_like_model(ref)):
                        self._add(ref)
        # Abstract bases declared in an installed app outside its models modules.
        for model in list(self.models.values()):
            order, _ = self.resolver.lineage(model.ref)
            for cls in order[1:]:
                if (
                    cls.node is not None
                    and cls.key not in self.models
                    and self.resolver.is_model(cls)
                ):
                    added = self._add(cls)
                    if added.label is None or not added.abstract:
                        del self.models[cls.key]
                        self.by_label.pop((added.label or "").lower(), None)

    def _looks_like_model(self, ref: ClassRef) -> bool:
        assert ref.node is not None
        if _meta_node(ref.node) is not None:
            return True
        return any(self._is_field_call(ref, value) for _, value, _ in _field_statements(ref.node))

    def _add(self, ref: ClassRef) -> Model:
        meta = self.meta(ref)
        app_label = meta.get("app_label")
        app = self.app_of(ref.module)
        if not isinstance(app_label, str):
            app_label = app.label if app else None
        label = f"{app_label}.{ref.name}" if app_label else None
        model = Model(ref, app, label, meta)
        swappable = meta.get("swappable")
        if isinstance(swappable, str) and label:
            setting = self.settings.get(swappable)
            if setting is None and swappable == "AUTH_USER_MODEL":
                setting = "auth.User"
            if isinstance(setting, str) and setting.lower() != label.lower():
                model.swapped = setting
        self.models[ref.key] = model
        if label:
            self.by_label[label.lower()] = model
        return model

    def model(self, ref: ClassRef) -> Model:
        return self.models.get(ref.key) or self._add(ref)

    def meta(self, ref: ClassRef) -> dict[str, Any]:
        """Meta attributes; a model without Meta inherits an abstract base's (not
        ``abstract`` itself), as Django does."""
        assert ref.node is not None
        node = _meta_node(ref.node)
        if node is None:
            order, _ = self.resolver.lineage(ref)
            for base in order[1:]:
                if base.node is not None and _meta_node(base.node) is not None:
                    inherited = self.meta(base)
                    if inherited.get("abstract") is True or not self.resolver.is_model(base):
                        return {k: v for k, v in inherited.items() if k not in ("abstract",
                                "proxy", "db_table", "swappable")}  # fmt: skip
            return {}
        meta: dict[str, Any] = {}
        assert ref.info is not None
        for parent in node.bases:  # class Meta(Base.Meta)
            if isinstance(parent, ast.Attribute) and parent.attr == "Meta":
                owner = self.resolver.expression(ref.info, parent.value)
                if isinstance(owner, ClassRef) and owner.node is not None:
                    meta.update({k: v for k, v in self.meta(owner).items() if k != "abstract"})
        for stmt in node.body:
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        meta[target.id] = evaluate(stmt.value)
        return meta

    # -- fields -----------------------------------------------------------------

    def field_class(self, owner: ClassRef, call: ast.Call) -> Any:
        """(ClassRef or Unresolved, is_field, kind, class_path) for a call's callee."""
        assert owner.info is not None
        found = self.resolver.expression(owner.info, call.func)
        if not isinstance(found, ClassRef):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(
                call.func, "id", "")  # fmt: skip
            looks = str(name).endswith(_FIELD_SUFFIXES) or name in (
                "GenericForeignKey",
                "GenericRelation",
            )
            kind = _kind_by_name(str(name)) if looks else None
            return (found, looks, kind, None, str(name), kind == "m2m", {}, None, False)
        if found.key in self._field_class:
            cached: tuple[Any, ...] = self._field_class[found.key]
            return cached
        order, _ = self.resolver.lineage(found)
        kind = None
        is_field = False
        for cls in order:
            django = cls.module.split(".")[0] == "django"
            if cls.key == FIELD_BASE or (django and cls.node is None and (
                    cls.name.endswith(_FIELD_SUFFIXES) or cls.name == COMPOSITE)):  # fmt: skip
                is_field = True
            for module, name, candidate in RELATION_CLASSES:
                if cls.name == name and (cls.module == module or (django and cls.node is None)):
                    kind = kind or candidate
                    is_field = True
        by_flags = False
        if kind is None and is_field:
            by_flags = True
            for cls in order:
                flags = {n: evaluate(v) for n, v, _ in _field_statements(cls.node)} if (
                    cls.node is not None) else {}  # fmt: skip
                kind = next((k for flag, k in CARDINALITY if flags.get(flag) is True), None)
                if kind:
                    break
        path = None if found.module.split(".")[0] == "django" else found.path
        django_m2m = any(c.name == "ManyToManyField" and c.module.split(".")[0] == "django"
                         for c in order)  # fmt: skip
        # A non-Django class whose __init__ mentions an option may change its default.
        custom_init: dict[str, str] = {}
        for cls in order:
            if cls.module.split(".")[0] == "django":
                break
            for item in cls.node.body if cls.node is not None else []:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    for key in _mentioned(item, ("null", "unique", "primary_key")):
                        custom_init.setdefault(key, cls.path)
        adds = next((c.path for c in order if c.module.split(".")[0] != "django"
                     and c.node is not None and _adds_fields(c.node)), None)  # fmt: skip
        if by_flags and kind:
            # Outside Django's relation classes only the kind is known: what the
            # class makes of its arguments is its own.
            for key in ("null", "unique", "primary_key"):
                custom_init.setdefault(key, found.path)
        result = (found, is_field, kind, path, found.name, django_m2m, custom_init, adds,
                  by_flags and kind is not None)  # fmt: skip
        self._field_class[found.key] = result
        return result

    def _is_field_call(self, owner: ClassRef, value: ast.AST) -> bool:
        return isinstance(value, ast.Call) and bool(self.field_class(owner, value)[1])

    def own_fields(self, ref: ClassRef, consumer: Model) -> tuple[list[dict[str, Any]], set[str]]:
        """Fields declared in ``ref``'s body as ``consumer`` gets them; names set to None."""
        assert ref.node is not None
        fields = []
        removed = set()
        for name, value, _ in _field_statements(ref.node):
            if isinstance(value, ast.Constant) and value.value is None:
                removed.add(name)
                continue
            if not isinstance(value, ast.Call):
                continue
            facts = self.field_class(ref, value)
            if not facts[1]:
                continue
            fields.append(self._field(ref, consumer, name, value, facts))
            if facts[7]:
                self._extra.setdefault(consumer.ref.key, []).append(
                    f"{name}: {facts[7]} adds fields of its own at run time"
                )
        return fields, removed

    def _field(self, ref: ClassRef, consumer: Model, name: str, call: ast.Call,
               facts: tuple[Any, ...]) -> dict[str, Any]:  # fmt: skip
        _, _, kind, path, type_name, django_m2m, custom_init, _, by_flags = facts
        kwargs = {k.arg: k.value for k in call.keywords if k.arg}
        unknown: dict[str, str] = {}
        if any(k.arg is None for k in call.keywords):
            unknown["kwargs"] = "**kwargs passed to the field"

        def flag(key: str) -> bool | None:
            if key not in kwargs:
                if key in custom_init:
                    unknown[key] = f"the default may be set by {custom_init[key]}.__init__"
                    return None
                return False
            value = evaluate(kwargs[key])
            if isinstance(value, bool):
                return value
            unknown[key] = value.reason if isinstance(value, Unknown) else "not a boolean"
            return None

        composite = type_name == COMPOSITE
        primary_key = True if composite else flag("primary_key")
        unique = flag("unique")
        unique = True if primary_key or kind == "o2o" else unique
        db_column = evaluate(kwargs.get("db_column"))
        column: str | None = db_column if isinstance(db_column, str) else name
        relation: dict[str, Any] | None = None
        related_name = self._related_name(kwargs.get("related_name"), consumer, unknown)
        target_node = kwargs.get("to", call.args[0] if call.args else None)
        if kind == "generic_fk":
            args = [evaluate(a) for a in call.args]
            ct = evaluate(kwargs["ct_field"]) if "ct_field" in kwargs else (
                args[0] if args else "content_type")  # fmt: skip
            fk = evaluate(kwargs["fk_field"]) if "fk_field" in kwargs else (
                args[1] if len(args) > 1 else "object_id")  # fmt: skip
            relation = {"kind": kind, "target": None,
                        "ct_field": ct if isinstance(ct, str) else None,
                        "fk_field": fk if isinstance(fk, str) else None}  # fmt: skip
            column = None
        elif kind == "generic_relation":
            # GenericRel's related_name is the related_query_name, or "+".
            query_name = self._related_name(kwargs.get("related_query_name"), consumer, unknown)
            relation = {"kind": kind,
                        "target": self.label_for(ref, consumer, target_node, unknown),
                        "related_name": query_name or "+"}  # fmt: skip
            column = None
        elif kind == "m2m":
            through = None
            if "through" in kwargs:
                through = self.label_for(ref, consumer, kwargs["through"], unknown, "through")
            elif not django_m2m:
                unknown["through"] = f"{type_name} is not a ManyToManyField: its table is its own"
            # Django creates the table only for concrete models that are not swapped out.
            creates = (django_m2m and "through" not in kwargs and consumer.has_table
                       and consumer.label)  # fmt: skip
            symmetrical = evaluate(kwargs.get("symmetrical"))
            if (
                django_m2m
                and isinstance(target_node, ast.Constant)
                and related_name is None
                and (
                    (target_node.value == "self" and symmetrical is not False)
                    or (target_node.value == ref.name and symmetrical is True)
                )
            ):
                related_name = f"{name}_rel_+"
            elif (
                django_m2m
                and related_name is not None
                and related_name.endswith("+")
                and consumer.label
            ):
                app_label = consumer.label.partition(".")[0]
                related_name = f"_{app_label}_{consumer.ref.name.lower()}_{name}_+"
            relation = {
                "kind": kind,
                "target": self.label_for(ref, consumer, target_node, unknown),
                "related_name": related_name,
                "through": through or (f"{consumer.label}_{name}" if creates else None),
                "through_auto_created": bool(creates),
            }
            table = evaluate(kwargs.get("db_table"))
            relation["_db_table"] = table if isinstance(table, str) else None
            column = None
        elif kind in ("fk", "o2o"):
            relation = {"kind": kind,
                        "target": self.label_for(ref, consumer, target_node, unknown),
                        "related_name": related_name, "parent_link": flag("parent_link")}  # fmt: skip
            column = db_column if isinstance(db_column, str) else f"{name}_id"
        if composite:
            column = None
        if by_flags and relation is not None:
            reason = f"{type_name} is a relation class outside Django's; only its kind is known"
            relation = {"kind": kind, "target": None, "related_name": None}
            unknown.update(target=reason, related_name=reason, column=reason)
            column = None
        null = flag("null")
        if kind == "generic_relation":
            null = True  # GenericRelation always sets null=True
        if relation is not None and path is not None:
            relation["class"] = path
        field = {
            "name": name,
            "type": type_name,
            "internal_type": None,
            "column": column,
            "null": null,
            "unique": unique,
            "primary_key": primary_key,
            "inherited_from": None,
            "relation": relation,
        }
        if unknown:
            field["unknown"] = unknown
        return field

    def _related_name(self, node: ast.AST | None, consumer: Model,
                      unknown: dict[str, str]) -> str | None:  # fmt: skip
        if node is None:
            return None
        value = evaluate(node)
        if not isinstance(value, str):
            unknown["related_name"] = getattr(value, "reason", "not a string")
            return None
        if "%(" in value and consumer.label and not consumer.abstract:
            app_label, _, name = consumer.label.partition(".")
            value = value % {"class": name.lower(), "model_name": name.lower(),
                             "app_label": app_label.lower()}  # fmt: skip
        return value

    def label_for(self, ref: ClassRef, consumer: Model, node: ast.AST | None,
                  unknown: dict[str, str], key: str = "target") -> str | None:  # fmt: skip
        """The label a relation's ``to``/``through`` points at, or None with a reason."""
        if node is None:
            unknown[key] = "no target given in the field call"
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if consumer.abstract:
                return text  # Django resolves lazy references only on concrete models
            if text == "self":
                return consumer.label
            if "." not in text:
                if consumer.label is None:
                    return None
                text = f"{consumer.label.partition('.')[0]}.{text}"
            found = self.by_label.get(text.lower())
            return found.label if found else text
        if isinstance(node, ast.Attribute) and node.attr == "AUTH_USER_MODEL":
            return self._user_label(unknown, key)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "get_user_model":
            return self._user_label(unknown, key)
        assert ref.info is not None
        found = self.resolver.expression(ref.info, node)
        if isinstance(found, ClassRef) and found.node is not None:
            label = self.model(found).label
            if label:
                return label
        contrib = self._contrib_label(ref, node)
        if contrib:
            return contrib
        unknown[key] = found.reason if isinstance(found, Unresolved) else "not a model class"
        return None

    def _contrib_label(self, ref: ClassRef, node: ast.AST) -> str | None:
        """A model of Django's contrib apps named by its import (``from
        django.contrib.contenttypes.models import ContentType``) when Django's source is
        not readable: those apps' labels are fixed by Django (``CONTRIB_LABELS``)."""
        if not isinstance(node, ast.Name) or ref.info is None:
            return None
        source, original = ref.info.imports.get(node.id, ("", None))
        parts = source.split(".")
        if (
            original
            and len(parts) == 4
            and parts[:2] == ["django", "contrib"]
            and (parts[3] == "models" and parts[2] in CONTRIB_LABELS)
        ):
            return f"{parts[2]}.{original}"
        return None

    def _user_label(self, unknown: dict[str, str], key: str) -> str | None:
        if self.user_model is None:
            unknown[key] = "AUTH_USER_MODEL is not a literal"
            return None
        found = self.by_label.get(self.user_model.lower())
        return found.label if found else self.user_model

    def fields(self, model: Model) -> tuple[list[dict[str, Any]], list[str]]:
        """All forward fields in Django's order, and why the list may be incomplete."""
        key = (model.ref.key, model.label or "")
        if key in self._fields:
            cached: tuple[list[dict[str, Any]], list[str]] = self._fields[key]
            return cached
        self._fields[key] = ([], ["a cycle in the model's bases"])
        result = self._compute_fields(model, model)
        self._fields[key] = result
        return result

    def _compute_fields(self, model: Model, consumer: Model) -> tuple[list[dict[str, Any]],
                                                                        list[str]]:  # fmt: skip
        reasons: list[str] = []
        copied: list[dict[str, Any]] = []
        parents: list[dict[str, Any]] = []
        concrete_parents: list[Model] = []
        for base in self.resolver.bases(model.ref):
            if not isinstance(base, ClassRef):
                if base_is_open(base):
                    reasons.append(f"base not readable: {base.reason}")
                continue
            verdict = self.resolver.is_model(base)
            if verdict is False or base.node is None or base.key == MODEL:
                if verdict is None:
                    reasons.append(f"base {base.path} is not readable")
                continue
            parent = self.model(base)
            if parent.abstract:
                # An abstract base passes on copies of its own fields (its parent link
                # included) and, untouched, what it inherits from concrete parents.
                inherited, why = self._abstract_fields(parent, consumer)
                for f in inherited:
                    into = parents if f["inherited_from"] else copied
                    if f["name"] not in {c["name"] for c in into}:
                        into.append(f)
                reasons += why
            elif verdict is None:
                reasons.append(f"base {base.path} has bases that are not readable")
            else:
                base_fields, why = self.fields(parent)
                reasons += why
                concrete_parents.append(parent)
                for f in base_fields:
                    if f["name"] in {p["name"] for p in parents}:
                        continue
                    kind = (f["relation"] or {}).get("kind")
                    if kind in _PRIVATE_KINDS:
                        # Django re-adds a concrete parent's private fields to the child;
                        # a GenericRelation's reverse side stays with the parent's ("+").
                        copy = dict(f, inherited_from=None)
                        if kind == "generic_relation":
                            copy["relation"] = dict(f["relation"], related_name="+")
                        parents.append(copy)
                    else:
                        parents.append(dict(f, inherited_from=f["inherited_from"] or parent.label))
        own, removed = self.own_fields(model.ref, consumer)
        own_names = {f["name"] for f in own}
        local = [f for f in copied if f["name"] not in own_names | removed] + own
        if model.proxy:
            result = parents
        else:
            # Abstract models get their parent links too; Django copies them on.
            for parent in concrete_parents:
                link = [f for f in local if (f["relation"] or {}).get("parent_link") and
                        (f["relation"] or {}).get("target") == parent.label]  # fmt: skip
                if link:
                    link[0]["unique"] = True
                    continue
                local.insert(0, _ptr(parent))
            # The primary key is the model's own: a parent's ``id`` is not the child's.
            has_pk = any(f["primary_key"] for f in local)
            links = [f for f in local if (f["relation"] or {}).get("parent_link")]
            if model.abstract:
                for link_field in links:  # the primary key only once the model is concrete
                    link_field["primary_key"] = False
            elif not has_pk and links:
                links[0]["primary_key"] = has_pk = True
            if not model.abstract and not has_pk and not concrete_parents and not parents:
                if reasons:
                    reasons.append("the primary key may come from a base that is not readable")
                else:
                    local.insert(0, self._auto_pk(model))
            taken = {f["name"] for f in parents + local
                     if (f["relation"] or {}).get("kind") not in ("m2m", *_PRIVATE_KINDS)}  # fmt: skip
            added, why = self._metaclass_fields(model, taken)
            local += added
            reasons += why
            result = parents + local

        # Django adds the body's private fields (GenericRelation...) before the ones
        # it copies from bases.
        own_ids = {id(f) for f in own}

        def order(f: dict[str, Any]) -> int:
            kind = (f["relation"] or {}).get("kind")
            if kind in _PRIVATE_KINDS:
                return 2 if id(f) in own_ids else 3
            return 1 if kind == "m2m" else 0

        return sorted(result, key=order), reasons

    def _abstract_fields(self, parent: Model, consumer: Model) -> tuple[list[dict[str, Any]],
                                                                          list[str]]:  # fmt: skip
        key = (parent.ref.key, consumer.label or "")
        if key not in self._fields:
            self._fields[key] = ([], ["a cycle in the model's bases"])
            self._fields[key] = self._compute_fields(parent, consumer)
        fields, reasons = self._fields[key]
        return [dict(f) for f in fields], list(reasons)

    def _declared_metaclasses(self, model: Model) -> list[tuple[ClassRef, Any]]:
        """(class stating ``metaclass=``, what it resolves to) along the model's lineage,
        outside Django."""
        order, _ = self.resolver.lineage(model.ref)
        found = []
        for cls in order:
            if cls.node is None or cls.info is None or cls.module.split(".")[0] == "django":
                continue
            for keyword in cls.node.keywords:
                if keyword.arg == "metaclass":
                    found.append((cls, self.resolver.expression(cls.info, keyword.value)))
        return found

    def _metaclasses(self, model: Model) -> list[str]:
        """A metaclass of a non-Django base may add fields; the ones in
        ``metaclasses.KNOWN`` are added by ``_metaclass_fields``."""
        found = []
        for cls, meta in self._declared_metaclasses(model):
            if not isinstance(meta, ClassRef):
                found.append(f"{cls.path}: its metaclass is not readable and may add fields")
                continue
            if meta.path in metaclasses.KNOWN:
                continue
            meta_order, _ = self.resolver.lineage(meta)
            for klass in meta_order:
                django = klass.module.split(".")[0] == "django"
                if not django and klass.node is not None and _adds_fields(klass.node):
                    found.append(f"{cls.path}: its metaclass {klass.path} adds fields")
                    break
        return found

    def _metaclass_fields(self, model: Model, taken: set[str]) -> tuple[list[dict[str, Any]],
                                                                          list[str]]:  # fmt: skip
        """The fields a known metaclass adds to ``model`` (see ``metaclasses.KNOWN``)."""
        added: list[dict[str, Any]] = []
        reasons: list[str] = []
        if model.abstract or model.proxy:
            return added, reasons
        order, missing = self.resolver.lineage(model.ref)
        for declaring, meta in self._declared_metaclasses(model):
            row = metaclasses.KNOWN.get(meta.path) if isinstance(meta, ClassRef) else None
            if row is None:
                continue
            if missing:  # an unreadable base may be the model that has them
                reasons.append(f"{meta.path} adds fields; a base is not readable")
                continue
            # Only the first concrete model the metaclass builds gets them.
            if any(self._built_by(cls, declaring) and self._concrete(cls) for cls in order[1:]):
                continue
            options, why = self._metaclass_options(model.ref, declaring, row.options)
            reasons += [f"{meta.path}: {reason}" for reason in why]
            for option, default in row.names:
                name = options.get(option, default)
                if not isinstance(name, str):
                    reasons.append(f"{meta.path}: {row.options}.{option} is not a literal string")
                elif name not in taken:
                    taken.add(name)
                    added.append(metaclasses.field(row, name))
        return added, reasons

    def _built_by(self, cls: ClassRef, declaring: ClassRef) -> bool:
        """Whether ``cls`` is ``declaring`` or inherits from it."""
        return any(c.key == declaring.key for c in self.resolver.lineage(cls)[0])

    def _concrete(self, cls: ClassRef) -> bool:
        if cls.node is None or not self.resolver.is_model(cls):
            return False
        meta = self.meta(cls)
        return meta.get("abstract") is not True and meta.get("proxy") is not True

    def _metaclass_options(self, ref: ClassRef, declaring: ClassRef,
                           inner: str) -> tuple[dict[str, Any], list[str]]:  # fmt: skip
        """The literals of the inner ``inner`` class as the metaclass sees them: its
        bases' options (a later base wins), then the class's own."""
        options: dict[str, Any] = {}
        reasons: list[str] = []
        for base in self.resolver.bases(ref):
            if isinstance(base, ClassRef) and base.node is not None and self._built_by(
                    base, declaring):  # fmt: skip
                inherited, why = self._metaclass_options(base, declaring, inner)
                options.update(inherited)
                reasons += why
        assert ref.node is not None
        node = next((i for i in ref.node.body if isinstance(i, ast.ClassDef) and i.name == inner),
                    None)  # fmt: skip
        if node is None:
            return options, reasons
        if node.bases:
            reasons.append(f"{ref.path}.{inner} has bases, whose options are not read")
        for stmt in node.body:
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name) and not target.id.startswith("__"):
                        options[target.id] = evaluate(stmt.value)
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                if stmt.value is not None:
                    options[stmt.target.id] = evaluate(stmt.value)
            elif not isinstance(stmt, (ast.Expr, ast.Pass)):
                reasons.append(f"{ref.path}.{inner} has statements that are not literals")
        return options, reasons

    def _auto_pk(self, model: Model) -> dict[str, Any]:
        auto = (model.app.default_auto_field if model.app else None) or self.default_auto
        field: dict[str, Any] = {"name": "id", "type": auto.rpartition(".")[2] if auto else None,
                 "internal_type": None, "column": "id", "null": False, "unique": True,
                 "primary_key": True, "inherited_from": None, "relation": None}  # fmt: skip
        if auto is None:
            field["unknown"] = {"type": "DEFAULT_AUTO_FIELD is not a literal"}
        return field

    # -- the document's models[] ----------------------------------------------------

    def db_table(self, model: Model, seen: tuple[tuple[str, str], ...] = ()) -> str | None:
        if model.abstract:
            return None
        if model.proxy:
            for base in self.resolver.bases(model.ref):
                if isinstance(base, ClassRef) and base.key in self.models and base.key not in seen:
                    parent = self.models[base.key]
                    if not parent.abstract:
                        return self.db_table(parent, (*seen, model.ref.key))
            return None
        table = model.meta.get("db_table")
        if isinstance(table, str):
            return table
        if model.label is None:
            return None
        app_label, _, name = model.label.partition(".")
        return self._truncate(f"{app_label}_{name.lower()}")

    def _truncate(self, name: str) -> str:
        """Django's ``truncate_name`` for the default database's identifier limit."""
        limit = self.name_limit
        if limit is None or len(name) <= limit:
            return name
        digest = hashlib.md5(name.encode()).hexdigest()[:4]  # noqa: S324 (Django's own digest)
        return f"{name[: limit - 4]}{digest}"

    def describe(self) -> list[dict[str, Any]]:
        result = []
        for model in list(self.models.values()):
            if model.label is None:
                continue
            fields, reasons = self.fields(model)
            managed = model.meta.get("managed", True)
            swappable = model.meta.get("swappable")
            swapped = model.swapped
            bases = []
            for base in self.resolver.bases(model.ref):
                if (
                    isinstance(base, ClassRef)
                    and base.node is not None
                    and self.resolver.is_model(base)
                ):
                    label = self.model(base).label
                    if label:
                        bases.append(label)
            table = self.db_table(model)
            public = [{k: v for k, v in f.items()} for f in fields]
            for f in public:
                if f["relation"]:
                    f["relation"] = {k: v for k, v in f["relation"].items() if k != "_db_table"}
            reasons = reasons + self._extra.get(model.ref.key, []) + self._metaclasses(model)
            result.append({
                "label": model.label,
                "app_label": model.label.partition(".")[0],
                "name": model.ref.name,
                "db_table": table,
                "abstract": model.abstract,
                "proxy": model.proxy,
                "managed": managed if isinstance(managed, bool) else None,
                "auto_created": False,
                "swappable": swappable if isinstance(swappable, str) else None,
                "swapped": swapped,
                "bases": bases,
                "fields": public,
                "fields_complete": not reasons,
                "fields_incomplete_reason": "; ".join(dict.fromkeys(reasons)) or None,
            })  # fmt: skip
            if not model.abstract and not model.proxy and swapped is None:
                result += self._through_models(model, table, fields)
        result.sort(key=lambda m: (m["app_label"], m["name"], m["abstract"]))
        return result

    def _through_models(self, model: Model, table: str | None,
                        fields: list[dict[str, Any]]) -> list[dict[str, Any]]:  # fmt: skip
        """The auto-created M2M tables of ``model``'s own M2M fields."""
        found = []
        assert model.label is not None
        app_label, _, object_name = model.label.partition(".")
        for f in fields:
            relation = f["relation"] or {}
            if relation.get("kind") != "m2m" or not relation.get("through_auto_created"):
                continue
            if f["inherited_from"]:
                continue
            target = relation.get("target")
            name = f"{object_name}_{f['name']}"
            db_table = relation.get("_db_table") or (
                self._truncate(f"{table}_{f['name']}") if table else None)  # fmt: skip
            to = target.rpartition(".")[2].lower() if target else None
            from_ = object_name.lower()
            if to == from_:
                to, from_ = f"to_{to}", f"from_{from_}"

            def fk(
                column_name: str | None, points_at: str | None, name: str = name
            ) -> dict[str, Any]:
                return {"name": column_name, "type": "ForeignKey", "internal_type": None,
                        "column": f"{column_name}_id" if column_name else None, "null": False,
                        "unique": False, "primary_key": False, "inherited_from": None,
                        "relation": {"kind": "fk", "target": points_at,
                                     "related_name": f"{name}+", "parent_link": False}}  # fmt: skip

            target_model = self.by_label.get((target or "").lower())
            managed = model.meta.get("managed", True) is not False or (
                target_model is not None and target_model.meta.get("managed", True) is not False
            )
            found.append({
                "label": f"{app_label}.{name}", "app_label": app_label, "name": name,
                "db_table": db_table, "abstract": False, "proxy": False,
                "managed": managed, "auto_created": True, "swappable": None, "swapped": None,
                "bases": [],
                "fields": [self._auto_pk(model), fk(from_, model.label), fk(to, target)],
                "fields_complete": target is not None,
                "fields_incomplete_reason": None if target else "the M2M target is not known",
            })  # fmt: skip
        return found


_CLASS_WITH_BASES = re.compile(rb"^class\s+\w+\s*\((?!\s*\))", re.MULTILINE)
_MODEL_HINT = re.compile(rb"Model\b|models\.")


def _mentioned(function: ast.FunctionDef, keys: tuple[str, ...]) -> set[str]:
    """Which of ``keys`` a function's body names at all (argument, keyword, attribute,
    string or name): one it never names cannot get a new default there."""
    found = set()
    for node in ast.walk(function):
        for text in (getattr(node, "arg", None), getattr(node, "attr", None),
                     getattr(node, "id", None), getattr(node, "value", None)):  # fmt: skip
            if isinstance(text, str) and text in keys:
                found.add(text)
    return found


def _adds_fields(node: ast.ClassDef) -> bool:
    """Whether a class body adds fields to the model: ``x.contribute_to_class(cls, ...)``
    on something other than ``super()``, or ``add_to_class``/``add_field`` calls."""
    for call in ast.walk(node):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            continue
        name = call.func.attr
        owner = call.func.value
        is_super = isinstance(owner, ast.Call) and getattr(owner.func, "id", "") == "super"
        if name == "contribute_to_class" and not is_super:
            return True
        if name in ("add_to_class", "add_field"):
            return True
    return False


def _declares_models(source: bytes | None) -> bool:
    """A cheap look at a module's text before parsing it: any class with bases and a
    mention of models at all."""
    return bool(source and _CLASS_WITH_BASES.search(source) and _MODEL_HINT.search(source))


def _ptr(parent: Model) -> dict[str, Any]:
    link = parent.ref.name.lower() + "_ptr"
    return {"name": link, "type": "OneToOneField", "internal_type": None,
            "column": f"{link}_id", "null": False, "unique": True, "primary_key": True,
            "inherited_from": None,
            "relation": {"kind": "o2o", "target": parent.label, "related_name": None,
                         "parent_link": True}}  # fmt: skip


def _kind_by_name(name: str) -> str | None:
    """A kind for a field class whose source is not readable, by its conventional name."""
    for suffix, kind in (("OneToOneField", "o2o"), ("ManyToManyField", "m2m"),
                         ("ForeignKey", "fk"), ("ParentalKey", "fk"),
                         ("GenericForeignKey", "generic_fk"),
                         ("GenericRelation", "generic_relation")):  # fmt: skip
        if name.endswith(suffix):
            return kind
    return None
