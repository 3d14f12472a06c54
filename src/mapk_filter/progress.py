"""Progress of a long read on a terminal: records read and a rate, on one line.

Quiet unless the stream is a terminal (a Snakemake log, a pipe or a file gets nothing), and
cheap: the reader calls ``update`` once every ``EVERY`` records, and a line is written at
most every ``interval`` seconds.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

EVERY = 1 << 14  # records between two looks at the clock
INTERVAL_S = 0.5  # seconds between two lines; MAPK_FILTER_PROGRESS_INTERVAL overrides it


class Meter:
    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.enabled = _is_terminal(self.stream)
        self.interval = float(os.environ.get("MAPK_FILTER_PROGRESS_INTERVAL", INTERVAL_S))
        self.start = time.monotonic()
        self.last = self.start
        self.shown = False

    def update(self, records: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            self._write(records, now, end="")

    def done(self, records: int) -> None:
        """The final count, and the line ended, when progress was shown."""
        if self.enabled and self.shown:
            self._write(records, time.monotonic(), end="\n")

    def _write(self, records: int, now: float, end: str) -> None:
        rate = records / max(now - self.start, 1e-6)
        self.stream.write(f"\r{self.label}: {records:,} records read, {rate:,.0f} records/s{end}")
        self.stream.flush()
        self.shown = True


def say(label: str, words: str, stream: TextIO | None = None) -> None:
    """One line about a long step with no record count to show (htslib streaming a whole
    file), on a terminal only."""
    stream = stream if stream is not None else sys.stderr
    if _is_terminal(stream):
        stream.write(f"{label}: {words}\n")
        stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or detached streams
        return False
