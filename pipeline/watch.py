"""Watching an inbox folder: ingest PDFs once they stop changing.

Polling rather than inotify, because archivists drop files over network shares where change
events are unreliable. A file is ingested only after its size and modification time have not
changed for ``settle`` seconds and it ends with a ``%%EOF`` marker, so a half-copied file is never
processed; a file that stays without the marker for ``grace`` seconds is taken as it is (and is
quarantined as truncated), and the wait is announced (``on_waiting``). A link to nowhere or a
link that loops is recorded like ``ingest`` records it; an output folder inside the inbox is
never read back. Nothing is kept in memory that a restart needs: what was already
ingested is known from the outputs (content hash + pipeline version), so after a restart the
watcher re-checks the folder and skips finished files.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .ingest import Outcome, ingest_file
from .options import Config
from .source import ends_with_eof, pdf_files

log = logging.getLogger(__name__)


@dataclass
class _Seen:
    signature: tuple[int, int]  # (size, mtime_ns)
    stable_since: float


@dataclass
class Watcher:
    inbox: Path
    out: Path
    config: Config = field(default_factory=Config)
    settle: float = 5.0
    grace: float = 120.0
    clock: Callable[[], float] = time.monotonic
    retry_failed: bool = False
    doc_timeout: float | None = None
    on_waiting: Callable[[Path], None] | None = None  # told once when a file lacks %%EOF
    _seen: dict[Path, _Seen] = field(default_factory=dict)
    _done: dict[Path, tuple[int, int]] = field(default_factory=dict)
    _announced: set[Path] = field(default_factory=set)

    def _candidates(self) -> list[Path]:
        return pdf_files(self.inbox, exclude=self.out)

    def _ready(self, path: Path, now: float) -> bool:
        signature, readable = _signature(path)
        if self._done.get(path) == signature:
            return False
        seen = self._seen.get(path)
        if seen is None or seen.signature != signature:
            self._seen[path] = _Seen(signature, now)
            return False
        quiet = now - seen.stable_since
        if quiet < self.settle:
            return False
        if not readable or quiet >= self.grace or ends_with_eof(path):
            return True
        if self.on_waiting and path not in self._announced:
            self._announced.add(path)
            self.on_waiting(path)
        return False

    def pending(self) -> bool:
        """Whether any PDF in the inbox has not been ingested in its current state."""
        for path in self._candidates():
            try:
                signature, _ = _signature(path)
            except FileNotFoundError:
                continue
            if self._done.get(path) != signature:
                return True
        return False

    def poll(self) -> list[Outcome]:
        """One pass over the inbox: ingest every file that is ready."""
        now = self.clock()
        outcomes = []
        for path in self._candidates():
            try:
                if not self._ready(path, now):
                    continue
                signature = self._seen.pop(path).signature
            except FileNotFoundError:  # moved away while we looked
                self._seen.pop(path, None)
                continue
            self._announced.discard(path)
            outcome = ingest_file(path, self.out, self.config, retry_failed=self.retry_failed,
                                  doc_timeout=self.doc_timeout)
            log.info("%s: %s", path, outcome.status)
            self._done[path] = signature
            outcomes.append(outcome)
        return outcomes

    def run(self, interval: float = 2.0, stop: threading.Event | None = None,
            on_outcome: Callable[[Outcome], None] | None = None,
            on_batch: Callable[[list[Outcome]], None] | None = None) -> None:
        """Poll until ``stop`` is set (or forever); ``on_batch`` gets each poll's outcomes."""
        stop = stop or threading.Event()
        while not stop.is_set():
            outcomes = self.poll()
            for outcome in outcomes:
                if on_outcome:
                    on_outcome(outcome)
            if on_batch:
                on_batch(outcomes)
            stop.wait(interval)


def _signature(path: Path) -> tuple[tuple[int, int], bool]:
    """(size, mtime_ns) of the file, and whether it is one; of the link itself for a link to
    nowhere or a loop (False), which is ingested once settled, to be recorded as unreadable."""
    try:
        stat, readable = path.stat(), True
    except OSError:
        stat, readable = path.lstat(), False  # FileNotFoundError here: the entry itself is gone
    return (stat.st_size, stat.st_mtime_ns), readable
