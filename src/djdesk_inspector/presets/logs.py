"""The log pipeline of a run: split, redact, cap, then insert in short batches.

Everything a child prints (split into lines by the kernel's runner,
:func:`djdesk_inspector.kernel.processes.run`) goes through :class:`LogSink` before it
reaches the database: secrets are redacted line by line (PEM private key blocks across lines
too), lines past the caps are counted but not stored (one visible
``[output truncated: ...]`` marker says so), and lines are appended with
one multi-row INSERT per batch of at most ``BATCH_LINES`` lines or ``BATCH_MS``, each in
its own short transaction, so a chatty command never holds SQLite's write lock for
long and the cost per line stays flat (rows are only ever appended). The insert skips
model instances: at 100,000 lines, building them costs more than the database does.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router, transaction
from django.utils import timezone

from djdesk_inspector.kernel import redaction
from djdesk_inspector.presets.models import Stream, TaskRun, TaskRunLogLine

TRUNCATED = "[output truncated: "
HEARTBEAT_SECONDS = 2.0

_PEM_BEGIN = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
_PEM_END = re.compile(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----")


# -- redacting across lines --------------------------------------------------------


class LineRedactor:
    """:func:`redaction.redact` per line, plus PEM private key blocks spread over lines."""

    def __init__(self) -> None:
        self.in_key = False

    def __call__(self, line: str) -> str:
        if self.in_key:
            if _PEM_END.search(line):
                self.in_key = False
                return redaction.redact(line[_PEM_END.search(line).start() :])  # type: ignore[union-attr]
            return redaction.REDACTED
        begin = _PEM_BEGIN.search(line)
        if begin and not _PEM_END.search(line, begin.end()):
            self.in_key = True
            return redaction.redact(line[: begin.end()]) + " " + redaction.REDACTED
        return redaction.redact(line)


# -- storing -----------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    max_lines: int
    max_bytes: int
    max_line_chars: int
    batch_lines: int
    batch_ms: int


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} bytes"  # pragma: no cover


def _insert_sql(alias: str) -> str:
    quote = connections[alias].ops.quote_name
    meta = TaskRunLogLine._meta
    fields = [meta.get_field(name) for name in ("run", "seq", "stream", "text", "t_ms")]
    columns = [str(field.column) for field in fields if isinstance(field, models.Field)]
    # Identifiers come from the model and are quoted; every value is a parameter.
    return (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )


class LogSink:
    """Buffers a run's lines and appends them with increasing ``seq``; one per run."""

    def __init__(
        self,
        run_id: int,
        limits: Limits,
        *,
        started: float,
        progress: Callable[[float], int | None] = lambda elapsed: None,
    ) -> None:
        self.run_id = run_id
        self.limits = limits
        self.started = started
        self.progress = progress
        self.redact = LineRedactor()
        self.buffer: list[tuple[int, int, str, str, int]] = []
        self.seq = 0
        self.stored_lines = 0  # child lines kept (markers not counted against the cap)
        self.stored_bytes = 0
        self.dropped_lines = 0
        self.dropped_bytes = 0
        self.last_flush = float("-inf")  # the first line is inserted at once
        self.last_heartbeat = started

    @property
    def truncated(self) -> bool:
        return self.dropped_lines > 0

    def _t_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)

    def _append(self, stream: str, text: str) -> None:
        self.seq += 1
        self.buffer.append((self.run_id, self.seq, stream, text, self._t_ms()))
        if len(self.buffer) >= self.limits.batch_lines:
            self.flush(time.monotonic())  # a batch never grows past BATCH_LINES

    def add(self, stream: str, lines: list[str]) -> None:
        limits = self.limits
        for raw in lines:
            if self.dropped_lines:  # past the cap: count, never store (nor redact)
                self.dropped_lines += 1
                self.dropped_bytes += len(raw.encode("utf-8")) + 1
                continue
            text = self.redact(raw)
            if len(text) > limits.max_line_chars:
                cut = len(text) - limits.max_line_chars
                text = f"{text[: limits.max_line_chars]} [line cut: {cut} more characters]"
            size = len(text.encode("utf-8")) + 1
            if self.stored_lines >= limits.max_lines or self.stored_bytes + size > limits.max_bytes:
                self.system(
                    f"{TRUNCATED}limit of {limits.max_lines:,} lines or "
                    f"{_size(limits.max_bytes)} reached; further output is not stored]"
                )
                self.dropped_lines += 1
                self.dropped_bytes += size
                continue
            self.stored_lines += 1
            self.stored_bytes += size
            self._append(stream, text)

    def system(self, text: str) -> None:
        """A djdesk line (marker, outcome); stored even past the caps."""
        self._append(Stream.SYSTEM, text)

    def summary(self) -> None:
        if self.dropped_lines:
            self.system(
                f"{TRUNCATED}{self.dropped_lines:,} more lines "
                f"({_size(self.dropped_bytes)}) were not stored]"
            )

    def due(self, now: float) -> bool:
        """Insert now? A full batch, or lines waiting and no insert for ``BATCH_MS``."""
        return len(self.buffer) >= self.limits.batch_lines or (
            bool(self.buffer) and (now - self.last_flush) * 1000 >= self.limits.batch_ms
        )

    def counters(self) -> dict[str, Any]:
        return {
            "line_count": self.seq,
            "byte_count": self.stored_bytes,
            "truncated": self.truncated,
        }

    def flush(self, now: float, *, final: dict[str, Any] | None = None) -> None:
        """Insert buffered lines and refresh the run's counters, in one short transaction.

        ``final`` (status, exit code ...) is written in the same transaction as the last
        lines, so a reader that sees a finished run has every line already.
        """
        heartbeat = now - self.last_heartbeat >= HEARTBEAT_SECONDS
        if not self.buffer and not heartbeat and final is None:
            return
        fields: dict[str, Any] = {"heartbeat_at": timezone.now(), **self.counters()}
        if final is None:
            fields["progress"] = self.progress(now - self.started)
        else:
            fields |= final
        batch, self.buffer = self.buffer, []
        alias = router.db_for_write(TaskRunLogLine)
        with transaction.atomic(using=alias):
            if batch:
                with connections[alias].cursor() as cursor:
                    cursor.executemany(_insert_sql(alias), batch)
            TaskRun.objects.using(alias).filter(pk=self.run_id).update(**fields)
        self.last_flush = now
        self.last_heartbeat = now
