"""Figures for "Before you migrate": lint cost, rehearsal timings, parity with django-migration-linter.

    python bench/migrations.py [--rehearsal-mb 50] [--migrations 300] [--skip-dml]

Prints one JSON document:

* ``lint_300``: reading and linting a project with 300 migrations (static, no project
  code run), the time beyond the scan itself;
* ``rehearsal``: 50 pending migrations on a SQLite copy of about 50 MB, forward and
  back, per migration;
* ``dml_agreement``: the test project's migrations linted by djdesk and by
  django-migration-linter (installed into a throwaway venv from PyPI), compared on
  the rule set both have, with every difference listed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pathsetup  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from djdesk_inspector.inspection import migration_lint, rehearsal  # noqa: E402
from tests.migration_safety import projects  # noqa: E402

# django-migration-linter's messages -> djdesk's rule for the same risk.
DML_TO_DJDESK = (
    (re.compile(r"NOT NULL constraint"), "DJM001"),
    (re.compile(r"DROPPING columns"), "DJM003"),
    (re.compile(r"RENAMING columns"), "DJM004"),
    (re.compile(r"DROPPING table"), "DJM005"),
    (re.compile(r"RENAMING tables"), "DJM006"),
    (re.compile(r"ALTERING columns"), "DJM007"),
    (re.compile(r"RunPython data migration is not reversible"), "DJM008"),
    (re.compile(r"RunSQL data migration is not reversible"), "DJM009"),
    (re.compile(r"CREATE INDEX|ADDING unique|ADD UNIQUE", re.I), "DJM010"),
    (re.compile(r"Importing the model directly"), "DJM012"),
)
SHARED_RULES = {rule for _pattern, rule in DML_TO_DJDESK}


def write_many_migrations(root: Path, apps: int, per_app: int) -> list[migration_lint.ProjectApp]:
    """``apps`` apps of ``per_app`` migrations each: adds, alters, indexes, data steps."""
    result = []
    for a in range(apps):
        label = f"app{a:02d}"
        folder = root / label / "migrations"
        folder.mkdir(parents=True)
        (root / label / "__init__.py").write_text("")
        (folder / "__init__.py").write_text("")
        for n in range(per_app):
            name = f"{n + 1:04d}_step"
            deps = f"[('{label}', '{n:04d}_step')]" if n else "[]"
            if n == 0:
                ops = (
                    "migrations.CreateModel(name='Thing', fields=[('id', "
                    "models.BigAutoField(primary_key=True, serialize=False))])"
                )
            elif n % 3 == 1:
                ops = f"migrations.AddField('thing', 'f{n}', models.IntegerField(null=True))"
            elif n % 3 == 2:
                ops = (
                    f"migrations.AlterField('thing', 'f{n - 1}', models.BigIntegerField(null=True))"
                )
            else:
                ops = "migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)"
            (folder / f"{name}.py").write_text(
                "from django.db import migrations, models\n\n\n"
                "class Migration(migrations.Migration):\n"
                f"    dependencies = {deps}\n"
                f"    operations = [{ops}]\n"
            )
        result.append(migration_lint.ProjectApp(label, label, root / label))
    return result


def bench_lint(count: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        apps = write_many_migrations(root, 10, count // 10)
        runs = []
        findings = 0
        for _ in range(5):
            started = time.perf_counter()
            migrations = migration_lint.read_project(root, apps)
            found = migration_lint.lint(migrations)
            runs.append(time.perf_counter() - started)
            findings = len(found)
        return {
            "migrations": len(migrations),
            "findings": findings,
            "seconds_median": round(statistics.median(runs), 3),
            "seconds_max": round(max(runs), 3),
            "target_seconds": 1.0,
        }


def bench_rehearsal(megabytes: int, pending: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        project = projects.write_rehearsal_project(Path(tmp) / "p", rows=0)
        folder = project / "shop" / "migrations"
        (folder / "0002_label.py").unlink()
        previous = "0001_initial"
        extra_fields = []
        for n in range(pending):
            name = f"{n + 2:04d}_step"
            if n % 2 == 0:
                op = f"migrations.AddField('item', 'c{n}', models.IntegerField(null=True))"
                extra_fields.append(f"    c{n} = models.IntegerField(null=True)\n")
            else:
                op = (
                    f"migrations.AddIndex('item', models.Index(fields=['c{n - 1}'], "
                    f"name='item_c{n - 1}_idx'))"
                )
            (folder / f"{name}.py").write_text(
                "from django.db import migrations, models\n\n\n"
                "class Migration(migrations.Migration):\n"
                f"    dependencies = [('shop', '{previous}')]\n"
                f"    operations = [{op}]\n"
            )
            previous = name
        models = project / "shop" / "models.py"
        models.write_text(
            "from django.db import models\n\n\nclass Item(models.Model):\n"
            "    name = models.CharField(max_length=50)\n" + "".join(extra_fields)
        )
        db = project / "db.sqlite3"
        row = "x" * 240
        with sqlite3.connect(db) as conn:
            batch = [(row,)] * 10_000
            while db.stat().st_size < megabytes * 1_000_000:
                conn.executemany("INSERT INTO shop_item (name) VALUES (?)", batch)
                conn.commit()
        size = db.stat().st_size
        started = time.perf_counter()
        report = rehearsal.rehearse(project, interpreter=sys.executable, timeout=1800)
        total = time.perf_counter() - started
        forward = {s["migration"]: s["ms"] for s in report["forward"]}
        backward = {s["migration"]: s["ms"] for s in report["backward"]}
        return {
            "database_bytes": size,
            "pending": len(report["plan"]),
            "copy_ms": report["copy_ms"],
            "forward_ok": report["forward_ok"],
            "rollback_ok": report["rollback_ok"],
            "real_database_untouched": report["real_database_untouched"],
            "total_seconds": round(total, 2),
            "forward_ms_total": round(sum(forward.values()), 1),
            "backward_ms_total": round(sum(backward.values()), 1),
            "per_migration_ms": {
                name: {"forward": forward.get(name), "backward": backward.get(name)}
                for name in forward
            },
        }


def dml_findings(project: Path, python: str) -> set[tuple[str, str]]:
    settings = project / "proj" / "settings.py"
    settings.write_text(
        settings.read_text().replace('["shop"]', '["shop", "django_migration_linter"]')
    )
    done = subprocess.run(
        [python, "manage.py", "lintmigrations", "shop", "--no-cache", "--sql-analyser", "sqlite"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        # This process's DJANGO_SETTINGS_MODULE is the bench's, not the project's.
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    found: set[tuple[str, str]] = set()
    current = ""
    for line in done.stdout.splitlines():
        header = re.match(r"\(shop, (\S+)\)", line)
        if header:
            current = header.group(1)
            continue
        for pattern, rule in DML_TO_DJDESK:
            if pattern.search(line):
                found.add((current, rule))
    return found


def dml_python(given: str | None) -> str:
    if given:
        return given
    venv = Path(tempfile.gettempdir()) / "djdesk-bench-dml"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                "Django>=5.2,<6",
                "django-migration-linter",
            ],
            check=True,
        )
    return str(python)


def bench_dml(python: str | None) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        project = projects.write_lint_project(Path(tmp) / "p")
        # Compare everything: the marker in 0005 would hide DJM006 from djdesk only.
        cleanup = project / "shop" / "migrations" / "0005_cleanup.py"
        cleanup.write_text(cleanup.read_text().replace("# djdesk-lint: ignore DJM006\n", ""))
        apps = [migration_lint.ProjectApp("shop", "shop", project / "shop")]
        ours_all = migration_lint.lint(migration_lint.read_project(project, apps))
        ours = {
            (f.migration, "DJM001" if f.rule == "DJM002" else f.rule)
            for f in ours_all
            if f.rule in SHARED_RULES or f.rule == "DJM002"
        }
        theirs = dml_findings(project, dml_python(python))
    both = ours & theirs
    union = ours | theirs
    return {
        "shared_rules": sorted(SHARED_RULES),
        "pairs_compared": len(union),
        "agree": len(both),
        "agreement": round(len(both) / len(union), 3) if union else 1.0,
        "only_djdesk": sorted(ours - theirs),
        "only_django_migration_linter": sorted(theirs - ours),
        "explained_in": "docs/migrations.rst#rule-parity-with-django-migration-linter",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--migrations", type=int, default=300)
    parser.add_argument("--rehearsal-mb", type=int, default=50)
    parser.add_argument("--rehearsal-migrations", type=int, default=50)
    parser.add_argument("--dml-python", help="A Python with django-migration-linter installed.")
    parser.add_argument("--skip-dml", action="store_true")
    args = parser.parse_args()
    result: dict[str, object] = {
        "lint_300": bench_lint(args.migrations),
        "rehearsal": bench_rehearsal(args.rehearsal_mb, args.rehearsal_migrations),
    }
    if not args.skip_dml:
        result["dml_agreement"] = bench_dml(args.dml_python)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
