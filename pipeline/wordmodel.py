"""A Latvian word-sequence model: which form of a word its neighbours call for (gada/gadā, tas/tās).

An interpolated Kneser-Ney trigram model over lower-cased words, trained on the Latvian UD
Treebank's training sentences (``data/lvtb-train.sentences.txt.xz``, CC BY-SA 4.0), with the
unigram level mixed with wordfreq's frequencies (which know far more words than 139k words of
treebank). The repair engine hands it the candidate forms of each word of a sentence and it
picks the best sequence (second-order Viterbi), with each choice's margin over the best
sequence that takes another form there. The words the model has read are also offered to
repair as candidates (names and terms the lexicon lacks).

Like the lexicon, the counts live in an SQLite file in the cache folder, built at first use and
keyed by a hash of the corpus and this module's format number: the model costs a worker the
SQLite page cache, not a few hundred MB of Python dicts. The counts are kept in the form KN
needs (continuation counts, history totals and type counts), maintained incrementally, so that
``learn`` can add an archive's own clean pages to the model: its names and phrasing then help
repair its damaged documents. The corpus model is never written to; what is learnt goes to a
copy beside it (``-archive``), which is the one repair reads (delete it to forget). Writers
take SQLite's write lock (WAL mode, ``BEGIN IMMEDIATE``), so concurrent workers can learn and
read at once; a page already learnt is not counted twice.

Written here rather than taken from a package: the n-gram toolkits on PyPI (kenlm, nltk.lm)
either need a C++ build or keep the model in Python objects, and none can add counts to a model
on disk shared by processes.
"""
from __future__ import annotations

import contextlib
import hashlib
import lzma
import math
import os
import re
import shutil
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

from .lexicon import cache_dir, get_lexicon
from .resources import data_bytes
from .textnorm import LATVIAN_MARKED, fold

_T = TypeVar("_T")

FORMAT = 1
CORPUS = "lvtb-train.sentences.txt.xz"
BOS, EOS, NUM, COMMA = "<s>", "</s>", "<num>", ","
DISCOUNT = 0.75  # Kneser-Ney's absolute discount
KN_SHARE = 0.2  # the unigram level: this much KN continuation, the rest wordfreq (tuned on a sample)
FLOOR = 1e-9  # probability of a word neither the model nor wordfreq has seen
EDGES = "\"'“”„«»()[]{}.,;:!?…–—-/*"
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
TOKEN = re.compile(r"\S+")
CACHE_LIMIT = 200_000  # entries of the per-process query cache before it is emptied
TABLES = ("tri", "hist2", "bi", "hist1", "uni", "vocab")  # the tables queries read
# a page is learnt only when it reads as clean Latvian: most words known, marks present
LEARN_MIN_QUALITY = 0.85
LEARN_MIN_MARKED_SHARE = 0.03
LEARN_MIN_WORDS = 20
LEARN_MAX_CHANGE_SHARE = 0.01


def unit(core: str, trail: str) -> tuple[str | None, bool, bool]:
    """What one whitespace token contributes: (word or None, a comma follows, a sentence ends)."""
    low = core.lower()
    if any(c.isdigit() for c in low):
        word: str | None = NUM
    elif WORD.fullmatch(low):
        word = low
    else:
        word = None
    return word, any(c in ",;:" for c in trail), any(c in ".!?" for c in trail)


def sentences(text: str) -> list[list[str]]:
    """Text as sentences of model tokens (lower-cased words, ``<num>``, commas)."""
    out: list[list[str]] = [[]]
    for match in TOKEN.finditer(text):
        raw = match.group(0)
        core = raw.strip(EDGES)
        word, comma, end = unit(core, raw[raw.find(core) + len(core) :] if core else raw)
        if word:
            out[-1].append(word)
        if comma and out[-1] and out[-1][-1] != COMMA:
            out[-1].append(COMMA)
        if end and out[-1]:
            out.append([])
    return [s for s in out if s]


def trigrams(text: str) -> Counter[tuple[str, str, str]]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for sentence in sentences(text):
        padded = [BOS, BOS, *sentence, EOS]
        counts.update(zip(padded, padded[1:], padded[2:]))
    return counts


# Adding counts is set-based SQL over a temporary table of the batch, so that learning a page
# costs a few statements, not several per trigram. Each step reads which trigrams and bigrams
# are new before the step that inserts them.
ADD_STEPS = (
    "UPDATE temp.batch SET new = NOT EXISTS"
    " (SELECT 1 FROM tri WHERE tri.key = batch.a || ' ' || batch.b || ' ' || batch.c)",
    "INSERT INTO tri SELECT a || ' ' || b || ' ' || c, k FROM temp.batch WHERE true"
    " ON CONFLICT(key) DO UPDATE SET c = c + excluded.c",
    "INSERT INTO hist2 SELECT a || ' ' || b, SUM(k), SUM(new) FROM temp.batch WHERE true GROUP BY a, b"
    " ON CONFLICT(key) DO UPDATE SET total = total + excluded.total, types = types + excluded.types",
    # a new trigram "a b c" is one more distinct left neighbour of "b c"; "b c" itself may be new
    "INSERT INTO temp.pairs SELECT b, c, COUNT(*),"
    " NOT EXISTS (SELECT 1 FROM bi WHERE bi.key = batch.b || ' ' || batch.c) FROM temp.batch"
    " WHERE new GROUP BY b, c",
    "INSERT INTO bi SELECT b || ' ' || c, n FROM temp.pairs WHERE true"
    " ON CONFLICT(key) DO UPDATE SET cont = cont + excluded.cont",
    "INSERT INTO hist1 SELECT b, SUM(n), SUM(new) FROM temp.pairs WHERE true GROUP BY b"
    " ON CONFLICT(key) DO UPDATE SET total = total + excluded.total, types = types + excluded.types",
    # a new bigram "b c" is one more distinct left neighbour of "c"
    "INSERT INTO uni SELECT c, COUNT(*) FROM temp.pairs WHERE new GROUP BY c"
    " ON CONFLICT(key) DO UPDATE SET cont = cont + excluded.cont",
    "UPDATE meta SET value = value + (SELECT COUNT(*) FROM temp.pairs WHERE new) WHERE name = 'bigram_types'",
)


def _add(db: sqlite3.Connection, counts: Counter[tuple[str, str, str]]) -> None:
    """Add trigram counts, keeping every KN statistic and the vocabulary in step (one
    transaction, the caller's)."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS batch (a TEXT, b TEXT, c TEXT, k INTEGER, new INTEGER)")
    db.execute("CREATE TEMP TABLE IF NOT EXISTS pairs (b TEXT, c TEXT, n INTEGER, new INTEGER)")
    db.execute("DELETE FROM temp.batch")
    db.execute("DELETE FROM temp.pairs")
    db.executemany("INSERT INTO temp.batch VALUES (?, ?, ?, ?, 0)",
                   ((a, b, c, k) for (a, b, c), k in counts.items()))
    for step in ADD_STEPS:
        db.execute(step)
    words: Counter[str] = Counter()
    for (_, _, c), k in counts.items():
        if c not in (EOS, NUM, COMMA):
            words[c] += k
    db.executemany(
        "INSERT INTO vocab VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
        ((fold(w), w, n) for w, n in words.items()),
    )
    db.execute("UPDATE meta SET value = value + ? WHERE name = 'tokens'", (sum(words.values()),))


SCHEMA = """
CREATE TABLE tri (key TEXT PRIMARY KEY, c INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE hist2 (key TEXT PRIMARY KEY, total INTEGER NOT NULL, types INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE bi (key TEXT PRIMARY KEY, cont INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE hist1 (key TEXT PRIMARY KEY, total INTEGER NOT NULL, types INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE uni (key TEXT PRIMARY KEY, cont INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE vocab (folded TEXT NOT NULL, form TEXT NOT NULL, n INTEGER NOT NULL,
                    PRIMARY KEY (folded, form)) WITHOUT ROWID;
CREATE TABLE learnt (digest TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO meta VALUES ('bigram_types', 0), ('tokens', 0);
"""


def build(target: Path, corpus: str) -> None:
    """Write the model of ``corpus`` to a temporary file and rename it into place."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        db = sqlite3.connect(tmp)
        db.execute("PRAGMA journal_mode=OFF")
        db.executescript(SCHEMA)
        _add(db, trigrams(corpus))
        db.commit()
        db.execute("PRAGMA journal_mode=WAL")  # readers and one writer at a time, from now on
        db.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class Stats:
    """What one query batch read: every count the probabilities need."""

    tri: dict[str, int]
    hist2: dict[str, tuple[int, int]]
    bi: dict[str, int]
    hist1: dict[str, tuple[int, int]]
    uni: dict[str, int]
    bigram_types: int


class WordModel:
    """Trigram probabilities from the SQLite counts; one connection per thread."""

    def __init__(self, path: Path, kn_share: float = KN_SHARE) -> None:
        self.path = path
        self.kn_share = kn_share
        self._local = threading.local()
        # per table, key -> what it holds there (a dict per table: no tuple built per key)
        self._cache: dict[str, dict[str, object]] = {table: {} for table in TABLES}
        self._lock = threading.Lock()
        # counts each emptying of the cache: what a caller derived from this model's answers
        # (repair's candidate sets) holds while the generation stays the same
        self.generation = 0

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=60, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash loses at most the last pages learnt
            self._local.db = db
        return db

    def _fresh(self) -> None:
        """Forget cached counts when another connection (another worker's too) has written since
        this thread last looked (``data_version`` counts per connection, so it is kept per thread)."""
        version = self._db().execute("PRAGMA data_version").fetchone()[0]
        if version != getattr(self._local, "version", version) or self._cached() > CACHE_LIMIT:
            self._forget()
        self._local.version = version

    def _cached(self) -> int:
        return sum(len(entries) for entries in self._cache.values())

    def _forget(self) -> None:
        with self._lock:
            for entries in self._cache.values():
                entries.clear()
            self.generation += 1

    def _lookup(self, table: str, keys: Iterable[str], default: _T) -> dict[str, _T]:
        keys = set(keys)
        cache = self._cache[table]
        missing = [k for k in keys if k not in cache]
        columns = "c" if table == "tri" else "cont" if table in ("bi", "uni") else "total, types"
        found: dict[str, object] = {}
        for i in range(0, len(missing), 500):
            chunk = missing[i : i + 500]
            sql = f"SELECT key, {columns} FROM {table} WHERE key IN ({','.join('?' * len(chunk))})"
            rows = self._db().execute(sql, chunk)
            found.update(rows if columns != "total, types" else ((k, (t, n)) for k, t, n in rows))
        with self._lock:
            for k in missing:
                cache[k] = found.get(k, default)
        return {k: cast(_T, cache[k]) for k in keys}

    def stats(self, triples: Iterable[tuple[str, str, str]]) -> Stats:
        triples = set(triples)
        self._fresh()
        total = self._db().execute("SELECT value FROM meta WHERE name = 'bigram_types'").fetchone()[0]
        return Stats(
            tri=self._lookup("tri", (f"{a} {b} {c}" for a, b, c in triples), 0),
            hist2=self._lookup("hist2", (f"{a} {b}" for a, b, _ in triples), (0, 0)),
            bi=self._lookup("bi", (f"{b} {c}" for _, b, c in triples), 0),
            hist1=self._lookup("hist1", (b for _, b, _ in triples), (0, 0)),
            uni=self._lookup("uni", (c for _, _, c in triples), 0),
            bigram_types=max(total, 1),
        )

    def by_fold(self, keys: Iterable[str]) -> dict[str, list[tuple[str, float]]]:
        """The words the model has read whose folded spelling is each key, with their share of
        its words: the corpus's and the archive's own vocabulary (names, terms) that the
        lexicon may lack."""
        keys = set(keys)
        cache = self._cache["vocab"]
        missing = [k for k in keys if k not in cache]
        if missing:
            db = self._db()
            tokens = max(db.execute("SELECT value FROM meta WHERE name = 'tokens'").fetchone()[0], 1)
            found: dict[str, list[tuple[str, float]]] = {k: [] for k in missing}
            for i in range(0, len(missing), 500):
                chunk = missing[i : i + 500]
                sql = f"SELECT folded, form, n FROM vocab WHERE folded IN ({','.join('?' * len(chunk))})"
                for key, form, n in db.execute(sql, chunk):
                    found[key].append((form, n / tokens))
            with self._lock:
                for k in missing:
                    cache[k] = found[k]
        return {k: cast(list[tuple[str, float]], cache[k]) for k in keys}

    def unigram(self, word: str, stats: Stats, freq: float) -> float:
        """KN continuation probability mixed with the word's wordfreq frequency."""
        kn = stats.uni[word] / stats.bigram_types
        return max(self.kn_share * kn + (1 - self.kn_share) * freq, FLOOR)

    def probability(self, a: str, b: str, c: str, stats: Stats, freq: float) -> float:
        """P(c | a b), interpolated Kneser-Ney backing off to ``unigram``."""
        p = self.unigram(c, stats, freq)
        total, types = stats.hist1[b]
        if total:
            p = (max(stats.bi[f"{b} {c}"] - DISCOUNT, 0) + DISCOUNT * types * p) / total
        total, types = stats.hist2[f"{a} {b}"]
        if total:
            p = (max(stats.tri[f"{a} {b} {c}"] - DISCOUNT, 0) + DISCOUNT * types * p) / total
        return p

    def decode(self, sentences: Sequence[Sequence[Sequence[tuple[str, float]]]], weight: float = 1.0,
               pair: Callable[[str, str], float] | None = None) -> list[list[tuple[int, float]]]:
        """For each sentence, the best option per position and its margin in log units: how much
        better the best sequence scores than the best one with another option there (inf for a
        lone option).

        Each position lists (model token, score from the other evidence) options; the first is
        the word as written. A sequence scores the sum of its options' scores plus ``weight``
        times the log-probability of its words. The counts for all sentences are read at once.
        ``pair`` scores each token after the one before it (commas and sentence ends too),
        added to each trigram's score: the ending agreement of ``reranker``.
        """
        padded = [[[(BOS, 0.0)], [(BOS, 0.0)], *sentence, [(EOS, 0.0)]] for sentence in sentences]
        # a trigram of three fixed tokens adds the same to every sequence: it is not scored
        fixed = {
            (positions[i - 2][0][0], positions[i - 1][0][0], positions[i][0][0]): 0.0
            for positions in padded
            for i in range(2, len(positions))
            if len(positions[i - 2]) == len(positions[i - 1]) == len(positions[i]) == 1
        }
        triples = {
            (a, b, c)
            for positions in padded
            for i in range(2, len(positions))
            if len(positions[i - 2]) > 1 or len(positions[i - 1]) > 1 or len(positions[i]) > 1
            for a, _ in positions[i - 2] for b, _ in positions[i - 1] for c, _ in positions[i]
        }
        stats = self.stats(triples)
        freqs = get_lexicon().frequencies({c for _, _, c in triples if c not in (EOS, COMMA, NUM)})
        logp: dict[tuple[str, str, str], float] = {
            t: weight * math.log(self.probability(*t, stats, freqs.get(t[2], 0.0))) for t in triples
        }
        if pair is not None:  # only where a choice is open: a fixed pair adds to every sequence
            pairs = {
                (b, c): 0.0
                for positions in padded
                for i in range(2, len(positions)) if len(positions[i - 1]) > 1 or len(positions[i]) > 1
                for b, _ in positions[i - 1] for c, _ in positions[i]
            }
            for key in pairs:
                pairs[key] = pair(*key)
            for (a, b, c) in triples:
                logp[(a, b, c)] += pairs.get((b, c), 0.0)
        fixed.update(logp)
        return [_max_marginals(positions, fixed) for positions in padded]

    def learn(self, text: str) -> bool:
        """Add the text's counts to the model on disk; False when this text was learnt before."""
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        counts = trigrams(text)
        if not counts:
            return False
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("INSERT OR IGNORE INTO learnt VALUES (?)", (digest,)).rowcount == 0:
                db.execute("ROLLBACK")
                return False
            _add(db, counts)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._forget()  # data_version only tells of other connections' writes
        return True


def _max_marginals(padded: list[Sequence[tuple[str, float]]], logp: dict[tuple[str, str, str], float]
                   ) -> list[tuple[int, float]]:
    """Second-order Viterbi forward and backward: per position, the best option and its margin."""
    n = len(padded)
    # forward[i][(j, k)]: best score of positions 0..i with option j at i-1 and k at i
    forward: list[dict[tuple[int, int], float]] = [{}, {(0, 0): 0.0}]
    for i in range(2, n):
        states: dict[tuple[int, int], float] = {}
        for (h, j), score in forward[i - 1].items():
            a, b = padded[i - 2][h][0], padded[i - 1][j][0]
            for k, (c, own) in enumerate(padded[i]):
                total = score + own + logp[(a, b, c)]
                if total > states.get((j, k), -math.inf):
                    states[(j, k)] = total
        forward.append(states)
    # backward[i][(j, k)]: best score of positions i+1.. given options j at i-1 and k at i
    backward: list[dict[tuple[int, int], float]] = [{} for _ in range(n)]
    backward[n - 1] = {state: 0.0 for state in forward[n - 1]}
    for i in range(n - 2, 0, -1):
        for (h, j) in forward[i]:
            a, b = padded[i - 1][h][0], padded[i][j][0]
            backward[i][(h, j)] = max(
                (own + logp[(a, b, c)] + backward[i + 1][(j, k)]
                 for k, (c, own) in enumerate(padded[i + 1]) if (j, k) in backward[i + 1]),
                default=-math.inf,
            )
    out = []
    for i in range(2, n - 1):
        best: dict[int, float] = {}
        for (j, k), score in forward[i].items():
            best[k] = max(best.get(k, -math.inf), score + backward[i][(j, k)])
        winner = max(best, key=best.__getitem__)
        out.append((winner, best[winner] - max((v for o, v in best.items() if o != winner),
                                               default=-math.inf)))
    return out


def bundled_corpus() -> bytes:
    """The LVTB training sentences shipped with the package (xz-compressed)."""
    return data_bytes(CORPUS)


def base_model(folder: Path, corpus: bytes) -> Path:
    """The model of an xz-compressed corpus alone, built in ``folder`` unless a model of the same
    corpus and format already is there (the file name carries a hash of both). Never written
    to after it is built: what an archive teaches goes to a copy (``open_model``)."""
    key = hashlib.sha256(f"{FORMAT}:".encode() + corpus).hexdigest()[:16]
    path = folder / f"wordmodel-{key}.sqlite"
    if not path.exists():
        build(path, lzma.decompress(corpus).decode("utf-8"))
    return path


def copy_model(base: Path, target: Path) -> WordModel:
    """A model that starts from ``base``'s counts, at ``target`` (created unless it exists)."""
    if not target.exists():
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            shutil.copyfile(base, tmp)
            # a link, not a rename: a worker that made the copy first may already be learning
            # into it, and its counts must not vanish under a second copy
            with contextlib.suppress(FileExistsError):
                os.link(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    return WordModel(target)


def open_model(folder: Path, corpus: bytes) -> WordModel:
    """The archive's model in ``folder``: the corpus model plus what ``learn`` has added."""
    base = base_model(folder, corpus)
    return copy_model(base, base.with_name(f"{base.stem}-archive.sqlite"))


_model: WordModel | None = None
_model_lock = threading.Lock()


def get_model() -> WordModel:
    """The process-wide model: the file ``$LVINGEST_WORDMODEL`` names (every worker of a cluster
    then reads the same one), else the cache folder's archive model, built from the bundled
    corpus on first use."""
    global _model
    with _model_lock:
        if _model is None:
            named = os.environ.get("LVINGEST_WORDMODEL")
            _model = WordModel(Path(named)) if named else open_model(cache_dir(), bundled_corpus())
        return _model


def use_model(model: WordModel | None) -> WordModel | None:
    """Make ``model`` the process-wide one (None: the cache's again); returns the previous one.
    For benchmarks and tests that measure a model of their own."""
    global _model
    with _model_lock:
        previous, _model = _model, model
    return previous


def is_clean(text: str, quality: float, changes: int = 0) -> bool:
    """A page worth learning from: Latvian the lexicon mostly knows (``quality``), written with
    its marks, that repair hardly had to touch (``changes``)."""
    letters = [c for c in text if c.isalpha()]
    words = WORD.findall(text)
    if len(words) < LEARN_MIN_WORDS or quality < LEARN_MIN_QUALITY:
        return False
    if changes > LEARN_MAX_CHANGE_SHARE * len(words):
        return False
    return sum(1 for c in letters if c in LATVIAN_MARKED) / len(letters) >= LEARN_MIN_MARKED_SHARE


def learn(text: str, quality: float, changes: int = 0) -> bool:
    """Add a clean page's text to the process-wide model; False when it is not clean, was learnt
    before, learning is off (``LVINGEST_LEARN=0``: runs that must not depend on what was read
    before) or the model stayed locked too long (learning is a bonus, never a failure)."""
    if os.environ.get("LVINGEST_LEARN", "1") == "0" or not is_clean(text, quality, changes):
        return False
    try:
        return get_model().learn(text)
    except sqlite3.OperationalError:  # "database is locked" after the timeout, a read-only cache
        return False
