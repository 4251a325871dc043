"""Ending agreement for the word model: an averaged perceptron over a word's candidate forms.

The trigram model (``wordmodel``) knows the word sequences its corpus has, not the grammar
behind them: it has read "no mājas" and "pie galda", not that "no" and "pie" take the genitive
of any noun, nor that "jaunajā" wants "mājā" beside it unless it has read that pair. This
model learns such regularities over endings. A candidate form of a word is scored by its own
features (the form, its frequency rank among the word's forms, its ending before the next
word as written and after a comma) and by features of each pair of neighbouring tokens: the
second's ending after the first (a preposition or other short word as itself, a longer word by
its ending: adjective–noun agreement) and the second form itself after it. A form's pairs with
both neighbours are learnt, so the word model's decoder (``WordModel.decode``) can add each
pair's score to its trigram scores, whichever of the two words is in question.

It is trained on the same vendored LVTB training text as the word model: every word whose
folded spelling (``textnorm.fold``) has more than one form in the lexicon is an example, its
neighbours taken as the corpus writes them. Training is deterministic (corpus order, ties to
the more frequent form) and takes seconds, so the weights (about 60k) are built at first use
into the cache folder, keyed by a hash of the corpus, the lexicon and this module's format,
like the word model. ``WEIGHT`` was tuned with the word model and the weights trained on the
first 9,000 sentences and scored on the other 1,098 (folded, and as tesseract ``eng`` read
them): 0.5, 1 and 2 gave 92.81/93.08%, 92.86/93.36% and 92.82/93.10%.
"""
from __future__ import annotations

import hashlib
import json
import lzma
import threading
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from .lexicon import Lexicon, cache_dir, get_lexicon
from .store import atomic_write_bytes
from .textnorm import fold
from .wordmodel import bundled_corpus, sentences

FORMAT = 3
EPOCHS = 4
WEIGHT = 1.0  # the scores' weight beside the word model's log-probabilities (tuned on held-out train)
SHORT = 4  # a preceding word this short is a feature itself (prepositions, pronouns, "ka")
ENDING = 2  # letters of a form that make its ending
BOS, EOS, COMMA, NUM = "<s>", "</s>", ",", "<num>"
MEMO_LIMIT = 200_000  # remembered pair scores before the memo is emptied


def _ending(form: str) -> str:
    return form[-ENDING:]


def _context(word: str) -> str:
    """A neighbour as a feature: a short word as itself, a longer one by its ending."""
    return word if len(word) <= SHORT or word.startswith("<") else "-" + _ending(word)


def own_features(form: str, rank: int, following: str, comma_before: bool) -> list[str]:
    """Features of a candidate that do not depend on its neighbours' choice: the form, its
    frequency rank among the word's forms, its ending before the next word as written
    (folded: in damaged text that is all one sees of it) and after a comma."""
    end = _ending(form)
    return [f"w|{form}", f"r|{min(rank, 3)}|{end}", f"n|{_context(fold(following))}|{end}",
            f"c|{comma_before}|{end}"]


def pair_features(previous: str, form: str) -> list[str]:
    """Features of a (candidate) form after the preceding token's (candidate) form."""
    end = _ending(form)
    return [f"p|{_context(previous)}|{end}", f"pp|{_context(previous)}|{form}"]


class Reranker:
    """Feature weights and the scores they give."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.weights = weights
        self._pairs: dict[tuple[str, str], float] = {}  # the same pairs recur on every page

    def score(self, features: Sequence[str]) -> float:
        w = self.weights
        return sum(w.get(f, 0.0) for f in features)

    def own(self, form: str, rank: int, following: str, comma_before: bool) -> float:
        return self.score(own_features(form, rank, following, comma_before))

    def pair(self, previous: str, form: str) -> float:
        key = (previous, form)
        found = self._pairs.get(key)
        if found is None:
            if len(self._pairs) > MEMO_LIMIT:
                self._pairs.clear()
            found = self._pairs[key] = self.score(pair_features(previous, form))
        return found


def examples(text: str, lex: Lexicon) -> list[tuple[list[str], int, str, str, bool]]:
    """(candidate forms, gold index, preceding token, next token, comma before) for each corpus
    word that folding makes ambiguous and whose form the lexicon knows; tokens as the word
    model reads a sentence (``wordmodel.sentences``)."""
    found = []
    sents = sentences(text)
    forms = lex.by_fold({fold(w) for s in sents for w in s if w not in (COMMA, NUM)})
    for sentence in sents:
        padded = [BOS, *sentence, EOS]
        for i in range(1, len(padded) - 1):
            word = padded[i]
            if word in (COMMA, NUM):
                continue
            options = [f for f, _ in forms[fold(word)]]
            if len(options) < 2 or word not in options:
                continue
            found.append((options, options.index(word), padded[i - 1], padded[i + 1], padded[i - 1] == COMMA))
    return found


def train(text: str, lex: Lexicon, epochs: int = EPOCHS) -> dict[str, float]:
    """Averaged perceptron weights over ``text``'s ambiguous words (deterministic)."""
    data = examples(text, lex)
    weights: dict[str, float] = defaultdict(float)
    totals: dict[str, float] = defaultdict(float)  # sum of the step at which each update happened
    step = 1
    for _ in range(epochs):
        for options, gold, previous, following, comma in data:
            # a form's pairs with both neighbours: the decoder weighs each pair once, for
            # whichever of the two words is in question
            feats = [own_features(f, k, following, comma) + pair_features(previous, f)
                     + pair_features(f, following) for k, f in enumerate(options)]
            scores = [sum(weights.get(x, 0.0) for x in fs) for fs in feats]
            guess = max(range(len(options)), key=lambda k: (scores[k], -k))
            if guess != gold:
                for x in feats[gold]:
                    weights[x] += 1.0
                    totals[x] += step
                for x in feats[guess]:
                    weights[x] -= 1.0
                    totals[x] -= step
            step += 1
    # averaging: w_avg = w - totals / step (the standard trick for the running average)
    averaged = {x: w - totals[x] / step for x, w in weights.items()}
    return {x: round(w, 4) for x, w in averaged.items() if abs(w) >= 1e-3}


def model_path(folder: Path, corpus: bytes, lex: Lexicon) -> Path:
    """The weights' file: its name carries a hash of the format, the lexicon (whose file name
    carries its own key) and the corpus."""
    key = hashlib.sha256(f"{FORMAT}:{lex.path.name}:".encode() + corpus).hexdigest()[:16]
    return folder / f"reranker-{key}.json"


def load(folder: Path, corpus: bytes, lex: Lexicon) -> Reranker:
    """The weights for ``corpus`` (xz-compressed), trained unless the cache has them."""
    path = model_path(folder, corpus, lex)
    if not path.exists():
        weights = train(lzma.decompress(corpus).decode("utf-8"), lex)
        payload = json.dumps(weights, ensure_ascii=False, sort_keys=True).encode("utf-8")
        atomic_write_bytes(path, lambda handle: handle.write(payload))
    return Reranker(json.loads(path.read_text(encoding="utf-8")))


_reranker: Reranker | None = None
_lock = threading.Lock()


def get_reranker() -> Reranker:
    """The process-wide weights, from the bundled corpus and the lexicon."""
    global _reranker
    with _lock:
        if _reranker is None:
            _reranker = load(cache_dir(), bundled_corpus(), get_lexicon())
        return _reranker


def use_reranker(reranker: Reranker | None) -> Reranker | None:
    """Make ``reranker`` the process-wide one (None: the bundled corpus's again); for tuning."""
    global _reranker
    with _lock:
        previous, _reranker = _reranker, reranker
    return previous
