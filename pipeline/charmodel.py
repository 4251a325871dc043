"""A character model for folded words nobody listed: which letters of ``degradetajam`` bear marks.

A word outside the lexicon and the word model's vocabulary (a rare derivation, a participle
hunspell does not generate) still follows Latvian spelling: an interpolated Witten-Bell
character 6-gram model, learnt from the word types of wordfreq's Latvian list and the vendored
LVTB training text, scores each way of putting marks back on its plain letters, and a beam
search finds the best. On unknown words of a held-out slice of the training text it restores
74% (the letter-window guess of ``lexicon.guess_marks``: 64%). Repair asks it only about plain
lower-case words of folded text that show no OCR damage; demanding a lead over the next-best
spelling cost accuracy on the held-out slice (a lead of 0.25 log units: -0.03 points, 1.0:
-0.17), so its best spelling is taken.

Built in memory at first use (about 270k n-grams, a few seconds): small beside the lexicon and
read only for the few words no list knows. Written here: no PyPI package offers a character
model that can be restricted to diacritic choices.
"""
from __future__ import annotations

import functools
import lzma
import math
from collections import Counter

import wordfreq

from .lexicon import WORD
from .textnorm import MARKED_LOWER, fold
from .wordmodel import bundled_corpus, sentences

ORDER = 6
BEAM = 4  # 8 and 16 restore 0.3 points more held-out words, at twice and four times the cost
ALPHABET = 40  # the uniform floor's alphabet size
MEMO_LIMIT = 500_000  # remembered probabilities before the memo is emptied
START, END = "^", "$"
MARKED: dict[str, str] = {}
for _c in MARKED_LOWER:
    MARKED[fold(_c)] = MARKED.get(fold(_c), "") + _c


class CharModel:
    """N-gram counts with their histories' totals and type counts (Witten-Bell)."""

    def __init__(self, words: set[str], order: int = ORDER) -> None:
        self.order = order
        self.counts: Counter[str] = Counter()
        for word in sorted(words):
            padded = START * (order - 1) + word + END
            for i in range(order - 1, len(padded)):
                for k in range(1, order + 1):
                    self.counts[padded[i - k + 1 : i + 1]] += 1
        # each history's (total count, distinct next letters), as Witten-Bell needs them
        self.histories: dict[str, tuple[int, int]] = {}
        for gram, n in self.counts.items():
            total, types = self.histories.get(gram[:-1], (0, 0))
            self.histories[gram[:-1]] = (total + n, types + 1)
        self._memo: dict[str, float] = {}

    def probability(self, history: str, letter: str) -> float:
        key = history + letter
        p = self._memo.get(key)
        if p is None:
            if len(self._memo) > MEMO_LIMIT:
                self._memo.clear()
            p = self._memo[key] = self._interpolated(history, letter)
        return p

    def _interpolated(self, history: str, letter: str) -> float:
        p = 1 / ALPHABET
        for k in range(len(history) + 1):
            h = history[len(history) - k :]
            total, types = self.histories.get(h, (0, 0))
            if not total:
                break  # a history never seen: no longer one was either
            p = (self.counts.get(h + letter, 0) + types * p) / (total + types)
        return p

    @functools.lru_cache(maxsize=100_000)  # noqa: B019 (one model per process, kept for good)
    def restore(self, folded: str) -> str:
        """The likeliest spelling of a plain lower-case word with marks put back."""
        hyps = [(START * (self.order - 1), 0.0)]
        for letter in folded + END:
            grown = [
                (h + c, s + math.log(self.probability(h[-(self.order - 1) :], c)))
                for h, s in hyps for c in letter + MARKED.get(letter, "")
            ]
            grown.sort(key=lambda x: (-x[1], x[0]))
            hyps = grown[:BEAM]
        return hyps[0][0][self.order - 1 : -1]


def training_words(corpus_xz: bytes) -> set[str]:
    """wordfreq's Latvian words and the corpus's word types."""
    words = {w for w in wordfreq.get_frequency_dict("lv") if WORD.fullmatch(w) and "-" not in w}
    text = lzma.decompress(corpus_xz).decode("utf-8")
    words.update(w for s in sentences(text) for w in s if WORD.fullmatch(w) and "-" not in w)
    return words


@functools.cache
def get_char_model() -> CharModel:
    """The process-wide model, built from the bundled corpus at first use (like the lexicon)."""
    return CharModel(training_words(bundled_corpus()))


def restore(folded: str) -> str:
    """``folded`` (plain, lower case) with its marks put back."""
    return get_char_model().restore(folded)
