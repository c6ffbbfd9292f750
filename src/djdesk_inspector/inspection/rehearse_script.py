"""Rehearse pending migrations on a copy of the database, inside the target's interpreter.

Started by :mod:`djdesk_inspector.inspection.rehearsal` as a file, like the probe:
``python -B rehearse_script.py --project DIR --settings MODULE --database ALIAS
--copy PATH --nonce HEX``. Stdlib plus the project's own Django; Python 3.8+.

1. Before Django touches any database, the alias's ``NAME`` is pointed at the copy:
   SQLite is copied with the online backup API from the real file opened read-only;
   PostgreSQL gets a scratch database created with the real one as its template.
2. The pending plan is applied one migration at a time, each timed.
3. The database is migrated back to where it started, one migration at a time (the
   rollback test); every failure is reported with its traceback.
4. The scratch copy is dropped (PostgreSQL; the host deletes the SQLite copy).

Progress goes to stderr as ``DJDESK-REHEARSE-STAGE <nonce> <percent> <text>``; the
report is printed between nonce markers, stdout being stderr until then.
"""

import hashlib
import json
import os
import sqlite3
import sys
import time
import traceback

BEGIN, END, STAGE = "DJDESK-REHEARSE-BEGIN", "DJDESK-REHEARSE-END", "DJDESK-REHEARSE-STAGE"
EXIT_OK, EXIT_USAGE, EXIT_FAILED = 0, 2, 5
OPTIONS = ("project", "settings", "database", "copy", "nonce")


def parse_args(argv):
    options = {}
    key = None
    for arg in argv:
        if key is not None:
            options[key] = arg
            key = None
        elif arg.startswith("--") and arg[2:] in OPTIONS:
            key = arg[2:]
        else:
            return None
    if key is not None or set(options) != set(OPTIONS):
        return None
    return options


class Rehearsal:
    def __init__(self, options, out):
        self.options = options
        self.out = out
        self.alias = options["database"]
        self.report = {
            "database": self.alias,
            "vendor": None,
            "rehearsed": False,
            "reason": None,
            "start": {},
            "plan": [],
            "forward": [],
            "backward": [],
            "forward_ok": None,
            "rollback_ok": None,
            "copy_ms": None,
        }
        self.scratch = None

    def stage(self, percent, text):
        sys.stderr.write("%s %s %d %s\n" % (STAGE, self.options["nonce"], percent, text))
        sys.stderr.flush()

    def emit(self):
        nonce = self.options["nonce"]
        body = json.dumps(self.report, default=str).encode("utf-8")
        self.out.write(("%s %s\n" % (BEGIN, nonce)).encode("ascii"))
        self.out.write(body)
        self.out.write(("\n%s %s\n" % (END, nonce)).encode("ascii"))
        self.out.flush()

    def point_at_copy(self):
        """Step 1, before ``django.setup()`` opens anything."""
        from django.conf import settings

        databases = settings.DATABASES
        if self.alias not in databases:
            self.report["reason"] = "no %r database is configured" % self.alias
            return False
        config = databases[self.alias]
        engine = str(config.get("ENGINE") or "")
        started = time.monotonic()
        if engine.endswith("sqlite3"):
            self.report["vendor"] = "sqlite"
            real = str(config.get("NAME") or "")
            if not real or real == ":memory:" or real.startswith("file::memory:"):
                self.report["reason"] = "an in-memory SQLite database has nothing to rehearse on"
                return False
            if not os.path.isfile(real):
                self.report["reason"] = "not created yet: run migrate (%s does not exist)" % real
                return False
            self.report["real_path"] = os.path.abspath(real)
            self.report["sha256_before"] = file_sha256(real)
            source = sqlite3.connect("file:%s?mode=ro" % real, uri=True)
            target = sqlite3.connect(self.options["copy"])
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
            config["NAME"] = self.options["copy"]
        elif "postgresql" in engine or "postgis" in engine:
            self.report["vendor"] = "postgresql"
            if not self.postgres_scratch(config):
                return False
        else:
            self.report["reason"] = (
                "rehearsal needs SQLite or PostgreSQL (%s); only the plan and the lint "
                "are available" % (engine or "no engine")
            )
            return False
        self.report["copy_ms"] = int((time.monotonic() - started) * 1000)
        return True

    def postgres_scratch(self, config):
        """``CREATE DATABASE scratch TEMPLATE real``, or say why it cannot be done."""
        import django

        django.setup()
        from django.db import connections

        real = config.get("NAME")
        name = "djdesk_rehearse_%s" % self.options["nonce"][:12]
        connection = connections[self.alias]
        try:
            with connection._nodb_cursor() as cursor:
                quote = connection.ops.quote_name
                cursor.execute("CREATE DATABASE %s TEMPLATE %s" % (quote(name), quote(real)))
        except Exception as exc:
            self.report["reason"] = (
                "cannot create a scratch copy of %s (%s: %s); only the plan and the lint "
                "are available" % (real, type(exc).__name__, str(exc).strip().splitlines()[0])
            )
            return False
        finally:
            connection.close()
        self.scratch = (name, real)
        config["NAME"] = name
        connection.settings_dict["NAME"] = name
        return True

    def drop_scratch(self):
        if self.scratch is None:
            return
        from django.db import connections

        connection = connections[self.alias]
        connection.close()
        connection.settings_dict["NAME"] = self.scratch[1]
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "DROP DATABASE IF EXISTS %s" % connection.ops.quote_name(self.scratch[0])
            )
        connection.close()

    def run(self):
        import django

        if not self.point_at_copy():
            return
        django.setup()
        from django.db import connections
        from django.db.migrations.executor import MigrationExecutor

        connection = connections[self.alias]
        executor = MigrationExecutor(connection)
        graph = executor.loader.graph
        applied = set(executor.loader.applied_migrations)
        start = {}
        for app, name in graph.leaf_nodes():
            history = [k for k in graph.forwards_plan((app, name)) if k[0] == app and k in applied]
            start[app] = history[-1][1] if history else None
        self.report["start"] = start
        plan = executor.migration_plan(graph.leaf_nodes())
        self.report["plan"] = [[m.app_label, m.name] for m, _backwards in plan]
        self.report["rehearsed"] = True
        if not plan:
            self.report["forward_ok"] = True
            self.report["rollback_ok"] = True
            return
        total = len(plan) * 2
        done = 0
        self.report["forward_ok"] = True
        for migration, _backwards in plan:
            self.stage(
                10 + int(80 * done / total), "apply %s.%s" % (migration.app_label, migration.name)
            )
            step = self.step(migration.app_label, migration.name, "forward")
            self.report["forward"].append(step)
            done += 1
            if not step["ok"]:
                self.report["forward_ok"] = False
                break
        back_targets = [(app, name) for app, name in sorted(start.items())]
        executor = MigrationExecutor(connection)
        back_plan = executor.migration_plan(back_targets)
        self.report["rollback_ok"] = True
        for migration, backwards in back_plan:
            if not backwards:
                continue
            parents = [
                key[1]
                for key in executor.loader.graph.node_map[
                    (migration.app_label, migration.name)
                ].parents
                if key[0] == migration.app_label
            ]
            target = parents[0] if len(parents) == 1 else ("zero" if not parents else None)
            if target is None:
                target = start.get(migration.app_label) or "zero"
            self.stage(
                10 + int(80 * done / total), "unapply %s.%s" % (migration.app_label, migration.name)
            )
            step = self.step(migration.app_label, target, "backward", unapplies=migration.name)
            self.report["backward"].append(step)
            done += 1
            if not step["ok"]:
                self.report["rollback_ok"] = False
                break

    def step(self, app, target, direction, unapplies=None):
        from django.core.management import call_command

        started = time.monotonic()
        record = {
            "app": app,
            "migration": unapplies or target,
            "direction": direction,
            "ok": True,
            "ms": None,
            "error": None,
            "traceback": None,
        }
        try:
            call_command(
                "migrate",
                app,
                target,
                database=self.alias,
                interactive=False,
                verbosity=0,
                skip_checks=True,
            )
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            record["ok"] = False
            record["error"] = "%s: %s" % (type(exc).__name__, exc)
            record["traceback"] = traceback.format_exc()[-6000:]
        record["ms"] = round((time.monotonic() - started) * 1000, 1)
        return record


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def redirect_stdout():
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(saved, "wb")


def main(argv):
    options = parse_args(argv)
    if options is None:
        sys.stderr.write(
            "usage: rehearse_script.py --project DIR --settings MODULE --database ALIAS "
            "--copy PATH --nonce HEX\n"
        )
        return EXIT_USAGE
    out = redirect_stdout()
    project = os.path.abspath(options["project"])
    os.chdir(project)
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, project)
    os.environ["DJANGO_SETTINGS_MODULE"] = options["settings"]
    rehearsal = Rehearsal(options, out)
    rehearsal.stage(2, "setup")
    code = EXIT_OK
    try:
        rehearsal.run()
    except BaseException as exc:
        rehearsal.report["reason"] = "%s: %s" % (type(exc).__name__, exc)
        rehearsal.report["traceback"] = traceback.format_exc()[-6000:]
        code = EXIT_FAILED
    finally:
        try:
            from django.db import connections

            connections.close_all()
            rehearsal.drop_scratch()
        except Exception as exc:
            rehearsal.report["cleanup_error"] = "%s: %s" % (type(exc).__name__, exc)
    rehearsal.stage(99, "report")
    rehearsal.emit()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
