"""The two ways a build stops early, both reported as one line by the command."""

from __future__ import annotations


class BundleError(Exception):
    """A step that cannot finish; the message is one line for the user."""


class BuildInterrupted(BaseException):
    """SIGINT/SIGTERM during a build.

    A BaseException, like KeyboardInterrupt, so no ``except Exception`` in a step can
    swallow it: it must reach the staging code that removes the half-built tree.
    """
