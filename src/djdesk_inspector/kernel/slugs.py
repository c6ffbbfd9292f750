"""Unique workspace slugs, assigned on every creation path.

Upstream's seeded workspace ended up with an empty slug because a data migration used
``bulk_create``, which skips ``save()``. Here the manager (kept in migrations) fills
slugs for ``create`` and ``bulk_create`` alike, ``save()`` fills them for everything
else, and a database constraint rejects an empty slug that slipped past all three.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.text import slugify

MAX_LENGTH = 64


def base_slug(name: str) -> str:
    return slugify(name)[: MAX_LENGTH - 8].strip("-") or "workspace"


def unique_slug(name: str, taken: Iterable[str]) -> str:
    taken_set = set(taken)
    base = base_slug(name)
    slug, n = base, 2
    while slug in taken_set:
        slug, n = f"{base}-{n}", n + 1
    return slug
