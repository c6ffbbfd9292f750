"""The environment of the project's own processes (probe, reader, rehearsal, kernels).

The kernel's :func:`~djdesk_inspector.kernel.environment.clean_env` knows no app's
settings; this is where the inspector's ``ENV_ALLOWLIST`` joins it, read at each call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from djdesk_inspector import conf
from djdesk_inspector.kernel import environment


def project_env(
    extra: Mapping[str, str] | None = None,
    *,
    workspace_env: Mapping[str, str] | None = None,
    **options: Any,
) -> dict[str, str]:
    """``clean_env`` with ``DJDESK_INSPECTOR["ENV_ALLOWLIST"]`` as the extra allowlist."""
    return environment.clean_env(
        extra, allow=conf.get().ENV_ALLOWLIST, workspace_env=workspace_env, **options
    )
