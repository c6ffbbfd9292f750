"""The one exception type inspection raises, with a kind callers can branch on."""

from __future__ import annotations

from djdesk_inspector.kernel.redaction import redact

# Kinds after which auto mode falls back to a static scan: the live probe could not
# run in this interpreter at all, which says nothing about the project itself. A
# project that raises (a missing package included) is a failure, reported as one.
FALLBACK_KINDS = frozenset({"interpreter", "django"})
TAIL_CHARS = 4000


class ScanError(Exception):
    """A scan that could not produce a document.

    ``str(error)`` is one line for humans and CLIs. ``kind`` is one of:

    ``interpreter``   the interpreter is missing or cannot run the probe
    ``django``        Django is not importable in that interpreter
    ``dependencies``  the settings/apps import a package that interpreter lacks
    ``settings``      no settings module, or it (or an app, its models, ready()) raised
    ``environment``   the workspace's env file cannot be read
    ``timeout``       the probe ran past ``SCAN_TIMEOUT`` and was killed
    ``output``        the probe's output was cut or unreadable
    ``project``       the folder is not a Django project

    ``detail`` is the redacted tail of the probe's stderr (or traceback).
    """

    def __init__(self, message: str, *, kind: str, detail: str = "") -> None:
        message = redact(" ".join(message.split()))
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.detail = redact(detail[-TAIL_CHARS:]).strip()

    @property
    def can_fall_back(self) -> bool:
        return self.kind in FALLBACK_KINDS

    def report(self) -> str:
        """The message and the detail, as stored in ``Scan.error``."""
        return f"{self.message}\n\n{self.detail}" if self.detail else self.message
