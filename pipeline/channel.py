"""The edit channel: lexicon forms a few weighted edits away from an OCR-damaged word.

A non-Latvian OCR model misreads a marked letter as whatever its own alphabet offers, and not
always as the look-alike in ``data/ocr_confusions.json``: ``sisttmu`` (sistēmu), ``grupgjot``
(grupējot), ``nodro$indjums`` (nodrošinājums), ``sist€tma`` (sistēma), ``ekosistێmas`` (an
Arabic letter for ``ē``). The word-by-word channels cannot reach these, so a word the lexicon
does not know is compared with the forms sharing its first letters, at costs that make such
misreads cheap and any other change impossible: a damaged character (a sign, a foreign letter,
a capital inside small letters) may become any letter; a plain letter may become a marked one
(the OCR model did not know it) or get its mark back; "rn", "ni" or "in" may be an "m"; a letter
beside a sign that is read with a stray letter (``€t``), or a doubled letter, may go.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from .lexicon import Lexicon
from .textnorm import confusions, fold, match_key


@dataclass(frozen=True, slots=True)
class EditCosts:
    look_alike: float = 0.2  # a damaged character to the letter the confusion table names
    damaged_to_marked: float = 0.4  # a damaged character to another marked letter
    damaged_to_letter: float = 0.8  # ... to any other letter
    mark: float = 0.2  # a plain letter to itself with a mark
    misread: float = 1.0  # a plain letter to a marked one it was misread for (reader "edits" of the table)
    pair: float = 0.6  # two letters read for an "m" ("nolenij" for "nolemj")
    deletion: float = 1.0  # a letter beside a split glyph, or a doubled one
    split_glyphs: str = "€&@"  # signs read for "ē" together with a stray letter ("sist€tma")
    max_cost: float = 1.2
    min_undamaged_length: int = 6  # an undamaged word: shorter ones have too many neighbours
    min_prefix: int = 3
    max_forms: int = 4000  # forms compared per word; a longer prefix is taken beyond it
    frequency_weight: float = 0.1  # per decade of frequency, in cost units, between close forms
    min_lead: float = 0.1  # how much closer the best form must be than the next


def misreads() -> dict[str, list[str]]:
    """Plain letters (and letter pairs) a non-Latvian OCR model wrote for another letter: sisttmu,
    grupgjot, nodro$indjums, nolenij (seen on real scans); the OCR-confusion table's reader "edits".
    Any other letter-for-letter change is not a misread."""
    return confusions("edits")["anywhere"]


@dataclass(frozen=True, slots=True)
class Nearest:
    form: str
    cost: float


def _substitution(a: str, b: str, damaged: bool, look_alikes: list[str], costs: EditCosts) -> float:
    if a == b:
        return 0.0
    marked = b != fold(b)
    if damaged:
        if b in look_alikes:
            return costs.look_alike
        return costs.damaged_to_marked if marked else costs.damaged_to_letter
    if fold(b) == a:
        return costs.mark
    return costs.misread if b in misreads().get(a, ()) else math.inf


def _cost(written: str, form: str, damaged: set[int], look_alikes: dict[str, list[str]],
          costs: EditCosts) -> float:
    def same_length(w: str, positions: list[int]) -> float:
        total = 0.0
        for a, b, i in zip(w, form, positions):
            total += _substitution(a.lower(), b, i in damaged, look_alikes.get(a, []), costs)
            if total > costs.max_cost:
                return math.inf
        return total

    if len(form) == len(written):
        return same_length(written, list(range(len(written))))
    if len(form) != len(written) - 1:
        return math.inf
    best = math.inf
    for i in range(len(written)):
        positions = [j for j in range(len(written)) if j != i + 1]
        pair = written[i:i + 2].lower()
        if len(pair) == 2 and form[i] in misreads().get(pair, ()):
            merged = written[:i] + form[i] + written[i + 2:]
            best = min(best, costs.pair + same_length(merged, positions))
        if not written[i].isalpha() or not 0 < i < len(written) - 1:
            continue  # signs are substituted, not dropped; edges belong to the word
        split = any(written[j] in costs.split_glyphs for j in (i - 1, i + 1))
        doubled = written[i] in (written[i - 1], written[i + 1])
        if split or doubled:
            positions = [j for j in range(len(written)) if j != i]
            best = min(best, costs.deletion + same_length(written[:i] + written[i + 1:], positions))
    return best


def nearest(
    written: str, damaged: set[int], lex: Lexicon, look_alikes: dict[str, list[str]],
    misreads: bool = True, min_freq: float = 0.0, costs: EditCosts = EditCosts(),
) -> Nearest | None:
    """The one lexicon form closest to ``written`` within ``max_cost``, or None (none close
    enough, or two close forms equally likely). Without ``misreads`` (text that shows no sign
    of OCR) only damaged characters and marks change; ``min_freq`` keeps out forms too rare
    to be worth the guess."""
    if not misreads:
        costs = replace(costs, misread=math.inf, pair=math.inf, deletion=math.inf)
    key = match_key(written)
    if len(written) < costs.min_prefix + 2:
        return None
    first = min(damaged, default=len(written))
    size = max(costs.min_prefix, min(first, 4))
    forms = None
    while forms is None:
        prefix = key[:size]
        if size > len(written) - 2 or not prefix.isalpha():
            return None
        forms = lex.by_prefix(prefix, len(written) - 1, len(written), costs.max_forms)
        size += 1
    if not damaged and len(written) < costs.min_undamaged_length:
        return None
    scored = []
    for form, freq in forms:
        if freq < min_freq:
            continue
        if not damaged and fold(form) == key:
            continue  # only marks to restore: the diacritic channel's call, not this one's
        cost = _cost(written, form, damaged, look_alikes, costs)
        if cost <= costs.max_cost:
            scored.append((cost - costs.frequency_weight * math.log10(freq), form, cost))
    if not scored:
        return None
    scored.sort()
    if len(scored) > 1 and scored[1][0] - scored[0][0] < costs.min_lead:
        return None  # two forms about as close and as common: no evidence for either
    return Nearest(scored[0][1], scored[0][2])
