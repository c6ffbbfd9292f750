"""Log study: outcomes, durations and log lines of the task runs against a workspace.

The logs are the presets app's (``TaskRunLogLine``, already redacted when stored);
the registry marks this template unavailable when that app is not installed.
"""

from __future__ import annotations

from typing import Any

from djdesk_inspector.datalab.authoring import Notebook
from djdesk_inspector.datalab.registry import Built, Source

SLUG = "log-study"
DATA = "logs.json"
RUNS_LIMIT = 50
LINES_LIMIT = 20_000
RUN_FIELDS = (
    "id",
    "preset_key",
    "preset_label",
    "status",
    "exit_code",
    "timed_out",
    "truncated",
    "line_count",
    "duration_ms",
    "created_at",
)


def collect(workspace_slug: str) -> dict[str, Any]:
    """The latest runs against the workspace and their lines (two queries, both capped)."""
    from djdesk_inspector.presets.models import TaskRun, TaskRunLogLine
    from djdesk_inspector.presets.targets import workspace_key

    runs = list(
        TaskRun.objects.filter(target=workspace_key(workspace_slug))
        .order_by("-id")
        .values(*RUN_FIELDS)[:RUNS_LIMIT]
    )
    lines = (
        TaskRunLogLine.objects.filter(run_id__in=[run["id"] for run in runs])
        .order_by("-run_id", "seq")
        .values_list("run_id", "seq", "stream", "t_ms", "text")[:LINES_LIMIT]
    )
    return {
        "runs": [{**run, "created_at": run["created_at"].isoformat()} for run in runs],
        "lines": [list(line) for line in lines],
        "line_columns": ["run", "seq", "stream", "t_ms", "text"],
        "limits": {"runs": RUNS_LIMIT, "lines": LINES_LIMIT},
    }


def build(source: Source) -> Built:
    data = collect(source.workspace.slug)
    nb = Notebook(source, slug=SLUG, title="Log study")
    nb.markdown(
        f"The latest {RUNS_LIMIT} task runs against this workspace and up to "
        f"{LINES_LIMIT:,} of their log lines. Secrets were redacted before the lines "
        "were stored."
    )
    nb.setup([DATA])
    nb.markdown("## Overview")
    nb.code("""
import re
import statistics

RUNS = LOGS["runs"]
LINES = [dict(zip(LOGS["line_columns"], line)) for line in LOGS["lines"]]
STREAMS = {"o": "stdout", "e": "stderr", "s": "djdesk"}
if not RUNS:
    print("No task has run against this workspace yet.")
show(
    [
        ("runs", len(RUNS)),
        *sorted(Counter(r["status"] for r in RUNS).items()),
        ("timed out", sum(1 for r in RUNS if r.get("timed_out"))),
        ("output cut at the cap", sum(1 for r in RUNS if r.get("truncated"))),
        ("log lines read", len(LINES)),
    ],
    ["what", "count"],
)
""")
    nb.markdown("## Durations by preset", "Finished runs only, in seconds.")
    nb.code("""
durations = defaultdict(list)
for run in RUNS:
    if run.get("duration_ms") is not None:
        durations[run["preset_label"] or run["preset_key"]].append(run["duration_ms"] / 1000)
show(
    [
        (preset, len(values), round(statistics.median(values), 2), round(max(values), 2))
        for preset, values in sorted(durations.items())
    ],
    ["preset", "runs", "median s", "max s"],
)
bar_chart({p: statistics.median(v) for p, v in sorted(durations.items())}, "Median duration (s)")
""")
    nb.markdown("## Runs")
    nb.code("""
show(
    [
        (r["id"], r["preset_label"] or r["preset_key"], r["status"],
         "" if r.get("exit_code") is None else r["exit_code"],
         "" if r.get("duration_ms") is None else round(r["duration_ms"] / 1000, 2),
         r.get("line_count", 0), r["created_at"][:19])
        for r in RUNS
    ],
    ["run", "preset", "status", "exit", "seconds", "lines", "started"],
)
""")
    nb.markdown("## Lines per stream")
    nb.code("""
per_stream = Counter((line["run"], STREAMS.get(line["stream"], line["stream"])) for line in LINES)
show(sorted((run, stream, n) for (run, stream), n in per_stream.items()), ["run", "stream", "lines"])
""")
    nb.markdown("## Warnings and errors", "Lines that mention an error, a warning or a traceback.")
    nb.code("""
SEVERE = re.compile(r"\\b(CRITICAL|ERROR|Error|Exception|Traceback|WARNING|Warning)\\b")
hits = [(line["run"], line["seq"], SEVERE.search(line["text"]).group(1), line["text"][:200])
        for line in LINES if SEVERE.search(line["text"])]
show(sorted(Counter(h[2] for h in hits).items()), ["keyword", "lines"])
show(hits, ["run", "seq", "keyword", "line"], limit=50)
""")
    nb.markdown(
        "## Most repeated lines",
        "Digits are folded, so lines differing only in numbers count together.",
    )
    nb.code("""
shapes = Counter(re.sub(r"\\d+", "#", line["text"]).strip() for line in LINES)
shapes.pop("", None)
show([(n, shape[:160]) for shape, n in shapes.most_common(20)], ["times", "line"])
""")
    return Built(nb.build(), {DATA: data})
