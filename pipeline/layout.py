"""Page layout: words into lines in reading order, running headers/footers, page text.

``build_lines`` works on one page in three passes, each a sort or a sweep over that page only:
chain words into rows, find the whitespace gutters that run down the page between columns, then
read column regions column by column and everything else (tables included) row by row.
``mark_running`` compares the top and bottom bands of all pages through one dictionary.
"""
from __future__ import annotations

import functools
import math
import re
import statistics
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Hashable, Iterator
from dataclasses import dataclass

from .document import Line, Page, Ruling
from .geometry import Box, free_spans, visual_lines
from .options import LayoutSettings
from .resources import data_json
from .textnorm import clean_text, loose_key

DEFAULT = LayoutSettings()


@functools.cache
def _page_number() -> re.Pattern[str]:
    """A bare page number and the words around it (``data/layout_lv.json``): "3. lpp.", "5 no 12"."""
    words = data_json("layout_lv.json")["page_number"]
    before, after, of = ("|".join(words[k]) for k in ("before", "after", "of"))
    return re.compile(
        rf"""
        [-–—(\[]?\s*
        (?:(?:{before})\s*)?
        \d{{1,3}}\.?
        (?:\s*(?:{after}))?
        (?:\s*(?:/|{of})\s*\d{{1,4}}\.?)?
        \s*[-–—)\]]?
        """,
        re.X | re.I,
    )


@dataclass(slots=True)
class _Row:
    """Words on one visual line across the whole page width, left to right."""

    boxes: list[Box]
    x0: float
    x1: float
    top: float
    bottom: float

    @classmethod
    def of(cls, boxes: list[Box]) -> _Row:
        boxes = sorted(boxes, key=lambda b: b.x0)
        return cls(
            boxes,
            boxes[0].x0,
            max(b.x1 for b in boxes),
            min(b.top for b in boxes),
            max(b.bottom for b in boxes),
        )

    @property
    def centre(self) -> float:
        return (self.top + self.bottom) / 2

    def free(self, min_width: float) -> list[tuple[float, float]]:
        """Horizontal spans with no word: both margins and every gap of at least ``min_width``."""
        return free_spans(self.boxes, min_width)


@dataclass(slots=True)
class _Channel:
    """A vertical strip of whitespace followed down the rows ``first``..``last``."""

    a: float
    b: float
    first: int
    last: int
    n_left: int = 0  # rows with words left of the strip
    n_right: int = 0

    def take(self, index: int, row: _Row) -> None:
        self.last = index
        self.n_left += row.x0 < self.a
        self.n_right += row.x1 > self.b

    @property
    def middle(self) -> float:
        return (self.a + self.b) / 2


@dataclass(slots=True)
class _Region:
    """Rows ``first``..``last`` split by gutters into side-by-side stacks."""

    first: int
    last: int
    gutters: list[_Channel]


def build_lines(page: Page, s: LayoutSettings = DEFAULT) -> list[Line]:
    """Lines of ``page`` in reading order, ``block`` numbering paragraphs, columns and tables.

    Two text columns are read whole, left then right; lines that cross the gutter (titles,
    full-width paragraphs) close a column region. Side-by-side stacks that do not look like
    prose (numbers, short cells, more than three stacks, rows ruled across the gutter) are a
    table and keep each row whole, left to right.
    """
    words = [w for w in page.words if w.text.strip()]
    if not words:
        return []
    height = statistics.median(max(w.height, 0.1) for w in words)
    rows = sorted((_Row.of(chain) for chain in visual_lines(words, s.line_tolerance * height, s.speck * height)),
                  key=lambda r: r.centre)
    regions = _regions(rows, _gutters(rows, s.gutter_width * height, s.min_column_rows), page.height, height, s)
    units = list(_reading_order(rows, regions, page.rulings, s))
    return _into_blocks(units, height, s)


def mark_running(pages: list[Page], s: LayoutSettings = DEFAULT) -> None:
    """Set ``page.running`` to the header, footer and page-number lines of every page.

    A band line is running when, with digits and diacritics ignored, it recurs in the same band
    on at least half of the pages (and on two or more), or when it is a bare page number with
    nothing but running lines further out. Lines with several cell-wide gaps are table rows
    (a table header repeated on each page) and never count as repeated.
    """
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    repeat_candidates: list[tuple[int, int, tuple[str, str]]] = []
    number_candidates: list[tuple[int, int, str]] = []
    counted = 0
    for index, page in enumerate(pages):
        page.running = set()
        if page.height <= 0 or not page.lines:
            continue
        counted += 1
        for number, line in enumerate(page.lines):
            band = _band(line, page.height, s.band)
            if band is None:
                continue
            text = line.text.strip()
            if _page_number().fullmatch(text):
                number_candidates.append((index, number, band))
            elif not _is_tabular(line, s.cell_gap) and (key := loose_key(text)):
                seen[band, key].add(index)
                repeat_candidates.append((index, number, (band, key)))
    needed = max(2, math.ceil(counted * s.running_share))
    for index, number, slot in repeat_candidates:
        if len(seen[slot]) >= needed:
            pages[index].running.add(number)
    for index, number, band in number_candidates:
        page = pages[index]
        if _outermost(page, number, band):
            page.running.add(number)


def page_texts(page: Page) -> tuple[str, str]:
    """(text_raw, text): every line as read, and the cleaned text without running lines."""
    raw = _join_lines(page.lines, skip=set())
    kept = _join_lines(page.lines, skip=page.running)
    return raw, clean_text(kept)


def _gutters(rows: list[_Row], min_width: float, min_rows: int) -> list[_Channel]:
    """Whitespace strips at least ``min_width`` wide with words on both sides for several rows.

    A sweep down the rows keeps each open strip as the intersection of the rows' free spans;
    a row with a word inside the strip (a full-width title) closes it. Word spaces are narrower
    than ``min_width`` and do not line up over rows, so what survives are column gutters and
    table column gaps.
    """
    open_: list[_Channel] = []
    closed: list[_Channel] = []
    for index, row in enumerate(rows):
        free = row.free(min_width)
        kept: list[_Channel] = []
        for channel in open_:  # oldest first: a younger duplicate of a strip is dropped
            span = _widest_overlap(channel, free, min_width)
            if span is None:
                closed.append(channel)
            elif not any(span[0] < k.b and k.a < span[1] for k in kept):
                channel.a, channel.b = span
                channel.take(index, row)
                kept.append(channel)
        for a, b in free:
            if not any(a < k.b and k.a < b for k in kept):
                channel = _Channel(a, b, index, index)
                channel.take(index, row)
                kept.append(channel)
        open_ = kept
    closed.extend(open_)
    return [c for c in closed if c.n_left >= min_rows and c.n_right >= min_rows]


def _widest_overlap(
    channel: _Channel, free: list[tuple[float, float]], min_width: float
) -> tuple[float, float] | None:
    best: tuple[float, float] | None = None
    for a, b in free:
        lo, hi = max(channel.a, a), min(channel.b, b)
        if hi - lo >= min_width and (best is None or hi - lo > best[1] - best[0]):
            best = (lo, hi)
    return best


def _regions(
    rows: list[_Row], gutters: list[_Channel], page_height: float, height: float, s: LayoutSettings
) -> list[_Region]:
    """Gutters whose rows overlap, merged into regions (top to bottom)."""
    for gutter in gutters:
        _trim_band_rows(rows, gutter, page_height, height, s)
    regions: list[_Region] = []
    for gutter in sorted(gutters, key=lambda g: g.first):
        if regions and gutter.first <= regions[-1].last:
            regions[-1].last = max(regions[-1].last, gutter.last)
            regions[-1].gutters.append(gutter)
        else:
            regions.append(_Region(gutter.first, gutter.last, [gutter]))
    return regions


def _trim_band_rows(rows: list[_Row], gutter: _Channel, page_height: float, height: float,
                    s: LayoutSettings) -> None:
    """Take header/footer rows off the ends of a gutter's span so they are read first or last.

    A header or page number standing on one side of the gutter, in the top or bottom band and
    set off from the body by a wide gap, would otherwise be read as part of that column.
    """

    def set_off(end: int, inner: int) -> bool:
        row, neighbour = rows[end], rows[inner]
        one_sided = row.x1 <= gutter.a or row.x0 >= gutter.b
        in_band = min(row.centre, page_height - row.centre) <= s.band * page_height
        gap = neighbour.top - row.bottom if inner > end else row.top - neighbour.bottom
        return one_sided and in_band and gap > s.header_gap * height

    while gutter.first < gutter.last and set_off(gutter.first, gutter.first + 1):
        gutter.first += 1
    while gutter.first < gutter.last and set_off(gutter.last, gutter.last - 1):
        gutter.last -= 1


def _reading_order(
    rows: list[_Row], regions: list[_Region], rulings: list[Ruling], s: LayoutSettings
) -> Iterator[tuple[Hashable, list[Box]]]:
    """(group, boxes) per line in reading order; a group is one flow, column or table."""
    position = 0
    for number, region in enumerate(regions):
        for row in rows[position:region.first]:
            yield ("flow", number), row.boxes
        stacks = _stacks(rows, region)
        if _is_text_columns(stacks, region, rows, rulings, s):
            for column, stack in enumerate(stacks):
                for boxes in stack:
                    yield ("column", number, column), boxes
        else:
            for row in rows[region.first:region.last + 1]:
                yield ("table", number), row.boxes
        position = region.last + 1
    for row in rows[position:]:
        yield ("flow", len(regions)), row.boxes


def _stacks(rows: list[_Row], region: _Region) -> list[list[list[Box]]]:
    """The region's rows cut at the gutters each row lies beside, grouped into stacks by x."""
    cuts = sorted(g.middle for g in region.gutters)
    stacks: list[list[list[Box]]] = [[] for _ in range(len(cuts) + 1)]
    for index in range(region.first, region.last + 1):
        active = sorted(g.middle for g in region.gutters if g.first <= index <= g.last)
        pieces: dict[int, list[Box]] = defaultdict(list)
        for box in rows[index].boxes:
            pieces[bisect_left(active, (box.x0 + box.x1) / 2)].append(box)
        for piece in pieces.values():
            stacks[bisect_right(cuts, piece[0].x0)].append(piece)
    return stacks


def _is_text_columns(
    stacks: list[list[list[Box]]], region: _Region, rows: list[_Row], rulings: list[Ruling], s: LayoutSettings
) -> bool:
    """Two or three stacks of prose with no rule drawn across a gutter: columns, not a table."""
    if not 2 <= len(stacks) <= s.max_columns:
        return False
    top, bottom = rows[region.first].top, rows[region.last].bottom
    ruled_across = any(
        rule.is_horizontal and rule.x0 < gutter.a and rule.x1 > gutter.b and top < rule.top < bottom
        for gutter in region.gutters
        for rule in rulings
    )
    return not ruled_across and all(_is_prose(stack, s) for stack in stacks)


def _is_prose(stack: list[list[Box]], s: LayoutSettings) -> bool:
    """Lines of several words, nearly all with letters: what a column of text looks like."""
    if len(stack) < s.min_column_rows:
        return False
    lettered = sum(any(ch.isalpha() for b in piece for ch in b.word.text) for piece in stack)
    return statistics.median(len(piece) for piece in stack) >= 2 and lettered >= s.prose_lettered * len(stack)


@dataclass(slots=True)
class _Extent:
    """What block breaking compares between neighbouring lines."""

    base: float  # median word bottom: the baseline, robust to descenders in OCR boxes
    size: float  # tallest word
    x0: float
    x1: float

    @classmethod
    def of(cls, boxes: list[Box]) -> _Extent:
        return cls(
            statistics.median(b.bottom for b in boxes),
            max(max(b.bottom - b.top for b in boxes), 0.1),
            min(b.x0 for b in boxes),
            max(b.x1 for b in boxes),
        )


def _into_blocks(units: list[tuple[Hashable, list[Box]]], height: float, s: LayoutSettings) -> list[Line]:
    """Lines numbered into blocks: a new group, a paragraph gap, a size change or a side step.

    The paragraph gap is measured against the page's usual line pitch (the lower median of
    baseline steps within a group), so it works for any font size and for OCR boxes alike.
    """
    extents = [_Extent.of(boxes) for _, boxes in units]
    steps = [
        cur.base - prev.base
        for (group, _), (prev_group, _), cur, prev in zip(units[1:], units, extents[1:], extents)
        if group == prev_group and 0 < cur.base - prev.base < 3 * height
    ]
    pitch = statistics.median_low(steps) if steps else 1.2 * height
    lines: list[Line] = []
    block = -1
    for i, (group, boxes) in enumerate(units):
        if i == 0 or group != units[i - 1][0] or _breaks(extents[i - 1], extents[i], pitch, s):
            block += 1
        lines.append(Line(words=[b.word for b in boxes], block=block))
    return lines


def _breaks(prev: _Extent, cur: _Extent, pitch: float, s: LayoutSettings) -> bool:
    step = cur.base - prev.base
    sizes = max(prev.size, cur.size) / min(prev.size, cur.size)
    apart = cur.x0 > prev.x1 or cur.x1 < prev.x0
    return step > s.paragraph_pitch * pitch or step < -0.5 * pitch or sizes > s.size_change or apart


def _band(line: Line, page_height: float, band: float) -> str | None:
    centre = (line.top + line.bottom) / 2
    if centre <= band * page_height:
        return "top"
    if centre >= (1 - band) * page_height:
        return "bottom"
    return None


def _is_tabular(line: Line, cell_gap: float) -> bool:
    """Two or more cell-wide gaps: a table row, however often it repeats."""
    limit = cell_gap * statistics.median(max(w.height, 0.1) for w in line.words)
    words = sorted(line.words, key=lambda w: w.x0)
    gaps = sum(b.x0 - a.x1 >= limit for a, b in zip(words, words[1:]))
    return gaps >= 2


def _outermost(page: Page, number: int, band: str) -> bool:
    """Whether every line beyond ``number`` (towards the page edge) is itself running.

    Protects a table cell holding only a number near the page edge: more table follows it.
    """
    line = page.lines[number]
    for other, candidate in enumerate(page.lines):
        centre = (candidate.top + candidate.bottom) / 2
        beyond = centre > line.bottom if band == "bottom" else centre < line.top
        if beyond and other not in page.running:
            return False
    return True


def _join_lines(lines: list[Line], skip: set[int]) -> str:
    """Lines joined by newlines, with a blank line wherever the block changes."""
    parts: list[str] = []
    block: int | None = None
    for number, line in enumerate(lines):
        if number in skip:
            continue
        if block is not None and line.block != block:
            parts.append("")
        parts.append(line.text)
        block = line.block
    return "\n".join(parts)
