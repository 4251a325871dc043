"""Word boxes in deskewed page coordinates, shared by the layout and table stages.

A scan is skewed by up to a few degrees; both stages decide geometry (rows, columns, gutters)
on boxes straightened by the page's skew while keeping the original word for the text.
"""
from __future__ import annotations

import math
import statistics
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .document import Word

MAX_SKEW = 0.05  # tan of the steepest skew corrected (~3 degrees); OCR scans stay within ~1
MIN_SKEW_SPAN = 100.0  # points a line must span before its slope is trusted
MIN_SKEW_WORDS = 3  # a line of two words gives a noisy slope
MIN_SKEW_LINES = 2  # a scan's skew shows on every long line; one line's slope is its own


def skew(lines: Iterable[Sequence[tuple[float, float]]]) -> float:
    """The page's skew (dy/dx) from its lines, each given as the centres (x, y) of its words.

    The median least-squares slope of the long lines; 0 on a straight page, with fewer than
    ``MIN_SKEW_LINES`` long lines, and when the estimate is steeper than a scan would be
    (then the "lines" are not lines of text).
    """
    slopes = []
    for centres in lines:
        xs = [x for x, _ in centres]
        if len(centres) < MIN_SKEW_WORDS or max(xs) - min(xs) < MIN_SKEW_SPAN:
            continue
        slopes.append(statistics.linear_regression(xs, [y for _, y in centres]).slope)
    slope = statistics.median(slopes) if len(slopes) >= MIN_SKEW_LINES else 0.0
    return slope if 0.001 < abs(slope) < MAX_SKEW else 0.0


@dataclass(slots=True)
class Box:
    word: Word
    x0: float
    top: float
    x1: float
    bottom: float
    line: int = -1  # index of its visual line, once a stage has chained lines

    @classmethod
    def of(cls, word: Word) -> Box:
        return cls(word, word.x0, word.top, word.x1, word.bottom)

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    def deskew(self, slope: float) -> Box:
        """Rotate back by the page skew (``slope`` = dy/dx). For the small angles of a scan a
        shear is the rotation to first order and keeps the box axis-aligned and its size."""
        dx, dy = slope * self.cy, -slope * (self.x0 + self.x1) / 2
        self.x0, self.x1, self.top, self.bottom = self.x0 + dx, self.x1 + dx, self.top + dy, self.bottom + dy
        return self


Interval = tuple[float, float]


def chain_lines(boxes: list[Box], tolerance: float, speck: float = 0.0) -> list[list[Box]]:
    """Visual lines: each box is linked to its nearest right neighbour on its line - centres
    within ``tolerance`` points, or boxes overlapping by half the lower one's height (OCR boxes
    of a word with accents and of digits differ); following the links gives lines that bend
    with a skewed scan. Boxes lower than ``speck`` (OCR specks, a bullet sliver) would link the
    wrong lines; each is put on the line of the box nearest to it afterwards.

    Boxes are bucketed by centre height, so each lookup scans a few short sorted lists.
    """
    specks = [b for b in boxes if b.bottom - b.top < speck]
    boxes = [b for b in boxes if b.bottom - b.top >= speck]
    buckets: dict[int, list[Box]] = {}
    for b in boxes:
        buckets.setdefault(int(b.cy // tolerance), []).append(b)
    for bucket in buckets.values():
        bucket.sort(key=lambda b: b.x0)
    starts = {k: [b.x0 for b in v] for k, v in buckets.items()}
    incoming: dict[int, tuple[float, Box, Box]] = {}  # id(right) -> (cost, left, right)
    for b in boxes:
        cy = b.cy
        best: tuple[float, Box] | None = None
        for k in (int(cy // tolerance) - 1, int(cy // tolerance), int(cy // tolerance) + 1):
            bucket = buckets.get(k, [])
            for other in bucket[bisect_left(starts.get(k, []), b.x1 - tolerance):]:
                if best is not None and other.x0 - b.x1 > best[0]:
                    break
                if other is not b and other.x0 > b.x0 and _same_line(b, other, tolerance):
                    cost = other.x0 - b.x1 + 4 * abs(other.cy - cy)
                    if best is None or cost < best[0]:
                        best = (cost, other)
        if best is not None:
            cost, right = best
            if id(right) not in incoming or cost < incoming[id(right)][0]:
                incoming[id(right)] = (cost, b, right)
    successor = {id(left): right for _, left, right in incoming.values()}
    chains = []
    for b in boxes:
        if id(b) in incoming:
            continue
        chain = [b]
        while id(chain[-1]) in successor:
            chain.append(successor[id(chain[-1])])
        chains.append(chain)
    return _place_specks(chains, specks, 2 * tolerance)


def _same_line(a: Box, b: Box, tolerance: float) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    lower = max(min(a.bottom - a.top, b.bottom - b.top), 0.1)
    return abs(a.cy - b.cy) <= tolerance or overlap >= 0.5 * lower


def _place_specks(chains: list[list[Box]], specks: list[Box], reach: float) -> list[list[Box]]:
    """Each speck onto the chain whose box nearest in x is nearest in height, if within reach;
    a speck with no chain near stands as a line of its own."""
    for speck in specks:
        best: tuple[float, list[Box]] | None = None
        for chain in chains:
            near = min(chain, key=lambda b: abs(b.x0 - speck.x0))
            distance = abs(near.cy - speck.cy)
            if distance <= reach and (best is None or distance < best[0]):
                best = (distance, chain)
        if best is None:
            chains.append([speck])
        else:
            best[1].append(speck)
    for chain in chains:
        chain.sort(key=lambda b: b.x0)
    return chains


def visual_lines(words: Iterable[Word], tolerance: float, speck: float = 0.0) -> list[list[Box]]:
    """The page's visual lines as deskewed boxes: words chained (``chain_lines``), the skew
    measured on the chains and removed, and the boxes chained again when it was (across a
    wide empty cell the drift adds up). The one line model of layout and tables."""
    boxes = [Box.of(w) for w in words]
    chains = chain_lines(boxes, tolerance, speck)
    slope = skew([[((b.x0 + b.x1) / 2, b.cy) for b in chain if b.bottom - b.top >= speck] for chain in chains])
    if slope:
        for b in boxes:
            b.deskew(slope)
        chains = chain_lines(boxes, tolerance, speck)
    return chains


def free_spans(boxes: Sequence[Box], min_width: float) -> list[Interval]:
    """Where a line (``boxes`` left to right) has no ink: both margins and every gap between
    words of at least ``min_width`` - the intervals whose intersection over lines is a column gap."""
    spans: list[Interval] = [(-math.inf, boxes[0].x0)]
    reach = boxes[0].x1
    for box in boxes[1:]:
        if box.x0 - reach >= min_width:
            spans.append((reach, box.x0))
        reach = max(reach, box.x1)
    spans.append((reach, math.inf))
    return spans


def intersect(a: list[Interval], b: list[Interval], min_width: float) -> list[Interval]:
    """Pieces of at least ``min_width`` free in both sorted interval lists (two pointers)."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if hi - lo >= min_width:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def inner(free: list[Interval], x0: float, x1: float) -> list[Interval]:
    """The free intervals strictly between ``x0`` and ``x1`` (a block's ink): column gaps."""
    return [iv for iv in free if iv[0] > x0 and iv[1] < x1]
