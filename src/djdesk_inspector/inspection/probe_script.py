"""djdesk live probe: describe a Django project from inside its own interpreter.

Run *as a file* by the TARGET project's Python, never imported by the inspector:

    python -B probe_script.py --project DIR --settings MODULE --nonce HEX

Constraints, because this file runs under whatever Python the project uses:

* stdlib only, and syntax that Python 3.6+ parses (no walrus, no ``match``, no
  ``X | Y`` annotations); it supports Django 3.2 to 6.1.
* Read-only: it never migrates, never writes to a database (SQLite files are opened
  with ``mode=ro``, a missing SQLite file is never created, other databases are read
  in a transaction that is rolled back), never creates the ``django_migrations``
  table, never writes files (``-B``; the project's ``LOGGING`` is not configured, so
  file handlers are never opened; migrations are autodetected, never written).
* Everything the project prints goes to stderr: file descriptor 1 is pointed at
  stderr before anything is imported, and the JSON document is written to the
  original stdout between two marker lines that carry the caller's nonce.

Progress is reported on stderr as ``DJDESK-PROBE-STAGE <nonce> <percent> <stage>``.

Exit status: 0 document written (it may list per-stage ``errors``); 2 bad arguments;
3 Django cannot be imported; 4 the settings or the app registry raised (the document
then holds only ``error``); 5 the probe itself failed.
"""

import json
import os
import platform
import sys
import time
import traceback

PROBE_VERSION = 1

BEGIN = "DJDESK-PROBE-BEGIN"
END = "DJDESK-PROBE-END"
STAGE = "DJDESK-PROBE-STAGE"

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_NO_DJANGO = 3
EXIT_SETUP = 4
EXIT_INTERNAL = 5

_TRACE_LINES = 25


class Fatal(Exception):
    """A failure that stops the probe: Django missing, settings or apps raising."""

    def __init__(self, stage, exc, exit_code):
        Exception.__init__(self, str(exc))
        self.stage = stage
        self.exc = exc
        self.exit_code = exit_code


class Probe(object):
    def __init__(self, project, settings_module, nonce, out):
        self.project = project
        self.settings_module = settings_module
        self.nonce = nonce
        self.out = out
        self.errors = []
        self.timings = {}
        self.databases = {}

    # -- plumbing ------------------------------------------------------------

    def stage(self, percent, name):
        sys.stderr.flush()
        message = "\n%s %s %d %s\n" % (STAGE, self.nonce, percent, name)
        os.write(2, message.encode("utf-8"))

    def emit(self, document):
        payload = json.dumps(document, ensure_ascii=False, default=str, sort_keys=False)
        data = "\n%s %s\n%s\n%s %s\n" % (BEGIN, self.nonce, payload, END, self.nonce)
        self.out.write(data.encode("utf-8"))
        self.out.flush()

    def guarded(self, stage, func, default):
        started = time.time()
        try:
            return func()
        except Exception as exc:  # one broken part must not hide the others
            self.errors.append(describe_error(stage, exc))
            return default
        finally:
            self.timings[stage] = round(time.time() - started, 4)

    # -- setup ---------------------------------------------------------------

    def setup(self):
        os.environ["DJANGO_SETTINGS_MODULE"] = self.settings_module
        started = time.time()
        try:
            import django
        except BaseException as exc:
            raise Fatal("django", exc, EXIT_NO_DJANGO) from exc
        self.django = django
        try:
            from django.conf import settings

            settings.INSTALLED_APPS  # noqa: B018 - imports the settings module
        except BaseException as exc:
            raise Fatal("settings", exc, EXIT_SETUP) from exc
        self.settings = settings
        self.guarded("databases", self.protect_databases, None)
        try:
            from django.apps import apps
            from django.urls import set_script_prefix

            # django.setup() without configure_logging(): the project's LOGGING
            # could open log files inside the project.
            prefix = settings.FORCE_SCRIPT_NAME
            set_script_prefix("/" if prefix is None else prefix)
            apps.populate(settings.INSTALLED_APPS)
        except BaseException as exc:
            raise Fatal("apps", exc, EXIT_SETUP) from exc
        self.apps = apps
        self.timings["setup"] = round(time.time() - started, 4)

    def protect_databases(self):
        """Open SQLite read-only (never create it) and bound connection attempts."""
        databases = getattr(self.settings, "DATABASES", None) or {}
        for alias, conf in databases.items():
            engine = str(conf.get("ENGINE") or "")
            name = conf.get("NAME")
            state = {"engine": engine, "name": "" if name is None else str(name)}
            self.databases[alias] = state
            if "sqlite" in engine or "spatialite" in engine:
                text = "" if name is None else str(name)
                if not text or text == ":memory:" or "mode=memory" in text:
                    state["memory"] = True
                elif text.startswith("file:"):
                    if "mode=" not in text:
                        conf["NAME"] = text + ("&" if "?" in text else "?") + "mode=ro"
                else:
                    path = os.path.join(self.project, text)
                    if os.path.isfile(path):
                        conf["NAME"] = sqlite_read_only_uri(os.path.abspath(path))
                    else:
                        # Django would create the file on first connect.
                        conf["NAME"] = ":memory:"
                        state["missing"] = True
                options = conf.get("OPTIONS")
                if isinstance(options, dict):
                    # BEGIN IMMEDIATE and init commands may write: not on a read-only file.
                    options.pop("transaction_mode", None)
                    options.pop("init_command", None)
            elif "postgres" in engine or "mysql" in engine or "postgis" in engine:
                options = conf.setdefault("OPTIONS", {})
                if isinstance(options, dict):
                    options.setdefault("connect_timeout", 5)

    # -- collection ----------------------------------------------------------

    def collect(self):
        document = {
            "probe_version": PROBE_VERSION,
            "mode": "live",
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "project": self.project,
            "python": {
                "version": platform.python_version(),
                "executable": sys.executable,
                "implementation": platform.python_implementation(),
            },
            "django": {"version": self.django.get_version()},
            "settings_module": self.settings_module,
            "fallback_reason": None,
            "unknown": [],
        }
        self.stage(20, "models")
        document["models"] = self.guarded("models", self.models, [])
        self.stage(35, "migrations")
        loader, migrations = self.guarded("migrations", self.migrations, (None, None))
        if migrations is None:
            migrations = empty_migrations()
            document["unknown"].append("migrations")
        self.stage(50, "autodetector")
        if loader is not None:
            missing = self.guarded("autodetector", lambda: self.missing(loader), None)
        else:
            missing = None
        if missing is None:
            missing = {"has_changes": None, "apps": {}}
            document["unknown"].append("missing")
        migrations["missing"] = missing
        document["migrations"] = migrations
        migrated = set(migrations["apps"]) if loader is not None else None
        document["apps"] = self.guarded("apps", lambda: self.app_list(migrated), [])
        self.stage(65, "checks")
        checks = self.guarded("checks", self.checks, None)
        if checks is None:
            checks = {"messages": [], "deploy": []}
            document["unknown"].append("checks")
        document["checks"] = checks
        self.stage(85, "urls")
        document["urls"] = self.guarded("urls", self.urls, [])
        self.stage(95, "settings")
        document["settings"] = self.guarded("settings", self.settings_summary, {})
        document["errors"] = self.errors
        document["timings"] = self.timings
        return document

    def app_list(self, migrated):
        result = []
        for config in self.apps.get_app_configs():
            result.append(
                {
                    "label": config.label,
                    "name": config.name,
                    "path": config.path,
                    "verbose_name": str(config.verbose_name),
                    "has_migrations": None if migrated is None else config.label in migrated,
                    "has_models_module": config.models_module is not None,
                }
            )
        return result

    def models(self):
        from django.db import models as djmodels

        registered = list(self.apps.get_models(include_auto_created=True, include_swapped=True))
        found = [describe_model(model) for model in registered]
        # Abstract models are not in the registry: walk Model's subclasses and keep
        # the ones declared inside an installed app (historical models are never
        # abstract, and use their own registry).
        seen = set()
        pending = list(djmodels.Model.__subclasses__())
        while pending:
            cls = pending.pop()
            if cls in seen:
                continue
            seen.add(cls)
            pending.extend(cls.__subclasses__())
            meta = getattr(cls, "_meta", None)
            if meta is None or not meta.abstract or meta.apps is not self.apps:
                continue
            config = self.apps.get_containing_app_config(cls.__module__)
            if config is not None:
                found.append(describe_model(cls, app_label=config.label))
        found.sort(key=lambda m: (m["app_label"], m["name"], m["abstract"]))
        return found

    def migrations(self):
        from django.db import DEFAULT_DB_ALIAS, connections
        from django.db.migrations.loader import MigrationLoader

        db_error = self.database_problem(DEFAULT_DB_ALIAS)
        loader = None
        if db_error is None:
            connection = None
            try:
                connection = connections[DEFAULT_DB_ALIAS]
                loader = read_only(
                    connection,
                    lambda: MigrationLoader(connection, ignore_no_migrations=True),
                )
            except Exception as exc:
                if not is_database_error(exc):
                    raise
                db_error = "%s: %s" % (type(exc).__name__, first_line(exc))
            finally:
                if connection is not None:
                    connection.close()
        reachable = loader is not None
        if loader is None:
            loader = MigrationLoader(None, ignore_no_migrations=True)
        graph = loader.graph
        applied = loader.applied_migrations if reachable else None
        by_app = {}
        for key in sorted(graph.nodes):
            node = graph.node_map[key]
            migration = graph.nodes[key]
            by_app.setdefault(key[0], []).append(
                {
                    "name": key[1],
                    "dependencies": sorted([list(p.key) for p in node.parents]),
                    "applied": None if applied is None else key in applied,
                    "replaces": [list(r) for r in (getattr(migration, "replaces", None) or [])],
                    "initial": bool(getattr(migration, "initial", False)),
                }
            )
        conflicts = dict((app, sorted(names)) for app, names in loader.detect_conflicts().items())
        leaves = {}
        for app, name in graph.leaf_nodes():
            leaves.setdefault(app, []).append(name)
        apps_out = {}
        for label in sorted(set(by_app) | set(loader.migrated_apps)):
            apps_out[label] = {
                "nodes": by_app.get(label, []),
                "leaves": sorted(leaves.get(label, [])),
                "conflict": label in conflicts,
            }
        unapplied = []
        if applied is not None:
            seen = set()
            for leaf in graph.leaf_nodes():
                for key in graph.forwards_plan(leaf):
                    if key not in seen:
                        seen.add(key)
                        if key not in applied:
                            unapplied.append(list(key))
        result = {
            "db_reachable": reachable,
            "db_error": db_error,
            "apps": apps_out,
            "unapplied": unapplied,
            "conflicts": conflicts,
        }
        return loader, result

    def database_problem(self, alias):
        state = self.databases.get(alias)
        if state is None:
            return "no %r database is configured" % alias
        if state.get("missing"):
            return "SQLite database file %s does not exist" % state["name"]
        if state.get("memory"):
            return "in-memory SQLite database (nothing recorded)"
        if state["engine"].endswith("dummy") or not state["engine"]:
            return "no database engine is configured"
        return None

    def missing(self, loader):
        from django.db.migrations.autodetector import MigrationAutodetector
        from django.db.migrations.questioner import MigrationQuestioner
        from django.db.migrations.state import ProjectState

        from_state = loader.project_state()
        to_state = ProjectState.from_apps(self.apps)
        # Fast path: identical model states for every migrated app leave the
        # autodetector nothing to find (ModelState equality compares fields,
        # options, bases and managers), and it is the slowest part of a scan.
        # Any difference, real or cosmetic, runs the full autodetector below.
        if same_states(from_state.models, to_state.models, set(loader.migrated_apps)):
            return {"has_changes": False, "apps": {}}
        # The base questioner never prompts and never exits (the non-interactive
        # one calls sys.exit for NOT NULL additions); dry_run writes nothing.
        questioner = MigrationQuestioner(specified_apps=set(), dry_run=True)
        autodetector = MigrationAutodetector(from_state, to_state, questioner)
        changes = autodetector.changes(graph=loader.graph)
        described = {}
        for app_label, migrations in sorted(changes.items()):
            lines = []
            for migration in migrations:
                for operation in migration.operations:
                    lines.append(describe_operation(operation))
            if lines:
                described[app_label] = lines
        return {"has_changes": bool(described), "apps": described}

    def checks(self):
        from django.core.checks.registry import CheckRegistry, registry

        failures = []

        def guard(check):
            def guarded(**kwargs):
                try:
                    return list(check(**kwargs))
                except Exception as exc:
                    failures.append(describe_error("checks", exc, name=qualname(check)))
                    return []

            guarded.tags = getattr(check, "tags", ())
            return guarded

        def run(checks):
            # A private registry so each check runs once, with exactly the
            # semantics of run_checks() for this Django version.
            private = CheckRegistry()
            private.registered_checks = set(guard(check) for check in checks)
            return [m for m in private.run_checks() if not m.is_silenced()]

        messages = run(registry.registered_checks)
        deploy = run(registry.deployment_checks)
        self.errors.extend(failures)
        return {
            "messages": [describe_message(m) for m in messages],
            "deploy": [describe_message(m) for m in deploy],
        }

    def urls(self):
        from django.urls import get_resolver

        found = []
        walk_urls(get_resolver().url_patterns, "", [], [], found, self.errors)
        return found

    def settings_summary(self):
        settings = self.settings

        def value(name, default=None):
            try:
                return getattr(settings, name)
            except Exception:
                return default

        try:
            has_secret = bool(settings.SECRET_KEY)
        except Exception:  # Django raises when it is empty
            has_secret = False
        databases = {}
        for alias, conf in (value("DATABASES") or {}).items():
            state = self.databases.get(alias, {})
            databases[alias] = {
                "engine": conf.get("ENGINE"),
                "name": state.get("name", str(conf.get("NAME") or "")),
                "host": str(conf.get("HOST") or ""),
                "port": str(conf.get("PORT") or ""),
            }
        return {
            "DEBUG": bool(value("DEBUG", False)),
            "ALLOWED_HOSTS": [str(h) for h in value("ALLOWED_HOSTS", []) or []],
            "INSTALLED_APPS_COUNT": len(value("INSTALLED_APPS", []) or []),
            "DATABASES": databases,
            "SECRET_KEY_SET": has_secret,
            "TIME_ZONE": value("TIME_ZONE"),
            "USE_TZ": value("USE_TZ"),
            "LANGUAGE_CODE": value("LANGUAGE_CODE"),
            "AUTH_USER_MODEL": value("AUTH_USER_MODEL"),
            "ROOT_URLCONF": value("ROOT_URLCONF"),
            "STATIC_URL": none_or_str(value("STATIC_URL")),
            "MIDDLEWARE": [str(m) for m in value("MIDDLEWARE", []) or []],
            "DEFAULT_AUTO_FIELD": value("DEFAULT_AUTO_FIELD"),
        }


# -- helpers (module level so they stay cheap and testable) ------------------


def sqlite_read_only_uri(path):
    """A URI that reads ``path`` without creating any file next to it.

    ``mode=ro`` still creates ``-wal``/``-shm`` files for a WAL database whose
    previous user closed it cleanly; such a file is complete on disk, so it is
    opened ``immutable`` instead (no locking, no side files).
    """
    from pathlib import Path

    uri = Path(path).as_uri()
    try:
        with open(path, "rb") as handle:
            header = handle.read(20)
    except OSError:
        header = b""
    wal = len(header) == 20 and header[18:19] == b"\x02"
    if wal and not (os.path.exists(path + "-wal") and os.path.exists(path + "-shm")):
        return uri + "?immutable=1"
    return uri + "?mode=ro"


def first_line(exc):
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


def qualname(obj):
    module = getattr(obj, "__module__", None) or "?"
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    return "%s.%s" % (module, name or type(obj).__name__)


def describe_error(stage, exc, name=None):
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    text = "".join(lines).splitlines()[-_TRACE_LINES:]
    error = {
        "stage": stage,
        "type": type(exc).__name__,
        "message": first_line(exc),
        "traceback": "\n".join(text),
    }
    if name:
        error["check"] = name
    missing = getattr(exc, "name", None)
    if isinstance(exc, ImportError) and missing:
        error["missing_module"] = missing
    return error


def is_database_error(exc):
    from django.db import DatabaseError
    from django.db.utils import InterfaceError

    if isinstance(exc, (DatabaseError, InterfaceError)):
        return True
    # Driver errors raised before Django wraps them (e.g. missing driver module).
    from django.core.exceptions import ImproperlyConfigured

    return isinstance(exc, (ImproperlyConfigured, OSError))


def read_only(connection, func):
    """Run ``func`` in a transaction that is always rolled back."""
    from django.db import transaction

    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION READ ONLY")
        try:
            return func()
        finally:
            transaction.set_rollback(True, using=connection.alias)


def empty_migrations():
    return {
        "db_reachable": False,
        "db_error": None,
        "apps": {},
        "unapplied": [],
        "conflicts": {},
    }


def label_of(model):
    if isinstance(model, str):
        return model
    meta = getattr(model, "_meta", None)
    return meta.label if meta is not None else None


def describe_field(field, model):
    names = [c.__name__ for c in type(field).__mro__]
    relation = None
    if "GenericForeignKey" in names:
        relation = {
            "kind": "generic_fk",
            "target": None,
            "ct_field": getattr(field, "ct_field", None),
            "fk_field": getattr(field, "fk_field", None),
        }
    elif getattr(field, "is_relation", False):
        remote = getattr(field, "remote_field", None)
        if getattr(field, "many_to_many", False):
            kind = "m2m"
        elif getattr(field, "one_to_one", False):
            kind = "o2o"
        elif getattr(field, "many_to_one", False):
            kind = "fk"
        elif getattr(field, "one_to_many", False):
            kind = "generic_relation" if "GenericRelation" in names else "one_to_many"
        else:
            kind = "other"
        relation = {
            "kind": kind,
            "target": label_of(getattr(field, "related_model", None)),
            "related_name": getattr(remote, "related_name", None),
        }
        if kind == "m2m" and remote is not None:
            through = getattr(remote, "through", None)
            relation["through"] = label_of(through)
            through_meta = getattr(through, "_meta", None)
            relation["through_auto_created"] = bool(
                through_meta is not None and through_meta.auto_created
            )
        if kind in ("fk", "o2o"):
            relation["parent_link"] = bool(getattr(remote, "parent_link", False))
    owner = getattr(field, "model", None)
    internal = None
    if hasattr(field, "get_internal_type"):
        try:
            internal = field.get_internal_type()
        except Exception:
            internal = None
    # M2M fields carry a "column" but own no column: their table does.
    concrete = bool(getattr(field, "concrete", False)) and not getattr(field, "many_to_many", False)
    return {
        "name": field.name,
        "type": type(field).__name__,
        "internal_type": internal,
        "column": getattr(field, "column", None) if concrete else None,
        "null": bool(getattr(field, "null", False)),
        "unique": bool(getattr(field, "unique", False)),
        "primary_key": bool(getattr(field, "primary_key", False)),
        "inherited_from": label_of(owner) if owner is not None and owner is not model else None,
        "relation": relation,
    }


def describe_model(model, app_label=None):
    meta = model._meta
    fields = []
    seen = set()
    for field in list(meta.fields) + list(meta.many_to_many) + list(meta.private_fields):
        if id(field) in seen:
            continue
        seen.add(id(field))
        fields.append(describe_field(field, model))
    label = app_label if app_label is not None else meta.app_label
    bases = []
    for base in model.__bases__:
        base_meta = getattr(base, "_meta", None)
        if base_meta is not None and base_meta.app_label:
            bases.append(base_meta.label)
    return {
        "label": "%s.%s" % (label, meta.object_name),
        "app_label": label,
        "name": meta.object_name,
        "db_table": None if meta.abstract else meta.db_table,
        "abstract": bool(meta.abstract),
        "proxy": bool(meta.proxy),
        "managed": bool(meta.managed),
        "auto_created": bool(meta.auto_created),
        "swappable": meta.swappable,
        "swapped": meta.swapped,
        "bases": bases,
        "fields": fields,
    }


def same_states(old, new, app_labels):
    """True when the model states of ``app_labels`` are equal in ``old`` and ``new``.

    ``abstract: False`` is ignored: abstract models never appear in a project state,
    so the option only records that a model's Meta inherited from an abstract one
    (``from_apps`` keeps it, older migrations do not).
    """
    import copy

    old_keys = set(k for k in old if k[0] in app_labels)
    if old_keys != set(k for k in new if k[0] in app_labels):
        return False
    for key in old_keys:
        before, after = old[key], new[key]
        if before == after:
            continue
        options = dict((k, v) for k, v in after.options.items() if k != "abstract")
        if dict((k, v) for k, v in before.options.items() if k != "abstract") != options:
            return False
        before = copy.copy(before)
        after = copy.copy(after)
        before.options = after.options = options
        if before != after:
            return False
    return True


def describe_operation(operation):
    try:
        return str(operation.describe())
    except Exception:
        return type(operation).__name__


def describe_message(message):
    from django.core import checks

    level = message.level
    if level >= checks.CRITICAL:
        name = "CRITICAL"
    elif level >= checks.ERROR:
        name = "ERROR"
    elif level >= checks.WARNING:
        name = "WARNING"
    elif level >= checks.INFO:
        name = "INFO"
    else:
        name = "DEBUG"
    obj = message.obj
    if obj is None:
        obj_text = None
    elif hasattr(obj, "_meta") and hasattr(obj._meta, "label"):
        obj_text = obj._meta.label
    else:
        obj_text = str(obj)
    return {
        "level": name,
        "level_no": level,
        "id": message.id,
        "msg": str(message.msg),
        "hint": None if message.hint is None else str(message.hint),
        "obj": obj_text,
    }


def view_path(pattern):
    callback = getattr(pattern, "callback", None)
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return "%s.%s" % (view_class.__module__, view_class.__qualname__)
    try:
        return pattern.lookup_str
    except Exception:
        return qualname(callback)


def walk_urls(patterns, prefix, namespaces, includes, found, errors):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if hasattr(pattern, "url_patterns"):
            try:
                children = pattern.url_patterns
            except Exception as exc:
                errors.append(describe_error("urls", exc, name=route))
                continue
            spaces = namespaces + [pattern.namespace] if pattern.namespace else namespaces
            walk_urls(children, route, spaces, includes + [route], found, errors)
            continue
        name = pattern.name
        found.append(
            {
                "route": route,
                "name": name,
                "qualified_name": ":".join(namespaces + [name]) if name else None,
                "view": view_path(pattern),
                "namespaces": list(namespaces),
                "includes": list(includes),
            }
        )


def none_or_str(value):
    return None if value is None else str(value)


def parse_args(argv):
    options = {}
    key = None
    for arg in argv:
        if key is not None:
            options[key] = arg
            key = None
        elif arg in ("--project", "--settings", "--nonce"):
            key = arg[2:]
        else:
            return None
    if key is not None or set(options) != {"project", "settings", "nonce"}:
        return None
    return options


def redirect_stdout():
    """Point fd 1 (and ``sys.stdout``) at stderr; return a binary handle on the old fd 1."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(saved, "wb")


def main(argv):
    options = parse_args(argv)
    if options is None:
        sys.stderr.write("usage: probe_script.py --project DIR --settings MODULE --nonce HEX\n")
        return EXIT_USAGE
    out = redirect_stdout()
    project = os.path.abspath(options["project"])
    os.chdir(project)
    # The probe's own folder must not shadow the project's modules.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, project)
    probe = Probe(project, options["settings"], options["nonce"], out)
    probe.stage(5, "setup")
    try:
        probe.setup()
        document = probe.collect()
    except Fatal as fatal:
        error = describe_error(fatal.stage, fatal.exc)
        error["local_module"] = is_local_module(project, error.get("missing_module"))
        probe.emit({"probe_version": PROBE_VERSION, "error": error})
        return fatal.exit_code
    except BaseException as exc:  # the probe itself broke: still say why
        probe.emit({"probe_version": PROBE_VERSION, "error": describe_error("probe", exc)})
        return EXIT_INTERNAL
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:
            pass
    probe.stage(99, "output")
    probe.emit(document)
    return EXIT_OK


def is_local_module(project, module):
    if not module:
        return None
    top = module.split(".")[0]
    return os.path.isdir(os.path.join(project, top)) or os.path.isfile(
        os.path.join(project, top + ".py")
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
