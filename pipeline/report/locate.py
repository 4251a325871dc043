"""Where a text found on a page stands on it: entity, cell and repair texts matched to word boxes.

The datasets keep boxes for words (``words``) and, since schema 1.3, table cells; dates, targets,
municipalities, repairs and the cells of older outputs carry only their text and page. Their text is
repaired (``gadā`` where the page read ``gada``, ``š`` where OCR read ``$``) and may wrap onto the
next line or sit in a table cell whose lines are interleaved with its neighbours' in reading order.
So both sides are compared as ``textnorm.match_key`` tokens (folded, OCR look-alikes mapped,
punctuation dropped), and a text's tokens are chained word to word: each next token is the nearest
unused word with that token, preferring the word that follows in reading order. Repeated texts take
their occurrences in reading order (the second "≥ 3%" of a page gets the second such cell), which is
the order every stage emits its records in.
"""
from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from ..textnorm import match_key

TOKEN = re.compile(r"[^\W_]+|[%≥≤]")
MAX_STARTS = 30  # first-token occurrences tried before settling for the best partial chain
LINE_REACH = 3.0  # word heights a chain may step up or down (a wrapped line, a cell's next line)


def tokens(text: str) -> list[str]:
    """The comparable pieces of a text: ``"Līdz 2025. gada"`` -> ``["lidz", "2025", "gada"]``;
    a text of punctuation alone (a table's "-" or "—") is its own pieces."""
    key = match_key(text)
    return TOKEN.findall(key) or key.split()


@dataclass(frozen=True, slots=True)
class Rect:
    """A box in PDF points from the page's top-left."""

    x0: float
    top: float
    x1: float
    bottom: float

    @classmethod
    def around(cls, words: Iterable[dict]) -> Rect:
        """The box around word rows (dicts with x0, top, x1, bottom)."""
        return cls.union(cls(w["x0"], w["top"], w["x1"], w["bottom"]) for w in words)

    @classmethod
    def union(cls, rects: Iterable[Rect]) -> Rect:
        rects = list(rects)
        return cls(min(r.x0 for r in rects), min(r.top for r in rects),
                   max(r.x1 for r in rects), max(r.bottom for r in rects))


@dataclass(frozen=True, slots=True)
class Hint:
    """Where a table cell should stand: its first word's top-left corner as its row and column
    suggest, and the x range its words' centres keep within (its column)."""

    x0: float
    top: float
    left: float = float("-inf")
    right: float = float("inf")


def line_rects(words: list[dict]) -> list[Rect]:
    """One box per line the words stand on: a wrapped date is two boxes, not one over both."""
    lines: dict[int, list[dict]] = {}
    for w in words:
        lines.setdefault(w["line_no"], []).append(w)
    return [Rect.around(ws) for _, ws in sorted(lines.items())]


class PageWords:
    """One page's words (running headers and footers left out) as tokens in reading order."""

    def __init__(self, words: list[dict]) -> None:
        self.words = [w for w in words if not w.get("running")]
        self.units: list[tuple[str, int]] = []  # (token, index into self.words)
        self.by_token: dict[str, list[int]] = {}
        for i, w in enumerate(self.words):
            for tok in tokens(w["text"]):
                self.by_token.setdefault(tok, []).append(len(self.units))
                self.units.append((tok, i))
        heights = [w["bottom"] - w["top"] for w in self.words]
        self.reach = LINE_REACH * (statistics.median(heights) if heights else 10.0)

    def find(self, text: str, used: set[int], hint: Hint | None = None) -> list[dict]:
        """The words ``text`` stands on, in reading order (see ``match``); their units go into
        ``used`` so a repeated text takes the next occurrence."""
        return self.take(self.match(text, used, hint), used)

    def take(self, units: list[int], used: set[int]) -> list[dict]:
        """The words of ``units``, in reading order, marked used."""
        used.update(units)
        return [self.words[i] for i in sorted({self.units[u][1] for u in units})]

    def match(self, text: str, used: set[int], hint: Hint | None = None) -> list[int]:
        """The units ``text`` stands on; none if fewer than half its tokens are found.

        Without a hint the first complete chain in reading order wins; with one (a table cell's
        expected corner and column), only words inside the column count, and of the most complete
        chains the one starting nearest to the corner wins.
        """
        toks = tokens(text)
        if not toks:
            return []
        starts: list[int] = []
        for first, tok in enumerate(toks):  # noqa: B007 (first is read after the loop) a first token OCR garbled: start from the next
            starts = [u for u in self.by_token.get(tok, ()) if self._free(u, used, hint)][:MAX_STARTS]
            if starts:
                break
        best: list[int] = []
        best_score = (0, 0.0)
        for start in starts:
            chain = [start]
            for tok in toks[first + 1:]:
                nxt = self._next(tok, chain, used, hint)
                if nxt is not None:
                    chain.append(nxt)
            score = (len(chain), -self._distance(start, hint) if hint else 0.0)
            if score > best_score:
                best, best_score = chain, score
            if hint is None and len(chain) == len(toks) - first:
                break
        return best if 2 * len(best) >= len(toks) else []

    def _free(self, unit: int, used: set[int], hint: Hint | None) -> bool:
        if unit in used:
            return False
        if hint is None:
            return True
        w = self.words[self.units[unit][1]]
        return hint.left <= (w["x0"] + w["x1"]) / 2 < hint.right

    def _distance(self, unit: int, hint: Hint) -> float:
        w = self.words[self.units[unit][1]]
        return abs(w["x0"] - hint.x0) + abs(w["top"] - hint.top)

    def _next(self, tok: str, chain: list[int], used: set[int], hint: Hint | None) -> int | None:
        """The unit for ``tok`` after the chain's last: the next in reading order if it fits,
        else the nearest within reach of its line."""
        last = chain[-1]
        if last + 1 < len(self.units) and self.units[last + 1][0] == tok and self._free(last + 1, used, hint):
            return last + 1
        prev = self.words[self.units[last][1]]
        cy = (prev["top"] + prev["bottom"]) / 2
        best, best_cost = None, float("inf")
        for u in self.by_token.get(tok, ()):
            if u in chain or not self._free(u, used, hint):
                continue
            w = self.words[self.units[u][1]]
            dy = abs((w["top"] + w["bottom"]) / 2 - cy)
            if dy > self.reach:
                continue
            cost = 4 * dy + abs(w["x0"] - prev["x1"])
            if cost < best_cost:
                best, best_cost = u, cost
        return best
