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

On Linux the checks, the URLconf and the settings summary run in a forked child while
the parent reads the migrations (see ``Forked``).

Progress is reported on stderr as ``DJDESK-PROBE-STAGE <nonce> <percent> <stage>``.

Exit status: 0 document written (it may list per-stage ``errors``); 2 bad arguments;
3 Django cannot be imported; 4 the settings or the app registry raised (the document
then holds only ``error``); 5 the probe itself failed.

Errors say where they happened: ``stage`` is ``django``, ``settings`` (importing the
settings module), ``apps`` (importing an app or its AppConfig), ``models`` (importing
an app's models), ``ready`` (an AppConfig.ready()), ``checks``, ``migrations`` (the
migration loader), ``database``, ``autodetector``, ``urls`` or ``settings_summary``;
``module`` names the deepest module outside Django that raised, ``location`` its
file and line.

What the probe could not read is ``null`` in the document and has a reason in the
``unknown`` map (``{"checks": "...", "migrations.applied": "..."}``).
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
PLAN_SQL_LIMIT = 10


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
        self.unknown = {}

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

    def guarded(self, stage, func, default, unknown_key=None):
        started = time.time()
        try:
            return func()
        except Exception as exc:  # one broken part must not hide the others
            error = describe_error(stage, exc)
            self.errors.append(error)
            self.unknown[unknown_key or stage] = error_reason(error)
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
        from django.apps import apps

        try:
            from django.urls import set_script_prefix

            # django.setup() without configure_logging(): the project's LOGGING
            # could open log files inside the project.
            prefix = settings.FORCE_SCRIPT_NAME
            set_script_prefix("/" if prefix is None else prefix)
            apps.populate(settings.INSTALLED_APPS)
        except BaseException as exc:
            # populate() imports app configs, then models, then runs ready().
            stage = "ready" if apps.models_ready else "models" if apps.apps_ready else "apps"
            raise Fatal(stage, exc, EXIT_SETUP) from exc
        self.apps = apps
        self.timings["setup"] = round(time.time() - started, 4)

    def protect_databases(self):
        """Open SQLite read-only (never create it) and bound connection attempts."""
        databases = getattr(self.settings, "DATABASES", None) or {}
        for alias, conf in databases.items():
            engine = str(conf.get("ENGINE") or "")
            name = conf.get("NAME")
            state = {"engine": engine, "name": "" if name is None else str(name)}  # type: dict
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
                        folder = os.path.dirname(os.path.abspath(path))
                        state["missing"] = "file" if os.path.isdir(folder) else "folder"
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
            "unknown": self.unknown,
        }
        self.stage(20, "models")
        later = Forked(self, self.checks_urls_settings)
        document["models"] = self.guarded("models", self.models, None)
        self.stage(35, "migrations")
        loader, migrations = self.guarded("migrations", self.migrations, (None, None))
        if migrations is None:
            migrations = empty_migrations()
            self.unknown["migrations.applied"] = "the migration graph could not be read"
        self.stage(50, "autodetector")
        if loader is not None:
            missing = self.guarded(
                "autodetector", lambda: self.missing(loader), None, "migrations.missing"
            )
        else:
            missing = None
            self.unknown.setdefault("migrations.missing", "the migration graph could not be read")
        if missing is None:
            missing = {"has_changes": None, "apps": {}}
        migrations["missing"] = missing
        if loader is not None:
            self.stage(55, "migration plan")
            migrations["lint"] = self.guarded(
                "migration plan",
                lambda: self.migration_plan(loader, migrations["unapplied"]),
                None,
                "migrations.plan",
            )
        document["migrations"] = migrations
        migrated = set(migrations["apps"]) if loader is not None else None
        document["apps"] = self.guarded("apps", lambda: self.app_list(migrated), None)
        self.stage(65, "checks")
        document.update(later.result())
        document["errors"] = self.errors
        document["timings"] = self.timings
        return document

    def checks_urls_settings(self):
        """The half of a scan that needs no database: run in a fork (see Forked)."""
        return {
            "checks": self.guarded("checks", self.checks, None),
            "urls": self.guarded("urls", self.urls, None),
            "settings": self.guarded("settings_summary", self.settings_summary, None, "settings"),
        }

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
        found = [describe_model(model, unknown=self.unknown) for model in registered]
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
                found.append(describe_model(cls, app_label=config.label, unknown=self.unknown))
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
                db_error = "unreachable: %s: %s" % (type(exc).__name__, first_line(exc))
                self.errors.append(describe_error("database", exc))
            finally:
                if connection is not None:
                    connection.close()
        reachable = loader is not None
        if loader is None:
            loader = MigrationLoader(None, ignore_no_migrations=True)
        graph = loader.graph
        applied = loader.applied_migrations if reachable else None
        by_app = {}  # type: dict
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
        leaves = {}  # type: dict
        for app, name in graph.leaf_nodes():
            leaves.setdefault(app, []).append(name)
        apps_out = {}
        for label in sorted(set(by_app) | set(loader.migrated_apps)):
            apps_out[label] = {
                "nodes": by_app.get(label, []),
                "leaves": sorted(leaves.get(label, [])),
                "conflict": label in conflicts,
            }
        unapplied = None
        if applied is not None:
            unapplied = []
            seen = set()
            for leaf in graph.leaf_nodes():
                for key in graph.forwards_plan(leaf):
                    if key not in seen:
                        seen.add(key)
                        if key not in applied:
                            unapplied.append(list(key))
        if not reachable:
            self.unknown["migrations.applied"] = "database %s" % db_error
        result = {
            "db_reachable": reachable,
            "db_error": db_error,
            "apps": apps_out,
            "unapplied": unapplied,
            "conflicts": conflicts,
        }
        return loader, result

    def migration_plan(self, loader, unapplied):
        """Pending migrations in ``migrate``'s order with their SQL, and every local
        migration's operations as lint records (as Django's loader sees them).

        ``unapplied`` is what :meth:`migrations` found (None when the database was not
        read); its order is the one ``migrate`` applies them in."""
        from django.db import DEFAULT_DB_ALIAS, connections

        graph = loader.graph
        local = set()
        for config in self.apps.get_app_configs():
            if os.path.abspath(config.path).startswith(self.project + os.sep):
                local.add(config.label)
        records = [
            lint_record(loader.disk_migrations[key])
            for key in sorted(loader.disk_migrations)
            if key[0] in local
        ]
        connection = connections[DEFAULT_DB_ALIAS]
        if unapplied is None:
            self.unknown["migrations.plan"] = self.unknown.get(
                "migrations.applied", "the database was not read"
            )
            return {"plan": None, "vendor": connection.vendor, "records": records}
        pending = [tuple(key) for key in unapplied]
        # sqlmigrate renders the project state at each migration: ~75 ms a migration
        # on a 120-model project, 14 s for a fresh clone's 251. A scan reads the SQL
        # of PLAN_SQL_LIMIT of them: the project's own newest first, then the others'.
        newest = [k for k in reversed(pending) if k[0] in local]
        newest += [k for k in reversed(pending) if k[0] not in local]
        with_sql = set(newest[:PLAN_SQL_LIMIT])

        def collect():
            steps = []
            for key in pending:
                migration = graph.nodes[key]
                step = {
                    "app": key[0],
                    "name": key[1],
                    "replaces": [list(r) for r in (migration.replaces or [])],
                    "atomic": bool(getattr(migration, "atomic", True)),
                    "sql": None,
                    "sql_error": None,
                }
                if key not in with_sql:
                    step["sql_error"] = (
                        "not collected: a scan reads the SQL of %d of the %d pending "
                        "migrations, the project's newest first; run manage.py sqlmigrate %s %s"
                        % (PLAN_SQL_LIMIT, len(pending), key[0], key[1])
                    )
                    steps.append(step)
                    continue
                try:
                    step["sql"] = collect_sql(loader, connection, migration)
                except Exception as exc:
                    step["sql_error"] = "%s: %s" % (type(exc).__name__, first_line(exc))
                steps.append(step)
            return steps

        try:
            # SQLite's schema editor refuses to start inside a transaction; the probe's
            # SQLite connections are opened read-only already (protect_databases).
            plan = collect() if connection.vendor == "sqlite" else read_only(connection, collect)
        finally:
            connection.close()
        return {"plan": plan, "vendor": connection.vendor, "records": records}

    def database_problem(self, alias):
        state = self.databases.get(alias)
        if state is None:
            return "no %r database is configured" % alias
        if state.get("missing") == "file":
            return "not created yet: run migrate (SQLite file %s does not exist)" % state["name"]
        if state.get("missing"):
            return "unreachable: the folder of SQLite file %s does not exist" % state["name"]
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
        # Fast path: model states that differ in nothing the autodetector acts on
        # (see same_states) leave it nothing to find, and it is the slowest part of
        # a scan. The states are compared without cloning every field (half the cost
        # of a scan on a large project, see light_state); any other difference
        # builds the real state and runs the full autodetector below.
        # The base questioner never prompts and never exits (the non-interactive
        # one calls sys.exit for NOT NULL additions); dry_run writes nothing.
        questioner = MigrationQuestioner(specified_apps=set(), dry_run=True)
        light = light_state(self.apps)
        if light is not None:
            deep = MigrationAutodetector(from_state, light, questioner).deep_deconstruct
            if same_states(from_state.models, light.models, set(loader.migrated_apps), deep):
                return {"has_changes": False, "apps": {}}
        to_state = ProjectState.from_apps(self.apps)
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

            guarded.tags = getattr(check, "tags", ())  # type: ignore[attr-defined]
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
        if failures:
            names = ", ".join("%s (%s)" % (f["check"], error_reason(f)) for f in failures[:3])
            more = " and %d more" % (len(failures) - 3) if len(failures) > 3 else ""
            self.unknown["checks"] = "%d check(s) could not run: %s%s" % (
                len(failures),
                names,
                more,
            )
        return {
            "messages": [describe_message(m) for m in messages],
            "deploy": [describe_message(m) for m in deploy],
        }

    def urls(self):
        from django.urls import get_resolver

        found = []  # type: list
        walk_urls(get_resolver().url_patterns, "", [], [], found, self.errors)
        return found

    def settings_summary(self):
        settings = self.settings
        unknown = self.unknown

        def value(name, default=None):
            try:
                return getattr(settings, name, default)
            except Exception as exc:
                unknown["settings." + name] = "%s: %s" % (type(exc).__name__, first_line(exc))
                return None

        from django.core.exceptions import ImproperlyConfigured

        try:
            has_secret = bool(settings.SECRET_KEY)
        except ImproperlyConfigured:  # Django raises when it is empty
            has_secret = False
        except Exception as exc:
            has_secret = None
            unknown["settings.SECRET_KEY_SET"] = "%s: %s" % (type(exc).__name__, first_line(exc))
        databases = {}
        for alias, conf in (value("DATABASES") or {}).items():
            state = self.databases.get(alias, {})
            databases[alias] = {
                "engine": conf.get("ENGINE"),
                "name": state.get("name", str(conf.get("NAME") or "")),
                "host": str(conf.get("HOST") or ""),
                "port": str(conf.get("PORT") or ""),
            }
        debug = value("DEBUG", False)
        return {
            "DEBUG": None if debug is None else bool(debug),
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


class Forked(object):
    """Runs one half of the scan in a forked copy of the probe while the other half
    runs here: after ``django.setup()`` the system checks and the migration graph are
    independent, each about a third of a scan on a large project, and a desktop has
    more than one core. The child returns its part (plus the errors, unknowns and
    timings it added) as JSON on a pipe and leaves with ``os._exit`` (no atexit
    handler of the project runs twice). Fork only where it is safe and cheap: Linux,
    no other thread running. Anywhere else, or when the child fails, ``result()``
    runs the half here, so the document is the same either way.
    """

    def __init__(self, probe, func):
        self.probe = probe
        self.func = func
        self.pid = None
        self.pipe = None
        if not can_fork():
            return
        from django.db import connections

        connections.close_all()  # a child must not share an open database socket
        sys.stdout.flush()
        sys.stderr.flush()
        errors_before = len(probe.errors)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            code = 1
            try:
                os.close(read)
                part = func()
                payload = {
                    "part": part,
                    "errors": probe.errors[errors_before:],
                    "unknown": probe.unknown,
                    "timings": probe.timings,
                }
                data = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(data)
                code = 0
            finally:
                try:  # what the project printed meanwhile (stdout is stderr here)
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        os.close(write)
        self.pid = pid
        self.pipe = read

    def result(self):
        if self.pid is None or self.pipe is None:
            return self.func()
        chunks = []
        with os.fdopen(self.pipe, "rb") as pipe:
            while True:
                chunk = pipe.read(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        _, status = os.waitpid(self.pid, 0)
        try:
            payload = json.loads(b"".join(chunks).decode("utf-8")) if status == 0 else None
        except ValueError:
            payload = None
        if payload is None:  # the child died: do the work here
            return self.func()
        self.probe.errors.extend(payload["errors"])
        self.probe.unknown.update(payload["unknown"])
        self.probe.timings.update(payload["timings"])
        return payload["part"]


def can_fork():
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


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
    # Only a module that is not there: "cannot import name X from Y" names a Y that is.
    missing = getattr(exc, "name", None)
    if isinstance(exc, ModuleNotFoundError) and missing:
        error["missing_module"] = missing
    origin = raising_frame(exc)
    if origin is not None:
        error["module"], error["location"] = origin
    return error


_STDLIB = None


def _outside(module, filename):
    """True for a frame of the project or a third-party package: not Django, not the
    import machinery, not the standard library (``os.environ[...]`` raises in ``os``)."""
    global _STDLIB
    if not module or module.split(".")[0] in ("django", "importlib", "__main__"):
        return False
    if filename.startswith("<"):  # <frozen os>, <string>
        return False
    if _STDLIB is None:
        import sysconfig

        paths = sysconfig.get_paths()
        _STDLIB = tuple(
            os.path.normcase(os.path.abspath(paths[key])) + os.sep
            for key in ("stdlib", "platstdlib")
            if paths.get(key)
        )
    path = os.path.normcase(os.path.abspath(filename))
    return not (path.startswith(_STDLIB) and "site-packages" not in path)


def raising_frame(exc):
    """``(module, "file:line")`` of the deepest frame outside Django, the import
    machinery and the standard library: the project's or a third-party module."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        module = frame.f_globals.get("__name__")
        if _outside(module, frame.f_code.co_filename):
            found = (module, "%s:%d" % (frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    return found


def error_reason(error):
    text = "%s: %s" % (error.get("type"), error.get("message"))
    if error.get("module"):
        text += " (in %s)" % error["module"]
    return text


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


def collect_sql(loader, connection, migration):
    """``sqlmigrate``'s statements: the loader has them since Django 4.0, the executor before."""
    if hasattr(loader, "collect_sql"):
        return loader.collect_sql([(migration, False)])
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).collect_sql([(migration, False)])  # type: ignore[attr-defined]


def lint_field(field):
    if field is None:
        return None
    from django.db.models import NOT_PROVIDED

    return {
        "type": type(field).__name__,
        "null": bool(getattr(field, "null", False)),
        "has_default": bool(field.has_default()),
        "has_db_default": getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED,
        "unique": bool(getattr(field, "_unique", False)),
        "db_index": bool(getattr(field, "db_index", False)),
        "primary_key": bool(getattr(field, "primary_key", False)),
        "many_to_many": bool(getattr(field, "many_to_many", False)),
    }


def lint_operation(operation, app, name, index):
    kind = type(operation).__name__
    record = {
        "app": app,
        "migration": name,
        "index": index,
        "op": kind,
        "line": None,
        "model": None,
        "name": None,
        "field": None,
        "reversible": None,
        "concurrently": kind.endswith("Concurrently"),
    }
    model = getattr(operation, "model_name", None) or getattr(operation, "name_lower", None)
    if kind == "RenameModel":
        model = operation.old_name_lower
        record["new_name"] = operation.new_name
    if kind in ("CreateModel", "DeleteModel", "AlterModelTable", "AlterUniqueTogether"):
        model = operation.name_lower
    record["model"] = model
    if kind in ("AddField", "RemoveField", "AlterField"):
        record["name"] = operation.name
    if kind == "RenameField":
        record["name"] = operation.old_name
        record["new_name"] = operation.new_name
    if kind in ("AddField", "AlterField"):
        record["field"] = lint_field(operation.field)
    if kind == "CreateModel":
        record["fields"] = [[n, lint_field(f)] for n, f in operation.fields]
    if kind in ("AddConstraint", "AddConstraintNotValid"):
        constraint_type = type(operation.constraint).__name__
        record["constraint"] = {
            "type": constraint_type,
            "unique": constraint_type == "UniqueConstraint",
        }
    if kind in ("AddIndex", "AddIndexConcurrently"):
        record["constraint"] = {"type": "Index", "unique": False}
    if kind == "AlterUniqueTogether":
        record["constraint"] = {"type": "unique_together", "unique": True}
    if kind in ("RunPython", "RunSQL"):
        record["reversible"] = bool(operation.reversible)
    if kind == "SeparateDatabaseAndState":
        record["database_operations"] = [
            lint_operation(inner, app, name, index) for inner in operation.database_operations
        ]
    return record


def lint_record(migration):
    app, name = migration.app_label, migration.name
    return {
        "app": app,
        "name": name,
        "path": None,
        "atomic": bool(getattr(migration, "atomic", True)),
        "initial": bool(getattr(migration, "initial", False)),
        "replaces": [list(r) for r in (migration.replaces or [])],
        "dependencies": [list(d) for d in migration.dependencies],
        "operations": [
            lint_operation(op, app, name, i) for i, op in enumerate(migration.operations)
        ],
        "model_imports": [],
        "suppressed": [],
        "error": None,
        "module": type(migration).__module__,
    }


def empty_migrations():
    return {
        "db_reachable": False,
        "db_error": None,
        "apps": None,
        "unapplied": None,
        "conflicts": None,
    }


def label_of(model):
    if isinstance(model, str):
        return model
    meta = getattr(model, "_meta", None)
    return meta.label if meta is not None else None


# The closed set of relation kinds: a copy, as data, of
# djdesk_inspector/inspection/static/reader/relations.py (a test keeps them equal).
RELATION_KINDS = {
    "fk": "many-to-one: ForeignKey and its subclasses (ForeignObject too)",
    "o2o": "one-to-one: OneToOneField (multi-table parent links have parent_link true)",
    "m2m": "many-to-many: ManyToManyField, or any relation whose many_to_many is true",
    "generic_fk": "GenericForeignKey (content type + object id; no fixed target)",
    "generic_relation": "GenericRelation, the reverse side of a GenericForeignKey",
}
RELATION_CLASSES = (
    ("django.db.models.fields.related", "OneToOneField", "o2o"),
    ("django.db.models.fields.related", "ForeignKey", "fk"),
    ("django.db.models.fields.related", "ManyToManyField", "m2m"),
    ("django.contrib.contenttypes.fields", "GenericForeignKey", "generic_fk"),
    ("django.contrib.contenttypes.fields", "GenericRelation", "generic_relation"),
    ("django.db.models.fields.related", "ForeignObject", "fk"),
)
CARDINALITY = (
    ("many_to_many", "m2m"),
    ("one_to_one", "o2o"),
    ("many_to_one", "fk"),
    ("one_to_many", "generic_relation"),
)


def relation_kind(field):
    """The kind of the nearest class of the field's MRO in RELATION_CLASSES, else by
    Django's cardinality flags; None for a field that is no relation."""
    for cls in type(field).__mro__:
        for module, name, kind in RELATION_CLASSES:
            if cls.__module__ == module and cls.__name__ == name:
                return kind
    if not getattr(field, "is_relation", False):
        return None
    for flag, kind in CARDINALITY:
        if getattr(field, flag, False):
            return kind
    return None


def describe_field(field, model):
    relation = None
    kind = relation_kind(field)
    if kind == "generic_fk":
        relation = {
            "kind": kind,
            "target": None,
            "ct_field": getattr(field, "ct_field", None),
            "fk_field": getattr(field, "fk_field", None),
        }
    elif getattr(field, "is_relation", False):
        remote = getattr(field, "remote_field", None)
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
    if relation is not None:
        cls = type(field)
        if cls.__module__.split(".")[0] != "django":
            relation["class"] = "%s.%s" % (cls.__module__, cls.__qualname__)
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


def describe_model(model, app_label=None, unknown=None):
    meta = model._meta
    label = app_label if app_label is not None else meta.app_label
    fields = []
    seen = set()
    skipped = []
    for field in list(meta.fields) + list(meta.many_to_many) + list(meta.private_fields):
        if id(field) in seen:
            continue
        seen.add(id(field))
        try:
            fields.append(describe_field(field, model))
        except Exception as exc:  # a field we cannot read makes the list partial
            skipped.append("%s (%s: %s)" % (getattr(field, "name", "?"), type(exc).__name__, exc))
    if skipped and unknown is not None:
        unknown["models.%s.%s.fields" % (label, meta.object_name)] = (
            "partial: could not read " + ", ".join(skipped)
        )
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


class Deconstructed(object):
    """Stands in for a field clone in a state that is only compared, never rendered:
    the comparison (same_model) uses nothing but ``deconstruct()``, and cloning a field
    (deconstruct + a new instance) for every field of every model is what makes
    ``ProjectState.from_apps`` slow."""

    is_relation = False
    many_to_many = False

    def __init__(self, field):
        # (path, args, kwargs), the shape of a deconstructible that is not a Field, so
        # the autodetector's deep_deconstruct() reads it (also when nested, as
        # ArrayField's base_field) exactly as it reads the real field.
        self.parts = field.deconstruct()[1:]

    def deconstruct(self):
        return self.parts


def light_state(apps):
    """``ProjectState.from_apps(apps)`` with fields as :class:`Deconstructed`, or None."""
    from django.db.migrations.state import ProjectState
    from django.db.models.fields import Field

    original = Field.clone
    Field.clone = lambda self: Deconstructed(self)  # type: ignore[method-assign,assignment,return-value]
    try:
        return ProjectState.from_apps(apps)
    except Exception:  # anything unusual: the caller builds the real state
        return None
    finally:
        Field.clone = original  # type: ignore[method-assign]


def same_states(old, new, app_labels, deep):
    """True when the autodetector would find nothing to do in ``app_labels``.

    Compares what ``MigrationAutodetector`` compares, the way it compares it, so that
    differences it ignores do not force the slow path on real projects: model bases
    (never diffed for an existing model), ``abstract: False`` (abstract models never
    appear in a state), ``unique_together``/``index_together`` as sets of tuples
    (``None`` and empty alike), ``indexes``/``constraints`` by membership (a state
    rebuilt from migrations can hold an index twice), fields by ``deep`` (the
    autodetector's own ``deep_deconstruct``: ``SET(x)`` closures compare equal).
    Anything else must be equal; any doubt returns False and the caller runs the
    real autodetector.
    """
    keys = set(k for k in old if k[0] in app_labels)
    if keys != set(k for k in new if k[0] in app_labels):
        return False
    try:
        return all(same_model(old[key], new[key], deep) for key in keys)
    except Exception:
        return False


_TOGETHER = ("unique_together", "index_together")
_BY_MEMBERSHIP = ("indexes", "constraints")


def same_model(before, after, deep):
    if before.name_lower != after.name_lower or before.managers != after.managers:
        return False
    if set(before.fields) != set(after.fields):
        return False
    for name, field in before.fields.items():
        if deep(field) != deep(after.fields[name]):
            return False
    first, second = comparable_options(before.options), comparable_options(after.options)
    for key in _BY_MEMBERSHIP:
        one, two = first.pop(key, None) or [], second.pop(key, None) or []
        if any(item not in two for item in one) or any(item not in one for item in two):
            return False
    return first == second


def comparable_options(options):
    result = {}
    for key, value in options.items():
        if key == "abstract" and not value:
            continue
        if key in _TOGETHER:
            value = set(tuple(item) for item in value or ())
            if not value:
                continue
        result[key] = value
    return result


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
