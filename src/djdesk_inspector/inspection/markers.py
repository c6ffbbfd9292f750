"""Reading what a script run in the target's interpreter printed between nonce markers.

The probe and the rehearsal script point stdout at stderr while the project's code
runs, then print one JSON document between ``<BEGIN> <nonce>`` and ``<END> <nonce>``
lines; progress goes to stderr as ``<STAGE> <nonce> <percent> <text>``. A random
nonce per run means nothing the project prints can pose as the document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Markers:
    begin: str
    end: str
    stage: str

    def between(self, stdout: str, nonce: str) -> str | None:
        """The document, or None when the markers are missing (the script died)."""
        begin = f"{self.begin} {nonce}\n"
        end = f"\n{self.end} {nonce}"
        start = stdout.find(begin)
        if start < 0:
            return None
        stop = stdout.find(end, start + len(begin))
        if stop < 0:
            return None
        return stdout[start + len(begin) : stop]

    def strip_stages(self, stderr: str, nonce: str) -> str:
        marker = f"{self.stage} {nonce} "
        return "\n".join(line for line in stderr.splitlines() if not line.startswith(marker))

    def progress_reader(
        self, nonce: str, progress: Callable[[int, str], None] | None
    ) -> Callable[[str], None]:
        """An ``on_stderr_line`` callback forwarding stage lines to ``progress``."""

        def on_line(line: str) -> None:
            parts = line.split(" ", 3)
            if progress and len(parts) == 4 and parts[0] == self.stage and parts[1] == nonce:
                try:
                    percent = int(parts[2])
                except ValueError:
                    return
                progress(percent, parts[3])

        return on_line


PROBE = Markers("DJDESK-PROBE-BEGIN", "DJDESK-PROBE-END", "DJDESK-PROBE-STAGE")
REHEARSAL = Markers("DJDESK-REHEARSE-BEGIN", "DJDESK-REHEARSE-END", "DJDESK-REHEARSE-STAGE")
