"""Static vs live accuracy on real Django projects on disk. Prints JSON.

For each PATH: the static scan (in the target interpreter when ``--python`` is given,
else in-process) and, unless ``--no-live``, the live probe in the same interpreter;
then, with the live document as the truth:

* ``model_recall``: live models the static scan lists (auto-created M2M tables too);
* ``field_recall``: live fields the static scan lists with the same name, and
  ``field_exact_recall`` with the same type, column, null, unique, primary key,
  owner and relation (a value the scan marks unknown counts as a miss), each split
  into ``in_project`` apps and ``installed`` apps (site-packages, Django's contrib);
* ``invented``: static models, fields and bases (parents) the live scan does not have;
* ``label_errors``: apps whose static label differs from the live one;
* ``static.seconds``/``cpu_seconds``: wall and CPU time of ``static.scan`` (median
  of ``--runs``), process start included; ``reader_seconds`` is the reader's own;
* with ``--vs-check``: the live scan through ``djdesk_inspect`` against the project's
  ``manage.py check`` (``bench/vs_check.py``; target <= 1.3), with the number of
  models and of pending migrations, since a fresh clone's plan costs more.

The projects themselves are never part of this repository: fetch them elsewhere and
install their dependencies in a venv (``--python``). Targets: field recall >= 95 %,
invented 0, label errors 0, a 300-model project <= 1.5 s.

Run: .venv/bin/python bench/real_projects.py PATH [PATH ...] [--python PY]
     [--settings MODULE] [--env NAME=VALUE]... [--runs N] [--no-live] [--details]
     [--vs-check]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pathsetup

ROOT = pathsetup.ROOT
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django  # noqa: E402

django.setup()

from bench import vs_check  # noqa: E402
from djdesk_inspector.inspection import live, static  # noqa: E402

COMPARED = ("type", "column", "null", "unique", "primary_key", "inherited_from", "relation")


def _ratio(hit: int, total: int) -> float | None:
    return round(hit / total, 4) if total else None


def compare(static_doc: dict[str, Any], live_doc: dict[str, Any], project: Path) -> dict[str, Any]:
    """Accuracy figures of ``static_doc`` against ``live_doc``."""
    project = project.resolve()
    in_project = {
        a["label"]
        for a in live_doc["apps"]
        if a.get("path") and project in Path(a["path"]).resolve().parents
    }
    smodels = {m["label"]: m for m in static_doc["models"]}
    lmodels = {m["label"]: m for m in live_doc["models"]}
    counts: dict[str, dict[str, int]] = {
        group: {"models": 0, "models_hit": 0, "fields": 0, "fields_hit": 0, "exact": 0}
        for group in ("in_project", "installed")
    }
    missing_fields: list[str] = []
    inexact: list[str] = []
    invented_fields: list[str] = []
    invented_parents: list[str] = []
    for label, lm in lmodels.items():
        group = counts["in_project" if lm["app_label"] in in_project else "installed"]
        group["models"] += 1
        sm = smodels.get(label)
        group["models_hit"] += sm is not None
        sfields = {f["name"]: f for f in (sm or {}).get("fields", [])}
        for field in lm["fields"]:
            group["fields"] += 1
            found = sfields.get(field["name"])
            if found is None:
                missing_fields.append(f"{label}.{field['name']}")
                continue
            group["fields_hit"] += 1
            if all(found.get(k) == field.get(k) for k in COMPARED):
                group["exact"] += 1
            else:
                diff = [k for k in COMPARED if found.get(k) != field.get(k)]
                inexact.append(f"{label}.{field['name']}: {', '.join(diff)}")
        if sm is not None:
            live_names = {f["name"] for f in lm["fields"]}
            invented_fields += [
                f"{label}.{f['name']}" for f in sm["fields"] if f["name"] not in live_names
            ]
            invented_parents += [f"{label} <- {b}" for b in sm["bases"] if b not in lm["bases"]]
    # Apps an undecidable ``if`` in the settings may remove are listed and flagged.
    flagged = {a["label"] for a in static_doc["apps"] if a.get("installed_unknown_reason")}
    invented_models = sorted(
        label for label in set(smodels) - set(lmodels) if label.partition(".")[0] not in flagged
    )
    flagged_models = sorted(
        label for label in set(smodels) - set(lmodels) if label.partition(".")[0] in flagged
    )
    slabels = {a["name"]: a["label"] for a in static_doc["apps"]}
    label_errors = sorted(
        f"{a['name']}: static {slabels.get(a['name'])!r}, live {a['label']!r}"
        for a in live_doc["apps"]
        if slabels.get(a["name"]) != a["label"]
    )
    figures: dict[str, Any] = {}
    for name, group in counts.items():
        figures[name] = {
            "models": group["models"],
            "model_recall": _ratio(group["models_hit"], group["models"]),
            "fields": group["fields"],
            "field_recall": _ratio(group["fields_hit"], group["fields"]),
            "field_exact_recall": _ratio(group["exact"], group["fields"]),
        }
    incomplete = [m["label"] for m in static_doc["models"] if not m.get("fields_complete", True)]
    return {
        **figures,
        "invented": {
            "models": len(invented_models),
            "fields": len(invented_fields),
            "parents": len(invented_parents),
        },
        "models_of_apps_flagged_maybe_not_installed": len(flagged_models),
        "label_errors": len(label_errors),
        "static_errors": len(static_doc["errors"]),
        "models_marked_incomplete": len(incomplete),
        "details": {
            "missing_fields": missing_fields[:40],
            "inexact_fields": inexact[:40],
            "invented_models": invented_models[:20],
            "invented_fields": invented_fields[:20],
            "invented_parents": invented_parents[:20],
            "label_errors": label_errors,
            "static_errors": [e["message"] for e in static_doc["errors"]][:10],
            "incomplete": incomplete[:20],
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--python", help="the projects' interpreter (a venv's python)")
    parser.add_argument("--settings", help="settings module (default: from manage.py)")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for live")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-live", action="store_true")
    parser.add_argument("--details", action="store_true", help="list the differences")
    parser.add_argument("--vs-check", action="store_true", help="time live vs manage.py check")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    report = []
    for path in args.paths:
        entry: dict[str, Any] = {"project": path.name}
        times, cpus, document = [], [], None
        for _ in range(max(1, args.runs)):
            started, cpu = time.perf_counter(), vs_check.cpu_seconds()
            document = static.scan(path, settings_module=args.settings, interpreter=args.python)
            times.append(time.perf_counter() - started)
            cpus.append(vs_check.cpu_seconds() - cpu)
        assert document is not None
        entry["static"] = {
            "seconds": round(statistics.median(times), 3),
            "cpu_seconds": round(statistics.median(cpus), 3),
            "reader_seconds": document["timings"]["static"],
            "in_target": document["static_reader"]["in_target"],
            "files_read": document["static_reader"]["files_read"],
            "models": len(document["models"]),
            "apps": len(document["apps"]),
            "errors": len(document["errors"]),
        }
        if not args.no_live:
            try:
                live_doc = live.scan(
                    path, settings_module=args.settings, interpreter=args.python, env=env
                )
            except Exception as exc:  # the figure is "live could not run", with why
                entry["live_error"] = str(exc)
            else:
                figures = compare(document, live_doc, path)
                if not args.details:
                    figures.pop("details")
                entry["accuracy"] = figures
                if args.vs_check:
                    unapplied = live_doc["migrations"]["unapplied"]
                    entry["vs_check"] = {
                        "models": len(live_doc["models"]),
                        "pending_migrations": None if unapplied is None else len(unapplied),
                        "db_error": live_doc["migrations"]["db_error"],
                        **vs_check.measure(
                            path,
                            python=args.python or sys.executable,
                            settings_module=live_doc["settings_module"],
                            env=env,
                            runs=args.runs,
                        ),
                    }
        report.append(entry)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
