"""The Content-Security-Policy of served docs, and the inline scripts it may allow.

Scripts load only from 'self'. Some themes (furo) put one small inline script in
every page; rather than allowing 'unsafe-inline', the bundle command records the
sha256 of each inline script found in the build, and only those exact scripts run.
An injected script cannot match a hash of the trusted build output.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from html.parser import HTMLParser

# Files in which inline scripts can run, and so need their hashes in the policy.
HTML_SUFFIXES = (".html", ".htm")

# Sphinx themes use inline ``style`` attributes and <style> blocks (furo's CSS
# variables, hidden SVG sprites); styles cannot run code, scripts can.
DIRECTIVES = (
    ("default-src", "'none'"),
    ("script-src", "'self'"),
    ("style-src", "'self' 'unsafe-inline'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self' data:"),
    ("connect-src", "'self'"),
    ("manifest-src", "'self'"),
    ("base-uri", "'none'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'self'"),
    ("object-src", "'none'"),
)


@functools.lru_cache(maxsize=32)
def policy(script_hashes: tuple[str, ...] = ()) -> str:
    """The header value; ``script_hashes`` are ``sha256-...`` sources from the manifest."""
    extra = "".join(f" '{value}'" for value in sorted(set(script_hashes)))
    return "; ".join(
        f"{name} {value}{extra if name == 'script-src' else ''}" for name, value in DIRECTIVES
    )


def script_hash(source: str) -> str:
    """A CSP hash source for an inline script, as a browser computes it."""
    # Browsers hash the parsed text, and HTML parsing turns CRLF and CR into LF.
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: set[str] = set()
        self._chunks: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self._chunks = []

    def handle_data(self, data: str) -> None:
        if self._chunks is not None:
            self._chunks.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._chunks is not None:
            self.found.add(script_hash("".join(self._chunks)))
            self._chunks = None


def inline_script_hashes(html: str) -> set[str]:
    """Hash sources for every inline <script> in one HTML document."""
    parser = _InlineScripts()
    parser.feed(html)
    parser.close()
    return parser.found
