"""djdesk's header on served docs pages: a way back to the app, and a favicon.

Sphinx writes the pages, so the header is spliced in on the way out: a stylesheet and
an icon before ``</head>``, the header right after ``<body ...>``, and two common
accessibility gaps of Sphinx themes repaired (:data:`REPAIRS`). No script, no inline
style; a page without those tags is served unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import format_html

from djdesk_inspector.kernel import chrome

BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
HEAD_CLOSE = re.compile(rb"</head\s*>", re.IGNORECASE)

# Accessibility repairs for what Sphinx themes commonly write (axe-core's rules named):
# toctree captions get role="heading" without a level (aria-required-attr), and code
# blocks scroll without being reachable by keyboard (scrollable-region-focusable).
REPAIRS: tuple[tuple[re.Pattern[bytes], bytes], ...] = (
    (re.compile(rb'(<[a-z][^<>]*\brole="heading")(?![^<>]*\baria-level=)'), rb'\1 aria-level="2"'),
    (re.compile(rb"<pre(?![^<>]*\btabindex=)(?=[\s>])"), rb'<pre tabindex="0"'),
)


def repair(page: bytes) -> bytes:
    for pattern, replacement in REPAIRS:
        page = pattern.sub(replacement, page)
    return page


def decorator(request: HttpRequest) -> Callable[[bytes], bytes]:
    """``bytes -> bytes`` adding the header for ``request`` (links, switcher)."""

    def decorate(page: bytes) -> bytes:
        body = BODY_OPEN.search(page)
        if body is None:
            return page
        head = format_html(
            '<link rel="stylesheet" href="{}">{}',
            static("djdesk_docs/chrome.css"),
            chrome.favicon(),
        ).encode()
        header = str(chrome.header(request)).encode()
        page = repair(page[: body.end()] + header + page[body.end() :])
        close = HEAD_CLOSE.search(page)
        if close is not None:
            page = page[: close.start()] + head + page[close.start() :]
        return page

    return decorate
