"""Watching an inbox folder: ingest PDFs once they stop changing.

Polling rather than inotify, because archivists drop files over network shares where change
events are unreliable. A file is ingested only after its size and modification time have not
changed for ``settle`` seconds and it ends with a ``%%EOF`` marker, so a half-copied file is never
processed; a file that stays without the marker for ``grace`` seconds is taken as it is (and is
quarantined as truncated). Nothing is kept in memory that a restart needs: what was already
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

from .components import Config
from .ingest import Outcome, ingest_file
from .source import ends_with_eof, is_pdf_name

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
    _seen: dict[Path, _Seen] = field(default_factory=dict)
    _done: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def _candidates(self) -> list[Path]:
        return sorted(
            p for p in self.inbox.rglob("*")
            if p.is_file() and is_pdf_name(p) and self.out not in p.parents
        )

    def _ready(self, path: Path, now: float) -> bool:
        stat = path.stat()
        signature = (stat.st_size, stat.st_mtime_ns)
        if self._done.get(path) == signature:
            return False
        seen = self._seen.get(path)
        if seen is None or seen.signature != signature:
            self._seen[path] = _Seen(signature, now)
            return False
        quiet = now - seen.stable_since
        if quiet < self.settle:
            return False
        return quiet >= self.grace or ends_with_eof(path)

    def pending(self) -> bool:
        """Whether any PDF in the inbox has not been ingested in its current state."""
        for path in self._candidates():
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if self._done.get(path) != (stat.st_size, stat.st_mtime_ns):
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
            outcome = ingest_file(path, self.out, self.config)
            log.info("%s: %s", path, outcome.status)
            self._done[path] = signature
            outcomes.append(outcome)
        return outcomes

    def run(self, interval: float = 2.0, stop: threading.Event | None = None,
            on_outcome: Callable[[Outcome], None] | None = None) -> None:
        """Poll until ``stop`` is set (or forever)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            for outcome in self.poll():
                if on_outcome:
                    on_outcome(outcome)
            stop.wait(interval)
