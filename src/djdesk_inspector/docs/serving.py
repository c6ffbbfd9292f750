"""Serve files from the docs bundle without ever leaving it.

A request path is trusted only after it passes two independent gates: a lexical one
(:func:`segments` refuses anything that could mean "elsewhere" on some OS: ``..``,
absolute paths, drive letters, backslashes, leftover percent-escapes, NUL, dotfiles)
and a physical one (:func:`locate` resolves symlinks and requires the real file to be
inside the real root). Every refusal is a 404 so probing learns nothing.
"""

from __future__ import annotations

import os
import stat
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponsePermanentRedirect,
)
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from djdesk_inspector.docs import csp, manifest

INDEX = "index.html"

# Declared here rather than read from the OS mimetypes database, which differs
# between machines (Windows registry, /etc/mime.types) and would change what a
# browser does with the same bundle.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/vnd.microsoft.icon",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".pdf": "application/pdf",
}
FALLBACK_CONTENT_TYPE = "application/octet-stream"

# Characters that mean something special to some file system or were left
# percent-encoded (a second decoding layer would turn ``%2e%2e`` into ``..``).
FORBIDDEN_CHARS = frozenset('\\%:*?"<>|\x7f')
# Names Windows maps to devices whatever the extension (``nul.html`` is NUL).
WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{n}" for n in range(10)} | {f"lpt{n}" for n in range(10)}
)


@dataclass(frozen=True)
class Located:
    """A regular file inside the bundle that a request path names."""

    file: Path
    add_slash: bool  # a directory was asked for without its trailing slash


def _safe_segment(segment: str) -> bool:
    if not segment or segment.startswith(".") or segment.endswith((".", " ")):
        return False  # also "", ".", "..", dotfiles and Windows' trailing-dot aliases
    if any(ord(char) < 0x20 or char in FORBIDDEN_CHARS for char in segment):
        return False
    return segment.split(".", 1)[0].lower() not in WINDOWS_DEVICES


def segments(request_path: str) -> tuple[str, ...] | None:
    """Split a decoded URL path into safe segments, or None when any is unsafe."""
    if request_path in ("", "/"):
        return ()
    if request_path.startswith("/"):
        return None
    parts = request_path.removesuffix("/").split("/")
    return tuple(parts) if all(_safe_segment(part) for part in parts) else None


def _is_link(path: str) -> bool:
    """A symlink, or on Windows any reparse point (junctions are not symlinks there)."""
    try:
        info = os.lstat(path)
    except OSError:
        return False  # missing: the final stat reports it
    reparse = getattr(info, "st_file_attributes", 0) & stat.FILE_ATTRIBUTE_REPARSE_POINT
    return stat.S_ISLNK(info.st_mode) or bool(reparse)


def _inside(real_root: str, real: str) -> bool:
    prefix = real_root if real_root.endswith(os.sep) else real_root + os.sep
    if not os.path.normcase(real).startswith(os.path.normcase(prefix)):
        return False
    return not any(part.startswith(".") for part in real[len(prefix) :].split(os.sep))


def _resolve(real_root: str, names: tuple[str, ...]) -> str | None:
    """The real path of ``real_root/names``, or None if it is not inside ``real_root``.

    ``names`` passed :func:`segments`, so without links on the way the joined path is
    already real; only when a component is a link does the full resolution run.
    """
    path = real_root
    for name in names:
        path = os.path.join(path, name)
        if _is_link(path):
            path = os.path.realpath(os.path.join(real_root, *names), strict=True)
            break
    return path if _inside(real_root, path) else None


def locate(root: Path, request_path: str) -> Located | None:
    """The file ``request_path`` names inside ``root``, or None (a 404)."""
    parts = segments(request_path)
    if parts is None:
        return None
    try:
        real_root = os.path.realpath(root, strict=True)
        target: str | None = real_root
        if parts:
            target = _resolve(real_root, parts)
        if target is None:
            return None
        add_slash = False
        if stat.S_ISDIR(os.stat(target).st_mode):
            add_slash = bool(parts) and not request_path.endswith("/")
            target = _resolve(real_root, (*parts, INDEX))
        elif request_path.endswith("/"):
            return None
        if target is None or not stat.S_ISREG(os.stat(target).st_mode):
            return None
    except (OSError, ValueError):
        return None  # missing, unreadable, a symlink loop, or a name the OS refuses
    return Located(Path(target), add_slash)


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), FALLBACK_CONTENT_TYPE)


def etag(info: os.stat_result) -> str:
    """Strong validator: any rebuild writes new files, so size+mtime changes with content."""
    return f'"{info.st_size:x}-{info.st_mtime_ns:x}"'


def _headers(response: HttpResponseBase, info: os.stat_result, policy: str) -> None:
    response.headers["ETag"] = etag(info)
    response.headers["Last-Modified"] = http_date(info.st_mtime)
    # A bundle is rebuilt in place under the same URLs: always revalidate.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"


def serve(
    request: HttpRequest,
    root: Path,
    request_path: str,
    decorate: Callable[[bytes], bytes] | None = None,
) -> HttpResponseBase:
    """Answer a GET/HEAD for ``request_path`` inside ``root``: 200, 304, a slash redirect or 404.

    ``decorate`` rewrites HTML pages (the docs view adds djdesk's header); its output
    takes part in the ETag, so a changed header is never answered with a 304.
    """
    located = locate(root, request_path)
    if located is None:
        raise Http404("No such page in the docs bundle.")
    if located.add_slash:
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    try:
        handle = located.file.open("rb")
    except OSError as exc:
        raise Http404("No such page in the docs bundle.") from exc
    info = os.fstat(handle.fileno())
    # Inline scripts only run in HTML; other types get the base policy.
    html = located.file.suffix.lower() in csp.HTML_SUFFIXES
    policy = csp.policy(manifest.script_hashes(root) if html else ())
    body: bytes | None = None
    tag = etag(info)
    if html and decorate is not None:
        with handle:
            body = decorate(handle.read())
        tag = f'"{info.st_size:x}-{info.st_mtime_ns:x}-{zlib.crc32(body):x}"'
    not_modified = get_conditional_response(request, etag=tag, last_modified=int(info.st_mtime))
    response: HttpResponseBase
    if not_modified is not None:
        handle.close()
        response = not_modified
    elif request.method == "HEAD":
        handle.close()
        response = HttpResponse(content_type=content_type(located.file))
        response.headers["Content-Length"] = str(len(body) if body is not None else info.st_size)
    elif body is not None:
        response = HttpResponse(body, content_type=content_type(located.file))
    else:
        response = FileResponse(handle, content_type=content_type(located.file))
    _headers(response, info, policy)
    response.headers["ETag"] = tag
    return response
