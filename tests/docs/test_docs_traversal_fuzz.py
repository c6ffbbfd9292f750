"""Fuzz the docs view: whatever the path, the answer is a 404 or a file inside the root."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from djdesk_inspector.docs import serving
from tests.docs.bundles import SECRET, make_bundle

PUBLIC_DOCS = "djdesk_inspector.kernel.permissions.public_docs"

TOKENS = [
    "",
    ".",
    "..",
    "...",
    "%2e",
    "%2e%2e",
    "%2E%2e",
    "%252e%252e",
    "%2f",
    "%252f",
    "%5c",
    "%00",
    "%25",
    "\\",
    "\x00",
    ":",
    "C:",
    "c:\\",
    "~",
    " ",
    "index.html",
    "page.html",
    "inside-link.html",
    "sub",
    "deeper",
    "note.txt",
    "empty",
    "secret.txt",
    "secret-dir",
    "bundle",
    "escape.html",
    "escape-abs.html",
    "escape-dir",
    "linked-index",
    "up",
    "loop",
    ".buildinfo",
    "nul",
]
ALPHABET = "./\\%2ef:\x00 abcsu~"

paths = st.one_of(
    st.lists(st.sampled_from(TOKENS), max_size=8).map("/".join),
    st.lists(st.sampled_from(TOKENS), max_size=8).map("".join),
    st.text(alphabet=ALPHABET, max_size=40),
    st.tuples(
        st.lists(st.sampled_from(TOKENS), max_size=4).map("/".join),
        st.text(alphabet=ALPHABET, max_size=12),
    ).map("/".join),
)


@pytest.fixture(scope="module")
def trap(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[bytes]]:
    root = make_bundle(tmp_path_factory.mktemp("fuzz"))
    real_root = root.resolve()
    inside = {
        path.read_bytes()
        for path in real_root.rglob("*")
        if path.is_file() and path.resolve().is_relative_to(real_root)
    }
    return root, inside


def _content(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return content


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=paths)
def test_locate_stays_inside_the_root(trap, path):
    root, _ = trap
    located = serving.locate(root, path)
    if located is not None:
        assert located.file.is_relative_to(root.resolve())
        assert located.file.read_bytes() != SECRET


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=paths)
def test_view_answers_404_or_a_file_from_inside(trap, path):
    root, inside = trap
    client = Client(raise_request_exception=True)
    with override_settings(
        ROOT_URLCONF="tests.docs.urls",
        DJDESK_DOCS={"BUNDLE_DIR": str(root)},
        # Public docs (the documented callback), so no database user is needed here.
        DJDESK_INSPECTOR={"PERMISSION_CALLBACK": PUBLIC_DOCS},
    ):
        response = client.get("/djdesk/docs/" + path)
    event(f"status {response.status_code}")
    assert response.status_code in (200, 301, 404), (path, response.status_code)
    content = _content(response)
    assert SECRET not in content
    if response.status_code == 200:
        assert content in inside
    if response.status_code == 301:
        assert response["Location"].startswith("/djdesk/docs/")
