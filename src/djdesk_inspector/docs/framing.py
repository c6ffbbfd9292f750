"""djdesk's header on served docs pages: a way back to the app, and a favicon.

Sphinx writes the pages, so the header is spliced in on the way out: a stylesheet and
an icon before ``</head>``, the header right after ``<body ...>``. No script, no inline
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
        page = page[: body.end()] + header + page[body.end() :]
        close = HEAD_CLOSE.search(page)
        if close is not None:
            page = page[: close.start()] + head + page[close.start() :]
        return page

    return decorate
