"""Print every URL of the launched project's URLconf as JSON, with sample arguments.

Run as a script in the launcher's own configuration (``DJANGO_SETTINGS_MODULE`` and
``DJDESK_DATA_DIR`` set): the test process has different settings and apps.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator

SAMPLES = {"int": "1", "slug": "sample", "str": "sample", "path": "sample/file.txt"}
SAMPLES["uuid"] = "00000000-0000-0000-0000-000000000000"
CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def candidates(pattern: object) -> list[str]:
    from django.urls.resolvers import RegexPattern, RoutePattern
    from django.utils.regex_helper import normalize

    if isinstance(pattern, RoutePattern):
        route = str(pattern._route)
        return [CONVERTER.sub(lambda m: SAMPLES.get(m["conv"] or "str", "sample"), route)]
    if isinstance(pattern, RegexPattern):
        found = []
        for template, params in normalize(pattern._regex):
            for value in ("1", "sample", "auth"):
                found.append(template % dict.fromkeys(params, value))
        return found
    return [str(pattern)]


def walk(patterns: list[object], prefix: str = "/") -> Iterator[str]:
    from django.urls import URLResolver

    for entry in patterns:
        for piece in candidates(entry.pattern):  # type: ignore[attr-defined]
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + piece)
            else:
                yield prefix + piece


def main() -> None:
    import django

    django.setup()
    from django.urls import Resolver404, get_resolver, resolve

    urls = []
    seen = set()
    for path in walk(get_resolver().url_patterns):
        try:
            match = resolve(path)
        except Resolver404:
            continue
        key = (match.view_name, match.route)
        if key not in seen:
            seen.add(key)
            urls.append(path)
    json.dump(sorted(urls), sys.stdout)


if __name__ == "__main__":
    main()
