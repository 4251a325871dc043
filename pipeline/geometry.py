"""Word boxes in deskewed page coordinates, shared by the layout and table stages.

A scan is skewed by up to a few degrees; both stages decide geometry (rows, columns, gutters)
on boxes straightened by the page's skew while keeping the original word for the text.
"""
from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .document import Word

MAX_SKEW = 0.05  # tan of the steepest skew corrected (~3 degrees); OCR scans stay within ~1
MIN_SKEW_SPAN = 100.0  # points a line must span before its slope is trusted
MIN_SKEW_WORDS = 3  # a line of two words gives a noisy slope


def skew(lines: Iterable[Sequence[tuple[float, float]]]) -> float:
    """The page's skew (dy/dx) from its lines, each given as the centres (x, y) of its words.

    The median least-squares slope of the long lines; 0 on a straight page and when the
    estimate is steeper than a scan would be (then the "lines" are not lines of text).
    """
    slopes = []
    for centres in lines:
        xs = [x for x, _ in centres]
        if len(centres) < MIN_SKEW_WORDS or max(xs) - min(xs) < MIN_SKEW_SPAN:
            continue
        slopes.append(statistics.linear_regression(xs, [y for _, y in centres]).slope)
    slope = statistics.median(slopes) if slopes else 0.0
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
