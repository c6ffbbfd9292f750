"""Docs app figures: docs-view throughput relative to ``django.views.static.serve`` on the
same files, and the time until Chromium shows the first offline search result.
Prints JSON. Run: python bench/docs.py  (needs Sphinx + furo; Chromium is optional)
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import pathsetup

ROOT = pathsetup.ROOT

import django  # noqa: E402
from django.conf import settings  # noqa: E402

WORK = Path(tempfile.mkdtemp(prefix="djdesk-bench-docs-"))
BUNDLE = WORK / "bundle"

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench",
    ALLOWED_HOSTS=["testserver", "127.0.0.1"],
    INSTALLED_APPS=["djdesk_inspector.docs"],
    ROOT_URLCONF=__name__,
    DATABASES={},
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
    DJDESK_DOCS={"BUNDLE_DIR": str(BUNDLE)},
    # Public docs (djdesk's ready-made callback): this measures serving, not sign-in.
    DJDESK_INSPECTOR={"PERMISSION_CALLBACK": "djdesk_inspector.kernel.permissions.public_docs"},
    USE_TZ=True,
)
django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.static import serve  # noqa: E402

from djdesk_inspector.docs import builder  # noqa: E402

urlpatterns = [
    path("djdesk/docs/", include("djdesk_inspector.docs.urls")),
    path("static-serve/<path:path>", serve, {"document_root": str(BUNDLE)}),
]

REQUESTS = 1000
ROUNDS = 7
SEARCH_RUNS = 5
SEARCH_WORD = "bundle"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SAMPLE = (
    "index.html",
    "docs-app.html",
    "search.html",
    "searchindex.js",
    "_static/pygments.css",
    "_static/searchtools.js",
    "_static/documentation_options.js",
)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep request lines out of the JSON output."""


def throughput(client: Client, prefix: str, files: list[str]) -> float:
    start = time.perf_counter()
    for number in range(REQUESTS):
        response = client.get(prefix + files[number % len(files)])
        assert response.status_code == 200, (prefix, response.status_code)
        b"".join(response.streaming_content)
        response.close()
    return REQUESTS / (time.perf_counter() - start)


def revalidations(client: Client, url: str) -> float:
    etag = client.get(url)["ETag"]
    start = time.perf_counter()
    for _ in range(REQUESTS):
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    return REQUESTS / (time.perf_counter() - start)


def first_search_result_ms() -> dict[str, object]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        return {"skipped": "chromium not installed"}
    from playwright.sync_api import sync_playwright

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/djdesk/docs/search.html?q={SEARCH_WORD}"
    runs = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            for _ in range(SEARCH_RUNS):
                context = browser.new_context()  # a cold cache every run
                page = context.new_page()
                start = time.perf_counter()
                page.goto(url)
                page.wait_for_selector("#search-results ul.search li a", timeout=30_000)
                runs.append(round((time.perf_counter() - start) * 1000, 1))
                context.close()
            version = browser.version
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return {"median": statistics.median(runs), "runs": runs, "chromium": version}


def main() -> None:
    started = time.perf_counter()
    manifest = builder.build(ROOT / "docs", BUNDLE, timeout=600)
    build_s = time.perf_counter() - started
    files = [name for name in SAMPLE if (BUNDLE / name).is_file()]
    client = Client()
    throughput(client, "/djdesk/docs/", files)  # warm up both paths and the OS cache
    throughput(client, "/static-serve/", files)
    docs_runs, static_runs = [], []
    for _ in range(ROUNDS):  # interleaved, so machine noise hits both alike
        docs_runs.append(throughput(client, "/djdesk/docs/", files))
        static_runs.append(throughput(client, "/static-serve/", files))
    docs_rps, static_rps = statistics.median(docs_runs), statistics.median(static_runs)
    figures = {
        "bundle": {
            "files": manifest["file_count"],
            "bytes": manifest["total_bytes"],
            "build_s": round(build_s, 2),
        },
        "requests": REQUESTS * ROUNDS,
        "sampled_files": files,
        "docs_view_rps": round(docs_rps),
        "static_serve_rps": round(static_rps),
        "docs_view_vs_static_serve": round(docs_rps / static_rps, 3),
        "docs_view_304_rps": round(revalidations(client, "/djdesk/docs/index.html")),
        "first_search_result_ms": first_search_result_ms(),
    }
    print(json.dumps(figures, indent=2))
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
