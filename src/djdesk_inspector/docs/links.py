"""The doc pages djdesk links to, and when such a link may open offline instead.

Links are declared online (``ONLINE_BASE_URL`` + page). A link is rewritten to the
offline docs view only if it is under that exact base, its remainder is a plain
relative path (the same rules as the view), and that file exists in the bundle.
Anything else stays as it was: a rewrite can never point outside the bundle.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.urls import NoReverseMatch, reverse

from djdesk_inspector.docs import conf, serving

FRAGMENT_SAFE = "-._~!$&'()*+,;=:@/?"


@dataclass(frozen=True)
class DocLink:
    key: str
    title: str
    path: str  # inside the bundle, e.g. "quickstart.html"

    def online_url(self) -> str:
        return _base() + self.path


LINKS: tuple[DocLink, ...] = (
    DocLink("index", "Documentation", "index.html"),
    DocLink("quickstart", "Quickstart", "quickstart.html"),
    DocLink("existing-project", "Add djdesk to an existing project", "existing-project.html"),
    DocLink("docs-app", "Offline docs", "docs-app.html"),
    DocLink("settings", "Settings reference", "settings.html"),
    DocLink("security", "Security model", "security.html"),
    DocLink("troubleshooting", "Troubleshooting", "troubleshooting.html"),
)


def _base() -> str:
    base = conf.get().ONLINE_BASE_URL
    return base if base.endswith("/") else base + "/"


def bundle_path(url: str) -> str | None:
    """The path inside the bundle an online docs URL names, or None if it is not one."""
    parts = urlsplit(url)
    base = urlsplit(_base())
    if not base.scheme or not base.netloc:
        return None
    if (parts.scheme.lower(), parts.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()):
        return None
    if parts.query or not parts.path.startswith(base.path):
        return None
    relative = parts.path[len(base.path) :]
    return relative if serving.segments(relative) is not None else None


def offline_url(url: str) -> str | None:
    """The docs view URL serving the same page, when the bundle has it; else None."""
    relative = bundle_path(url)
    if relative is None:
        return None
    located = serving.locate(conf.bundle_dir(), relative)
    if located is None or located.add_slash:
        return None
    try:
        index = reverse("djdesk_docs:index")
    except NoReverseMatch:
        return None  # the docs URLs are not mounted
    fragment = urlsplit(url).fragment
    return index + quote(relative) + (f"#{quote(fragment, safe=FRAGMENT_SAFE)}" if fragment else "")


def href(url: str) -> str:
    """``url``, or its offline twin when the bundle can serve it."""
    return offline_url(url) or url
