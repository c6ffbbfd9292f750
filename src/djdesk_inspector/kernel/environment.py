"""The environment a child process (probe, task preset, worker) starts with.

Children never inherit the host's environment wholesale: the inspector's own
``DJANGO_SETTINGS_MODULE``, ``PYTHONPATH``, virtualenv and secrets would leak into a
project that has nothing to do with them. Only an allowlist of variables that
programs need to run (paths, locale, temp dirs, Windows system variables) is copied;
anything else must be passed explicitly as an extra.

A workspace may supply its own variables (its env file, names it passes through):
those are the *project's* environment and may be secrets (``DJANGO_SECRET_KEY``,
``DATABASE_URL``), so they bypass the forbidden-name filter, reach that project's
children only, and their values are registered with
:func:`~djdesk_inspector.kernel.redaction.register_values` so no log keeps them.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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

# The host project's own context. A child that runs the *host* project again (a "This
# project" preset) must open the same settings, data dir and database as the process
# that starts it; the desktop launcher exports exactly these into its environment.
# Only :func:`host_context` copies them, and only for the host target: a workspace
# (another project) never gets them.
HOST_CONTEXT: tuple[str, ...] = ("DJANGO_SETTINGS_MODULE", "DJDESK_DATA_DIR", "DJDESK_LOG_DIR")

# Set for every child: the probe must never write __pycache__ into a project, and
# its output is read as UTF-8 whatever the host's locale is.
FIXED: Mapping[str, str] = {
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONIOENCODING": "utf-8",
}


# What a child that downloads needs on top (pip behind a proxy or a private CA).
NETWORK_ALLOWLIST: tuple[str, ...] = (
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "http_proxy",  # the lower-case spelling is the conventional one on POSIX
    "https_proxy",
    "no_proxy",
    "all_proxy",
)


@dataclass(frozen=True)
class Profile:
    """Which host variables a kind of child may inherit, and what is always set."""

    names: tuple[str, ...]
    prefixes: tuple[str, ...]
    fixed: Mapping[str, str] = field(default_factory=dict)


PROFILES: Mapping[str, Profile] = {
    # The project's own code: probes, presets, notebook kernels, the tasks worker.
    "project": Profile(ALLOWLIST, ALLOWED_PREFIXES, FIXED),
    # Build tools: pip with its config (PIP_*), XDG dirs, proxies and CA bundles; the
    # user's site-packages must not leak into what gets bundled.
    "network": Profile(
        (*ALLOWLIST, *NETWORK_ALLOWLIST),
        (*ALLOWED_PREFIXES, "XDG_", "PIP_"),
        {"PYTHONNOUSERSITE": "1"},
    ),
}


def _key(name: str) -> str:
    # Windows variable names are case-insensitive ("Path" and "PATH" are one).
    return name.upper() if sys.platform == "win32" else name


def is_forbidden(name: str) -> bool:
    """True for names that are never copied from the host (system checks use this)."""
    return bool(_FORBIDDEN.match(name))


def is_allowed(name: str, extra_allowed: Iterable[str] = (), *, profile: str = "project") -> bool:
    if is_forbidden(name):
        return False
    chosen = PROFILES[profile]
    key = _key(name)
    allowed = {_key(n) for n in (*chosen.names, *extra_allowed)}
    return key in allowed or key.startswith(chosen.prefixes)


def host_context(source: Mapping[str, str] | None = None) -> dict[str, str]:
    """The :data:`HOST_CONTEXT` variables that are set here, for a child of the host."""
    host = os.environ if source is None else source
    return {name: host[name] for name in HOST_CONTEXT if host.get(name)}


def clean_env(
    extra: Mapping[str, str] | None = None,
    *,
    allow: Iterable[str] = (),
    source: Mapping[str, str] | None = None,
    workspace_env: Mapping[str, str] | None = None,
    profile: str = "project",
) -> dict[str, str]:
    """A child environment: allowlisted host variables, the workspace's, :data:`FIXED`,
    then ``extra``.

    ``allow`` names more variables to copy (an app's setting, e.g. the inspector's
    ``ENV_ALLOWLIST`` through :mod:`djdesk_inspector.inspection.children`); forbidden
    names in it are ignored. ``workspace_env`` is what the workspace explicitly supplies (its env
    file and pass-through names, see :func:`workspace_values`): it is the one path
    past the forbidden-name filter, and its values are registered for redaction.
    ``extra`` is what the caller chose to pass (e.g. the workspace's own
    ``DJANGO_SETTINGS_MODULE``) and is applied last, unfiltered. ``profile`` names a
    :data:`PROFILES` entry (its allowlist and fixed variables; ``KeyError`` if unknown).
    """
    chosen = PROFILES[profile]
    allow = tuple(allow)
    host = os.environ if source is None else source
    env = {name: value for name, value in host.items() if is_allowed(name, allow, profile=profile)}
    if workspace_env:
        from djdesk_inspector.kernel.redaction import register_values

        register_values(secret_values(workspace_env))
        env.update(workspace_env)
    env.update(chosen.fixed)
    if extra:
        env.update(extra)
    return env


# Names whose values configure the project rather than guard it: their values stay
# readable in documents and logs. Every other value a workspace supplies is a secret.
NOT_SECRET: frozenset[str] = frozenset(
    {"DJANGO_SETTINGS_MODULE", "DJANGO_CONFIGURATION", "DJANGO_DEBUG", "DEBUG"}
)


def secret_values(values: Mapping[str, str]) -> list[str]:
    """The values of ``values`` that are redacted wherever they turn up."""
    return [value for name, value in values.items() if name.upper() not in NOT_SECRET]


class EnvFileError(ValueError):
    """An env file that cannot be read; the message names it."""


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
# Passing these through would run the host's settings or code in the project.
_NOT_PASSED = re.compile(
    r"^(?:DJANGO_SETTINGS_MODULE|DJANGO_CONFIGURATION|PYTHON\w*|VIRTUAL_ENV|CONDA_\w*"
    r"|DJDESK_\w*)$",
    re.IGNORECASE,
)


def pass_through_problem(name: str) -> str:
    """Why ``name`` cannot be passed through from djdesk's environment, or ``""``.

    Secret-looking names are fine (that is what pass-through is for); names that
    would make the project load djdesk's own settings, code or interpreter are not.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        return f"{str(name)[:40]!r} is not an environment variable name."
    if _NOT_PASSED.match(name):
        return f"{name} would hand djdesk's own settings or Python to the project."
    return ""


def workspace_values(
    env_file: str | os.PathLike[str] | None,
    pass_env: Iterable[str] = (),
    *,
    source: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The variables a workspace supplies: its env file, then names passed through.

    The file is parsed by python-dotenv (``dotenv_values``, no interpolation from the
    host's environment); keys without a value are left out. A pass-through name that
    is not set in djdesk's environment is left out too. Values are registered for
    redaction here, so a caller that only echoes them is covered as well.
    """
    from dotenv import dotenv_values

    from djdesk_inspector.kernel.redaction import register_values

    values: dict[str, str] = {}
    if env_file:
        path = os.fspath(env_file)
        if not os.path.isfile(path):
            raise EnvFileError(f"The env file {path} does not exist.")
        try:
            parsed = dotenv_values(path, interpolate=False, encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise EnvFileError(f"The env file {path} cannot be read: {exc}.") from exc
        values.update({k: v for k, v in parsed.items() if v is not None})
    host = os.environ if source is None else source
    for name in pass_env:
        if name in host and not pass_through_problem(name):
            values[name] = host[name]
    register_values(secret_values(values))
    return values
