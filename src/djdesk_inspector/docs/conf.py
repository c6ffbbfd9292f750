"""Settings of the docs app: ``settings.DJDESK_DOCS`` merged over these defaults."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath

from djdesk_inspector.kernel.appsettings import base_dir, folder, load, typed

SETTING = "DJDESK_DOCS"


@dataclass(frozen=True)
class DocsSettings:
    BUNDLE_DIR: str | PurePath = typed(  # noqa: RUF009 (PurePath is immutable)
        "",
        str,
        PurePath,
        help=(
            "Absolute folder the built docs are served from. Empty: "
            "``<BASE_DIR>/var/docs-bundle`` when the project defines ``BASE_DIR``, "
            "else ``docs-bundle`` in the user data folder (platformdirs)."
        ),
    )
    SOURCE_DIR: str | PurePath = typed(  # noqa: RUF009 (PurePath is immutable)
        "",
        str,
        PurePath,
        help=(
            "Default ``--source`` of ``djdesk_docs_bundle``: a Sphinx project (has "
            "``conf.py``) or a built HTML tree. Empty: ``<BASE_DIR>/docs``."
        ),
    )
    ONLINE_BASE_URL: str = typed(
        "https://djdesk-inspector.readthedocs.io/en/latest/",
        str,
        help="Where the same docs live online; links under it open offline when bundled.",
    )
    BUILD_TIMEOUT: int = typed(600, int, help="Seconds before ``sphinx-build`` is stopped.")


def get() -> DocsSettings:
    return load(DocsSettings, SETTING)


def bundle_dir() -> Path:
    """The folder the docs are served from (may not exist yet)."""
    return folder(get().BUNDLE_DIR, "docs-bundle")


def source_dir() -> Path | None:
    """The default docs source, or None when nothing sensible can be guessed."""
    configured = get().SOURCE_DIR
    if str(configured):
        return Path(configured)
    base = base_dir()
    return base / "docs" if base is not None else None
