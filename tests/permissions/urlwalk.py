"""Every URL of the test URLconf under the djdesk mount, with real arguments filled in."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

ROUTE_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
REGEX_NOISE = re.compile(r"^\(\?[a-zA-Z]+\)|^\^|\\Z$|\$$")


@dataclass(frozen=True)
class Url:
    name: str  # "namespace:name"
    path: str


def _piece(pattern: object, values: Mapping[str, str]) -> str:
    if isinstance(pattern, RoutePattern):
        return ROUTE_PARAM.sub(lambda m: values[m["name"]], str(pattern._route))
    if isinstance(pattern, RegexPattern):
        bare = REGEX_NOISE.sub("", REGEX_NOISE.sub("", pattern._regex))
        return REGEX_PARAM.sub(lambda m: values[m["name"]], bare)
    raise TypeError(f"unknown pattern type {type(pattern).__name__}")


def walk(
    values: Mapping[str, str],
    mount: str,
    entries: list[object] | None = None,
    prefix: str = "/",
    ns: str = "",
) -> Iterator[Url]:
    """Recurse through the resolver, only into what lies under ``mount``."""
    for entry in get_resolver().url_patterns if entries is None else entries:
        if not (prefix.startswith(mount) or mount.startswith(prefix)):
            continue
        piece = _piece(entry.pattern, values)  # type: ignore[attr-defined]
        if isinstance(entry, URLResolver):
            inner = f"{ns}{entry.namespace}:" if entry.namespace else ns
            yield from walk(values, mount, entry.url_patterns, prefix + piece, inner)
        elif isinstance(entry, URLPattern):
            yield Url(f"{ns}{entry.name}", prefix + piece)


def djdesk_urls(values: Mapping[str, str], mount: str = "/djdesk/") -> list[Url]:
    return [url for url in walk(values, mount) if url.path.startswith(mount)]
