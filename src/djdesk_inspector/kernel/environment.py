"""The environment a child process (probe, task preset, worker) starts with.

Children never inherit the host's environment wholesale: the inspector's own
``DJANGO_SETTINGS_MODULE``, ``PYTHONPATH``, virtualenv and secrets would leak into a
project that has nothing to do with them. Only an allowlist of variables that
programs need to run (paths, locale, temp dirs, Windows system variables) is copied;
anything else must be passed explicitly as an extra.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping

# Variables a Python process needs to find itself, its home, temp dirs and locale.
ALLOWLIST: tuple[str, ...] = (
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "USERNAME",
    "USERPROFILE",
    "HOMEDRIVE",
    "HOMEPATH",
    "APPDATA",
    "LOCALAPPDATA",
    "SYSTEMROOT",
    "SYSTEMDRIVE",
    "WINDIR",
    "COMSPEC",
    "PATHEXT",
    "NUMBER_OF_PROCESSORS",
    "PROCESSOR_ARCHITECTURE",
    "TEMP",
    "TMP",
    "TMPDIR",
    "LANG",
    "LANGUAGE",
    "TZ",
)
# Locale categories: LC_ALL, LC_CTYPE, LC_MESSAGES ...
ALLOWED_PREFIXES: tuple[str, ...] = ("LC_",)

# Never copied from the host, even when a setting allows them: they would make the
# child load the host's settings or code, or they carry the host's own secrets.
_FORBIDDEN = re.compile(
    r"^(?:DJANGO_SETTINGS_MODULE|DJANGO_CONFIGURATION|PYTHON\w*|VIRTUAL_ENV|CONDA_\w*"
    r"|DJDESK_\w*|.*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|ACCESS_KEY|CREDENTIAL).*)$",
    re.IGNORECASE,
)

# Set for every child: the probe must never write __pycache__ into a project, and
# its output is read as UTF-8 whatever the host's locale is.
FIXED: Mapping[str, str] = {
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONIOENCODING": "utf-8",
}


def _key(name: str) -> str:
    # Windows variable names are case-insensitive ("Path" and "PATH" are one).
    return name.upper() if sys.platform == "win32" else name


def is_forbidden(name: str) -> bool:
    """True for names that are never copied from the host (system checks use this)."""
    return bool(_FORBIDDEN.match(name))


def is_allowed(name: str, extra_allowed: Iterable[str] = ()) -> bool:
    if is_forbidden(name):
        return False
    key = _key(name)
    allowed = {_key(n) for n in (*ALLOWLIST, *extra_allowed)}
    return key in allowed or key.startswith(ALLOWED_PREFIXES)


def clean_env(
    extra: Mapping[str, str] | None = None,
    *,
    allow: Iterable[str] | None = None,
    source: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A child environment: allowlisted host variables, :data:`FIXED`, then ``extra``.

    ``allow`` defaults to ``DJDESK_INSPECTOR["ENV_ALLOWLIST"]``; forbidden names in it
    are ignored. ``extra`` is what the caller chose to pass (e.g. the workspace's own
    ``DJANGO_SETTINGS_MODULE``) and is applied last, unfiltered.
    """
    if allow is None:
        from djdesk_inspector import conf

        allow = conf.get().ENV_ALLOWLIST
    allow = tuple(allow)
    host = os.environ if source is None else source
    env = {name: value for name, value in host.items() if is_allowed(name, allow)}
    env.update(FIXED)
    if extra:
        env.update(extra)
    return env
