"""Word boxes in deskewed page coordinates, shared by the layout and table stages.

A scan is skewed by up to a few degrees; both stages decide geometry (rows, columns, gutters)
on boxes straightened by the page's skew while keeping the original word for the text.
"""
from __future__ import annotations

from dataclasses import dataclass

from .document import Word


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
