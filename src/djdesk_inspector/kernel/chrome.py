"""The one header every djdesk page shows: brand, workspace switcher, links to the apps.

Apps declare what they add to it on their ``AppConfig`` (``Contributions.extra``):
``"nav": (("Label", "url name"), ...)`` for its links, and the inspector
``"workspaces": "dotted.path"`` to a callable returning ``(slug, name)`` pairs for the
switcher. So the header of the runs page, the data lab, the docs and the dashboard is
the same HTML, and names only apps that are installed. Built with ``format_html``
(no template: the kernel is not an app) and no inline script or style.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString

from djdesk_inspector.kernel import registry

BRAND = "djdesk"
# The logo as a data: URI (img-src allows data:), so an app installed alone, whose
# static files hold no logo, still shows it and the browser never probes /favicon.ico.
ICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="6" fill="#14202e"/>'
    '<path d="M9 8h7a8 8 0 0 1 0 16H9z" fill="none" stroke="#fff" stroke-width="3"/></svg>'
)
ICON = "data:image/svg+xml," + quote(ICON_SVG)


def favicon() -> SafeString:
    """A ``<link rel="icon">`` for pages whose ``<head>`` djdesk does not write."""
    return format_html('<link rel="icon" type="image/svg+xml" href="{}">', ICON)


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool
    testid: str = ""


def links(request: HttpRequest | None) -> list[Link]:
    """The installed apps' pages, in ``INSTALLED_APPS`` order."""
    here = request.path if request is not None else ""
    found: list[Link] = []
    for _config, contributions in registry.contributing_apps():
        for label, name, *testid in contributions.extra.get("nav") or ():
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue  # installed without its URLs
            tid = testid[0] if testid else "nav-" + name.rpartition(":")[2]
            found.append(Link(str(label), url, here == url, tid))
    if found and not any(link.current for link in found):
        # The longest link that prefixes this path marks where we are (/djdesk/docs/x/).
        best = max(found, key=lambda link: len(link.url) if here.startswith(link.url) else -1)
        if here.startswith(best.url) and best.url != home():
            found[found.index(best)] = Link(best.label, best.url, True, best.testid)
    return found


def home() -> str:
    """Where the brand points: the first app page (the dashboard when installed)."""
    for _config, contributions in registry.contributing_apps():
        for _label, name, *_testid in contributions.extra.get("nav") or ():
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
    return "/"


def workspaces() -> list[tuple[str, str]]:
    """``(slug, name)`` of every workspace, from whichever app keeps them (or none)."""
    for _config, contributions in registry.contributing_apps():
        source = contributions.extra.get("workspaces")
        if source:
            listing: Callable[[], list[tuple[str, str]]] = import_string(source)
            return listing()
    return []


def header(
    request: HttpRequest | None,
    *,
    current: str | None = None,
    workspace_url: Callable[[str], str] | None = None,
) -> SafeString:
    """The header HTML. ``workspace_url(slug)`` is where a switcher entry leads
    (the dashboard by default); ``current`` is the selected workspace's slug."""
    entries = workspaces()
    if workspace_url is None:

        def workspace_url(slug: str) -> str:
            try:
                return reverse("djdesk_inspector:workspace", args=[slug])
            except NoReverseMatch:
                return "#"

    switcher = SafeString("")
    if entries:
        switcher = format_html(
            '<nav class="switcher" aria-label="Workspaces" data-testid="switcher">{}</nav>',
            format_html_join(
                "",
                '<a href="{}"{}>{}</a>',
                (
                    (
                        workspace_url(slug),
                        SafeString(' aria-current="page" class="current"')
                        if slug == current
                        else "",
                        name,
                    )
                    for slug, name in entries
                ),
            ),
        )
    nav = format_html_join(
        "",
        '<a href="{}" data-testid="{}"{}>{}</a>',
        (
            (
                link.url,
                link.testid,
                SafeString(' aria-current="page"') if link.current else "",
                link.label,
            )
            for link in links(request)
        ),
    )
    return format_html(
        '<a class="skip-link" href="#main">Skip to content</a>'
        '<header class="topbar djdesk-chrome" data-testid="chrome">'
        '<a class="brand" href="{}"><img src="{}" alt="" width="20" height="20">{}</a>'
        "{}"
        '<nav class="topnav" aria-label="djdesk">{}</nav>'
        "</header>",
        home(),
        ICON,
        BRAND,
        switcher,
        nav,
    )
