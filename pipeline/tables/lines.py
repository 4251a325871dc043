"""Words of a page as table material: deskewed boxes, visual lines, chunks at column gaps.

A table is found from lines across the whole page (not layout's reading-order lines, which are
cut at text-column gutters): each line is split into chunks wherever two words are at least
``column_gap`` word heights apart, and keeps its free x-intervals, so column gaps shared by
several lines are interval intersections.
"""
from __future__ import annotations

import re
import statistics
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from ..document import Page, Word
from ..geometry import Box, Interval, free_spans, visual_lines
from ..textnorm import clean_text
from .settings import TableSettings

CLOSING = re.compile(r"[.,;:)\]]+")


@dataclass(slots=True)
class TLine:
    """Boxes on one visual line across the page, left to right, split into chunks at column gaps."""

    boxes: list[Box]
    chunks: list[list[Box]]
    x0: float
    top: float
    x1: float
    bottom: float
    middle: float  # median word centre: OCR box tops vary with accents and ascenders
    free: list[Interval]  # where the line has no ink: both margins and the gaps between chunks


def page_boxes(page: Page, s: TableSettings) -> tuple[list[Box], float]:
    """Words that can be table content, deskewed, and the page's median word height.

    Running headers/footers (the layout's ``running`` lines) are never rows; OCR specks are
    dropped. Lines are ``geometry.visual_lines``, the model layout reads its rows from too;
    each box keeps the index of its line.
    """
    running = {id(w) for i in page.running if i < len(page.lines) for w in page.lines[i].words}
    words = [w for w in page.words if id(w) not in running and w.text.strip()]
    if not words:
        return [], 0.0
    height = statistics.median(w.height for w in words) or 1.0
    words = [w for w in words if not is_speck(w, height, s)]
    if not words:
        return [], 0.0
    chains = visual_lines(words, s.line_tolerance * height)
    boxes = [b for chain in chains for b in chain]
    for i, chain in enumerate(chains):
        for b in chain:
            b.line = i
    return boxes, height


def is_speck(w: Word, height: float, s: TableSettings) -> bool:
    """OCR noise: a lone unsure character, or a box too thin to be a glyph (a rule fragment)."""
    if w.conf is None:
        return False
    return (len(w.text) == 1 and w.conf < s.speck_conf) or (w.x1 - w.x0) < 0.15 * height


def table_lines(boxes: list[Box], height: float, s: TableSettings) -> list[TLine]:
    """Boxes grouped by their visual line, top to bottom, each split into chunks at column gaps."""
    by_line: dict[int, list[Box]] = {}
    for b in boxes:
        by_line.setdefault(b.line, []).append(b)
    gap = s.column_gap * height
    lines = []
    for group in by_line.values():
        group.sort(key=lambda b: b.x0)
        free = free_spans(group, gap)
        starts = [b for _, b in free[1:-1]]
        chunks: list[list[Box]] = []
        for b in group:
            if not chunks or (len(chunks) <= len(starts) and b.x0 >= starts[len(chunks) - 1]):
                chunks.append([b])
            else:
                chunks[-1].append(b)
        lines.append(TLine(group, chunks, group[0].x0, min(b.top for b in group), free[-1][0],
                           max(b.bottom for b in group), statistics.median(b.cy for b in group), free))
    lines.sort(key=lambda line: line.middle)
    return lines


def line_cells(line: TLine, cuts: list[float]) -> dict[tuple[int, int], list[Box]]:
    """A line's chunks by the (first, last) column they cover; several chunks in one column merge."""
    cells: dict[tuple[int, int], list[Box]] = {}
    for chunk in line.chunks:
        x0, x1 = chunk[0].x0, max(b.x1 for b in chunk)
        span = (bisect_left(cuts, x0), max(bisect_left(cuts, x0), bisect_left(cuts, x1)))
        cells.setdefault(span, []).extend(chunk)
    return cells


def cell_text(boxes: list[Box]) -> str:
    """A cell's words as text: its lines top to bottom, joined with hyphenation repaired."""
    by_line: dict[int, list[Box]] = {}
    for b in boxes:
        by_line.setdefault(b.line, []).append(b)
    lines = sorted(by_line.values(), key=lambda group: min(b.top for b in group))
    return join_lines(line_text(sorted(group, key=lambda b: b.x0)) for group in lines)


def line_text(boxes: list[Box]) -> str:
    """Words of one line left to right; a lone closing mark ("." set a hair apart after "1.1")
    joins the word before it rather than standing as a word of its own."""
    out = ""
    for b in boxes:
        text = b.word.text
        out += text if out and CLOSING.fullmatch(text) else (" " + text if out else text)
    return out


def join_lines(lines: Iterable[str]) -> str:
    """Lines of one cell as one line: a space between them, ``pašval-`` + ``dības`` rejoined."""
    return " ".join(clean_text("\n".join(lines)).split())


def inside(w: Word, box: tuple[float, float, float, float]) -> bool:
    """The word's centre lies in ``box``."""
    cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]
