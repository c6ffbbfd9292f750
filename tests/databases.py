"""Which database the suite runs on: SQLite files by default, PostgreSQL when asked.

``DJDESK_TEST_DB=postgres`` switches ``tests.settings`` (and the ``db_worker``
processes the tests start) to the PostgreSQL server the standard libpq variables
describe: ``PGHOST`` (default 127.0.0.1), ``PGPORT`` (5432), ``PGUSER`` (djdesk),
``PGPASSWORD``, ``PGDATABASE`` (djdesk). pytest-django creates and drops
``test_<PGDATABASE>`` there, so the role needs CREATEDB. ``.ci/services`` starts a
local server, creates that role and prints the variables.
"""

from __future__ import annotations

import os
from typing import Any

SELECTOR = "DJDESK_TEST_DB"
ENGINES = {"sqlite": "django.db.backends.sqlite3", "postgres": "django.db.backends.postgresql"}


def selected() -> str:
    """``sqlite`` or ``postgres``; anything else is a typo worth stopping for."""
    name = os.environ.get(SELECTOR, "").strip().lower() or "sqlite"
    if name not in ENGINES:
        raise ValueError(f"{SELECTOR} must be one of {', '.join(ENGINES)}, not {name!r}")
    return name


def postgres() -> dict[str, Any]:
    """The ``DATABASES`` entry for the server the ``PG*`` variables name."""
    return {
        "ENGINE": ENGINES["postgres"],
        "NAME": os.environ.get("PGDATABASE") or "djdesk",
        "USER": os.environ.get("PGUSER") or "djdesk",
        "PASSWORD": os.environ.get("PGPASSWORD", ""),
        "HOST": os.environ.get("PGHOST") or "127.0.0.1",
        "PORT": os.environ.get("PGPORT") or "5432",
    }


def is_postgres(settings_dict: dict[str, Any]) -> bool:
    return str(settings_dict.get("ENGINE", "")) == ENGINES["postgres"]


def server_described() -> bool:
    """True when a PostgreSQL server is named (CI exports it for both passes)."""
    return bool(os.environ.get("PGHOST"))
