"""The Latvian lexicon: every inflected form hunspell-lv knows, with wordfreq frequencies.

Kept as an SQLite file in the cache folder rather than in Python memory: 2.3 million forms would
cost every worker process a few hundred MB and seconds of loading, while SQLite opens at once,
is shared through the page cache, and answers the lookups the repair engine batches per page.
The file is built once (``unmunch`` + wordfreq, about half a minute) and keyed by a hash of the
dictionary files, the wordfreq version and this module's format number.

For words outside the lexicon (names, rare derivations: ``apturēšanu``) it also holds a
letter-window model learnt from wordfreq's words: which marked letter a plain one stands for,
given the plain letters around it (a window of up to four before and three after, backing off
to smaller windows). It restores about two thirds of such words in folded text.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable
from importlib.metadata import version as package_version
from pathlib import Path

import wordfreq

from ._exec import hunspell
from .textnorm import MARKED_LOWER, fold

FORMAT = 2
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
UNKNOWN_FREQ = 1e-9  # a form hunspell knows but wordfreq never saw
PLAIN = frozenset(fold(MARKED_LOWER))  # letters that may stand for a marked one
WINDOWS = ((4, 3), (3, 3), (3, 2), (2, 2), (2, 1), (1, 1), (1, 0))  # letters before, after
MIN_WINDOW_COUNT = 2  # a window seen once is noise


def _windows(folded: str, i: int) -> list[str]:
    """Keys of the letter windows around position ``i``, largest first."""
    padded = "^" * 4 + folded + "$" * 3
    return [f"{left}{right}{padded[4 + i - left : 5 + i + right]}" for left, right in WINDOWS]


def _letter_model(words: Iterable[str]) -> Iterable[tuple[str, str]]:
    """(window key, most common marked-or-plain letter) for every window seen often enough."""
    counts: dict[str, dict[str, int]] = {}
    for word in words:
        folded = fold(word)
        for i, letter in enumerate(word):
            if folded[i] in PLAIN:
                for key in _windows(folded, i):
                    seen = counts.setdefault(key, {})
                    seen[letter] = seen.get(letter, 0) + 1
    for key, seen in counts.items():
        if sum(seen.values()) >= MIN_WINDOW_COUNT:
            yield key, max(seen, key=seen.__getitem__)


def cache_dir() -> Path:
    root = os.environ.get("LVINGEST_CACHE") or Path.home() / ".cache" / "lvingest"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cache_key() -> str:
    digest = hashlib.sha256(f"{FORMAT}:{package_version('wordfreq')}".encode())
    for path in hunspell.dictionary_files():
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _build(target: Path) -> None:
    """Write the SQLite lexicon to a temporary file and rename it into place."""
    freqs = {w: f for w, f in wordfreq.get_frequency_dict("lv").items() if WORD.fullmatch(w)}
    forms = {w.lower() for w in hunspell.expanded_forms() if WORD.fullmatch(w)}
    forms.update(freqs)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        db = sqlite3.connect(tmp)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute(
            "CREATE TABLE forms (form TEXT PRIMARY KEY, folded TEXT NOT NULL, freq REAL NOT NULL)"
            " WITHOUT ROWID"
        )
        db.executemany(
            "INSERT INTO forms VALUES (?, ?, ?)",
            ((w, fold(w), freqs.get(w, UNKNOWN_FREQ)) for w in forms),
        )
        db.execute("CREATE INDEX by_folded ON forms (folded, freq DESC)")
        db.execute("CREATE TABLE letters (window TEXT PRIMARY KEY, letter TEXT NOT NULL) WITHOUT ROWID")
        db.executemany("INSERT INTO letters VALUES (?, ?)", _letter_model(w for w in freqs if "-" not in w))
        db.commit()
        db.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


class Lexicon:
    """Batched, cached lookups; safe to share between threads (one connection per thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._freq: dict[str, float] = {}  # form -> frequency, 0.0 when not a form
        self._by_fold: dict[str, list[tuple[str, float]]] = {}
        self._lock = threading.Lock()

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    def _query(self, sql: str, keys: list[str]) -> list[tuple]:
        rows: list[tuple] = []
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows.extend(self._db().execute(sql.format(marks), chunk))
        return rows

    def frequencies(self, words: Iterable[str]) -> dict[str, float]:
        """Frequency of each lower-cased word; 0.0 for words that are not Latvian forms."""
        words = {w.lower() for w in words}
        missing = [w for w in words if w not in self._freq]
        if missing:
            found = dict(self._query("SELECT form, freq FROM forms WHERE form IN ({})", missing))
            with self._lock:
                for w in missing:
                    self._freq[w] = found.get(w, 0.0)
        return {w: self._freq[w] for w in words}

    def by_fold(self, keys: Iterable[str]) -> dict[str, list[tuple[str, float]]]:
        """Forms whose folded spelling is each key, most frequent first."""
        keys = {k.lower() for k in keys}
        missing = [k for k in keys if k not in self._by_fold]
        if missing:
            found: dict[str, list[tuple[str, float]]] = {k: [] for k in missing}
            rows = self._query(
                "SELECT folded, form, freq FROM forms WHERE folded IN ({}) ORDER BY freq DESC",
                missing,
            )
            for key, form, freq in rows:
                found[key].append((form, freq))
            with self._lock:
                self._by_fold.update(found)
        return {k: self._by_fold[k] for k in keys}

    def by_prefix(
        self, prefix: str, min_len: int, max_len: int, limit: int
    ) -> list[tuple[str, float]] | None:
        """Forms whose folded spelling starts with ``prefix``, within a length range; None when
        more than ``limit`` match (the prefix is too short to search by)."""
        rows = self._db().execute(
            "SELECT form, freq FROM forms WHERE folded >= ? AND folded < ?"
            " AND length(folded) BETWEEN ? AND ? LIMIT ?",
            (prefix, prefix + "\uffff", min_len, max_len, limit + 1),
        ).fetchall()
        return rows if len(rows) <= limit else None

    def guess_marks(self, folded: str, windows: int = len(WINDOWS)) -> str:
        """A folded word outside the lexicon with its likely diacritics put back; a letter is
        decided only by the first ``windows`` of ``WINDOWS`` (fewer: only with more context)."""
        positions = [i for i, c in enumerate(folded) if c in PLAIN]
        keys = {i: _windows(folded, i)[:windows] for i in positions}
        found = dict(self._query("SELECT window, letter FROM letters WHERE window IN ({})",
                                 sorted({k for ks in keys.values() for k in ks})))
        letters = list(folded)
        for i, near in keys.items():
            letters[i] = next((found[k] for k in near if k in found), folded[i])
        return "".join(letters)

    def known_ratio(self, text: str) -> float:
        """Share of alphabetic words that are Latvian forms (0.0 for text without words)."""
        words = [w.lower() for w in WORD.findall(unicodedata.normalize("NFC", text))]
        if not words:
            return 0.0
        freqs = self.frequencies(words)
        return sum(1 for w in words if freqs[w] > 0) / len(words)

    def folded_ratio(self, text: str) -> float:
        """Like ``known_ratio`` but blind to diacritics, so text typed without them still counts."""
        words = [fold(w.lower()) for w in WORD.findall(unicodedata.normalize("NFC", text))]
        if not words:
            return 0.0
        forms = self.by_fold(words)
        return sum(1 for w in words if forms[w]) / len(words)


@functools.cache
def get_lexicon() -> Lexicon:
    """The process-wide lexicon, built into the cache folder on first use."""
    path = cache_dir() / f"lexicon-{_cache_key()}.sqlite"
    if not path.exists():
        _build(path)
    return Lexicon(path)


def known_ratio(text: str) -> float:
    return get_lexicon().known_ratio(text)


def folded_ratio(text: str) -> float:
    return get_lexicon().folded_ratio(text)
