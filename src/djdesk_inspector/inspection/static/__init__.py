"""Static scan: read a project's settings, apps, models and migrations with :mod:`ast`.

Used for untrusted workspaces, when no interpreter can run the live probe, or on
request. No code of the project is executed. The reader core (``reader/``) is
stdlib-only and runs *inside* the target's interpreter when the workspace has one
(:mod:`.target`), so the project's own Python parses its syntax and the target's
site-packages (Django's contrib apps, third-party apps) are read too; without an
interpreter it runs in-process and reads only the project's own source.

What a static scan cannot know is ``null`` and named in ``document["unknown"]``
(``python`` when it ran in-process, ``django``, ``applied``, ``missing``, ``checks``,
``urls``); per model, ``fields_complete``/``fields_incomplete_reason``; per field,
``unknown: {attribute: reason}``. A file that cannot be parsed is listed in
``errors`` (stage ``parse``) with its path and the SyntaxError.
"""

from djdesk_inspector.inspection.static.reader.document import STATIC_UNKNOWN
from djdesk_inspector.inspection.static.target import scan

__all__ = ["STATIC_UNKNOWN", "scan"]
