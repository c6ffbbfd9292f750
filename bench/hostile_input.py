"""Hostile request bodies against a real launcher, as figures printed in JSON.

    .venv/bin/python bench/hostile_input.py [--random 300] [--seed 1]

One launcher of the example project (``--token-stdin``, a migrated data dir) and one
workspace. Every POST operation of its OpenAPI document gets each hostile body of
``tests/hostile/test_hostile_bodies.py`` plus ``--random`` random byte strings
(JSON-ish fragments, brackets, digits, escapes), with the token and a CSRF pair.
Figures: requests sent, answers by status class, 5xx count (target 0), non-JSON
answers (target 0), and the slowest refusal of a 100,000-deep body (ms).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pathsetup  # noqa: F401

from tests.desktop import launching
from tests.hostile.bodies import HOSTILE_BODIES, ODD_BODIES

CSRF = "b" * 32
PIECES = [
    b"{",
    b"}",
    b"[",
    b"]",
    b'"',
    b"\\",
    b"\\u",
    b"d800",
    b":",
    b",",
    b"9" * 50,
    b"-",
    b"e999",
    b"null",
    b"NaN",
    b'"preset"',
    b'"kind"',
    b"\x00",
    b"\xff",
    b" ",
]


def random_body(rng: random.Random) -> bytes:
    return b"".join(rng.choice(PIECES) * rng.randint(1, 40) for _ in range(rng.randint(1, 30)))


def post(launched: launching.Launched, path: str, body: bytes) -> launching.Answer:
    return launched.request(
        "POST",
        path,
        headers={
            "Content-Type": "application/json",
            "Cookie": f"csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
        },
        body=body,
    )


def measure(random_count: int, seed: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="djdesk-bench-hostile-"))
    launched = launching.launch(work / "data", token_stdin=True)
    try:
        project = work / "project"
        project.mkdir()
        (project / "manage.py").write_text("print('not run')\n")
        created = post(
            launched,
            "/djdesk/api/workspaces/",
            json.dumps({"project_path": str(project), "name": "Bench"}).encode(),
        )
        slug = created.json()["slug"]
        document = launched.get("/djdesk/api/openapi.json").json()
        paths = [
            path.replace("{slug}", slug).replace("{run_id}", "1")
            for path, item in document["paths"].items()
            if "post" in item
        ]
        rng = random.Random(seed)
        bodies = [*HOSTILE_BODIES.values(), *ODD_BODIES.values()]
        bodies += [random_body(rng) for _ in range(random_count)]
        classes: Counter[str] = Counter()
        non_json = 0
        for path in paths:
            for body in bodies:
                answer = post(launched, path, body)
                classes[f"{answer.status // 100}xx"] += 1
                non_json += answer.headers.get("Content-Type") != "application/json"
        deep = []
        for _ in range(5):
            started = time.perf_counter()
            answer = post(launched, "/djdesk/api/task-runs/", HOSTILE_BODIES["nested-arrays"])
            deep.append((time.perf_counter() - started) * 1000)
            assert answer.status == 400
        return {
            "post operations": len(paths),
            "requests": sum(classes.values()),
            "answers by class": dict(sorted(classes.items())),
            "5xx": classes.get("5xx", 0),
            "non-JSON answers": non_json,
            "100,000-deep body refused in (ms, worst of 5)": round(max(deep), 1),
        }
    finally:
        launched.stop()
        launched.cleanup()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(measure(args.random, args.seed), indent=2))


if __name__ == "__main__":
    main()
