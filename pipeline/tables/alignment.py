"""Unruled tables (and every table on a scan): columns from word alignment.

A table is a run of lines that share column gaps - x-intervals of at least ``column_gap`` word
heights that no word of those lines crosses. A word space is ~0.3 of a word height, so prose,
bullet lists and title blocks do not produce such gaps over several lines; what still looks
tabular (a bullet column, two columns of running text) is rejected by ``classify.is_table``.
"""
from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence

from ..document import Page, Table
from ..geometry import Interval, inner, intersect
from .classify import beside_table, is_label, is_table
from .grid import Anchor, grid_table, words_box
from .lines import TLine, cell_text, line_cells, line_text
from .settings import TableSettings


def unruled_tables(page: Page, lines: list[TLine], height: float, s: TableSettings) -> list[Table]:
    """Runs of lines sharing at least one column gap, each checked and turned into a table."""
    method = "ocr" if page.method == "ocr" else "unruled"
    found = (block_table(page, b, height, method, s) for b in line_blocks(lines, height, s))
    return [t for t in found if t is not None]


def line_blocks(lines: list[TLine], height: float, s: TableSettings) -> list[list[TLine]]:
    """Runs of consecutive lines, close together, that share at least one inner column gap.

    Up to ``s.spanning_lines`` lines in a row that cross every gap (a section row, a note
    between rows) are held back and join the run only when a line after them shares its gaps
    again in two or more cells (a row, not the short last line of a paragraph); otherwise the
    run ends before them and they are read afresh.
    """
    gap = s.column_gap * height
    blocks: list[list[TLine]] = []
    block: list[TLine] = []
    held: list[TLine] = []
    free: list[Interval] = []
    x0 = x1 = 0.0
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if block:
            near = line.top - (held or block)[-1].bottom <= s.block_gap * height
            shared = intersect(free, line.free, gap)
            left, right = min(x0, line.x0), max(x1, line.x1)
            if near and inner(shared, left, right) and (not held or len(line.chunks) > 1):
                block += held + [line]
                held = []
                free, x0, x1 = shared, left, right
                continue
            head = _shed(block, line, gap, s) if near and not held else 0
            if head:  # a title or caption started the run: it ends there, the rest goes on
                blocks.append(block[:head])
                block = block[head:]
                free, x0, x1 = line.free, line.x0, line.x1
                for kept in block:
                    free, x0, x1 = intersect(free, kept.free, gap), min(x0, kept.x0), max(x1, kept.x1)
                block.append(line)
                continue
            if near and len(held) < s.spanning_lines:
                held.append(line)
                continue
            blocks.append(block)
            block = []
            i -= len(held) + 1  # read the held lines and this one again as a possible start
            held = []
            continue
        if len(line.chunks) >= s.min_cols:
            block, free, x0, x1 = [line], line.free, line.x0, line.x1
    if block:
        blocks.append(block)
    return blocks


def _shed(block: list[TLine], line: TLine, gap: float, s: TableSettings) -> int:
    """How many of the first lines of ``block`` (at most ``s.spanning_lines``) to cut off so
    that ``line`` shares a column gap with the rest; 0 when no such cut helps."""
    free, x0, x1 = line.free, line.x0, line.x1
    for k in range(len(block) - 1, 0, -1):
        free, x0, x1 = intersect(free, block[k].free, gap), min(x0, block[k].x0), max(x1, block[k].x1)
        if not inner(free, x0, x1):
            return k + 1 if k + 1 < len(block) and k + 1 <= s.spanning_lines else 0
    return 1 if len(block) > 1 else 0


def block_table(page: Page, block: list[TLine], height: float, method: str, s: TableSettings) -> Table | None:
    """A table from a run of aligned lines, or None when it is too small or not a table.

    Horizontal rules drawn across the block (a rule under the header, between row groups) end
    a row wherever they are, so rules and alignment are read together.
    """
    block = trim(block, voted_gaps(block, height, s), height, s)
    gaps = column_gaps(block, height, s)
    if len(gaps) + 1 < s.min_cols:
        return None
    bounds = [min(line.x0 for line in block)] + [(a + b) / 2 for a, b in gaps] + [max(line.x1 for line in block)]
    rules = rule_heights(page, bounds[0], bounds[-1])
    rows = table_rows(block, bounds[1:-1], height, s, rules)
    if len(rows) < s.min_rows:
        return None
    widen_parents(rows, bounds)
    anchors = [a for row in rows for a in row.values()]
    if not is_table(anchors, block, bounds, s):
        return None
    bbox = words_box([b for line in block for b in line.boxes])
    return grid_table(page, anchors, len(rows), len(bounds) - 1, method, bbox, bounds, s)


def trim(block: list[TLine], gaps: list[Interval], height: float, s: TableSettings) -> list[TLine]:
    """The block without what sits above or below the table: a caption or title over it (a
    line of one piece, or one that reads as a caption), a source line, footnote or the next
    paragraph under it (a line that crosses a column gap, reads as a source or note, or is a
    lone line in the first column set apart)."""
    def below(line: TLine) -> bool:  # a footnote or paragraph under the table, in pieces or not
        return any(c[0].x0 < a and max(b.x1 for b in c) > b for c in line.chunks for a, b in gaps)

    lo, hi = 0, len(block)
    while hi - lo > s.min_rows and (len(block[lo].chunks) == 1 or beside_table(line_text(block[lo].boxes), above=True)):
        lo += 1
    while hi - lo > s.min_rows and (below(block[hi - 1]) or beside_table(line_text(block[hi - 1].boxes), above=False) or (  # noqa: E501
            len(block[hi - 1].chunks) == 1 and (not gaps or block[hi - 1].x0 < gaps[0][0])
            and block[hi - 1].middle - block[hi - 2].middle > s.row_pitch * height)):
        hi -= 1
    return block[lo:hi]


def voted_gaps(block: list[TLine], height: float, s: TableSettings) -> list[Interval]:
    """Gaps free in all but a few lines of the block (one in five): where the columns are,
    even while a caption, footnote or source line still crosses them."""
    events: list[tuple[float, int]] = []
    for line in block:
        for chunk in line.chunks:
            events += [(chunk[0].x0, 1), (max(b.x1 for b in chunk), -1)]
    events.sort()
    allowed = max(1, len(block) // 5)
    gaps, depth, start = [], 0, events[0][0]
    for x, step in events:
        if depth <= allowed < depth + step and x - start >= s.column_gap * height and start > events[0][0]:
            gaps.append((start, x))
        depth += step
        if depth - step > allowed >= depth:
            start = x
    return gaps


def column_gaps(block: list[TLine], height: float, s: TableSettings) -> list[Interval]:
    """Column gaps of a block: free in every line that has cells in several columns, or in every
    such line below a header line whose cells span several columns ("Mērķa vērtības" over
    "2025 2026 2027"), whichever gives more. Lines of one piece (a caption, a section row, a
    source line) are left out: one of them would wipe out every gap it crosses."""
    gap = s.column_gap * height
    rows = [line for line in block if len(line.chunks) > 1]
    if len(rows) < 2:
        rows = block
    best: list[Interval] = []
    for skip in range(0, max(1, min(s.max_header_rows, len(rows) - s.min_rows + 1))):
        free = [(-math.inf, math.inf)]
        for line in rows[skip:]:
            free = intersect(free, line.free, gap)
        found = inner(free, min(line.x0 for line in rows), max(line.x1 for line in rows))
        if len(found) > len(best):
            best = found
    return best


def rule_heights(page: Page, x0: float, x1: float) -> list[float]:
    """Heights of the horizontal rules that run across at least half of ``x0``..``x1``; a rule
    drawn as one segment per cell counts as one."""
    by_height: dict[int, list[Interval]] = {}
    for r in page.rulings:
        if r.is_horizontal and r.x1 > x0 and r.x0 < x1:
            by_height.setdefault(round((r.top + r.bottom) / 2), []).append((max(r.x0, x0), min(r.x1, x1)))
    heights = []
    for y, pieces in by_height.items():
        covered, reach = 0.0, x0
        for a, b in sorted(pieces):
            covered += max(0.0, b - max(a, reach))
            reach = max(reach, b)
        if covered >= 0.5 * (x1 - x0):
            heights.append(float(y))
    return sorted(heights)


def table_rows(block: list[TLine], cuts: list[float], height: float, s: TableSettings,
               rules: Sequence[float] = ()) -> list[dict[int, Anchor]]:
    """Lines into rows of anchors (column -> cell); a wrapped line continues the row above.

    A line continues the current row when it is set tight under the previous line (a wrapped
    line, not the spacing between rows), only has text in columns the row already uses, does
    not split a spanning cell, and does not start a new entry in the first column (capital
    letter or digit), and no rule in ``rules`` (sorted heights) lies between the two lines.
    Otherwise it starts a row - unless it sits less than a line below the previous one with
    text only in columns the row leaves empty: short cells centred beside wrapped ones.
    """
    rows: list[dict[int, Anchor]] = []
    prev: TLine | None = None
    for line in block:
        cells = line_cells(line, cuts)
        row = rows[-1] if rows else None
        if row is not None and prev is not None and _centred_in(line, prev, cells, row, height, s):
            for (c0, c1), boxes in cells.items():
                row[c0] = Anchor(len(rows) - 1, c0, 1, c1 - c0 + 1, list(boxes))
            prev = line
            continue
        if row is None or prev is None or not _continues_row(line, prev, cells, row, height, s) \
                or bisect_left(rules, prev.middle) != bisect_left(rules, line.middle):
            row = {}
            for (c0, c1), boxes in cells.items():
                row[c0] = Anchor(len(rows), c0, 1, c1 - c0 + 1, list(boxes))
            rows.append(row)
        else:
            for (c0, _), boxes in cells.items():
                covering(row, c0).boxes.extend(boxes)
        prev = line
    return rows


def widen_parents(rows: list[dict[int, Anchor]], bounds: list[float]) -> None:
    """Spread a parent header label over the columns of its children.

    Without rulings a merged header ("Mērķa vērtības" centred over "2024 2025 2026") is a label
    narrower than its span. When the row under the first row holds labels only and leaves a
    column of the first row empty below it (a label standing over two header rows, as "Rādītājs"
    does), every empty column of the first row that has a label below goes to the nearest label
    of the first row, as long as that keeps the label's columns contiguous.
    """
    top, below = rows[0], rows[1]
    if len(below) < 2 or all(c in below for c in top) \
            or not all(is_label(cell_text(a.boxes)) for a in below.values()):
        return
    for col in sorted(below):
        if any(a.col <= col < a.col + a.cspan for a in top.values()):
            continue
        centre = (bounds[col] + bounds[col + 1]) / 2
        parent = min(top.values(), key=lambda a: max(a.boxes[0].x0 - centre, centre - max(b.x1 for b in a.boxes), 0.0))
        first, last = min(parent.col, col), max(parent.col + parent.cspan - 1, col)
        if any(other is not parent and first <= other.col <= last for other in top.values()):
            continue
        del top[parent.col]
        parent.col, parent.cspan = first, last - first + 1
        top[first] = parent


def covering(row: dict[int, Anchor], col: int) -> Anchor:
    """The anchor of ``row`` whose span covers column ``col``."""
    return next(a for a in row.values() if a.col <= col < a.col + a.cspan)


def _centred_in(line: TLine, prev: TLine, cells: dict[tuple[int, int], list], row: dict[int, Anchor],
                height: float, s: TableSettings) -> bool:
    """Cells set between the lines of the row's wrapped cells (vertically centred)."""
    if line.middle - prev.middle >= s.interleave * height:
        return False
    used = {c for a in row.values() for c in range(a.col, a.col + a.cspan)}
    return not any(c in used for span in cells for c in range(span[0], span[1] + 1))


def _continues_row(line: TLine, prev: TLine, cells: dict[tuple[int, int], list], row: dict[int, Anchor],
                   height: float, s: TableSettings) -> bool:
    if line.middle - prev.middle > s.row_pitch * height:
        return False
    used = {c for a in row.values() for c in range(a.col, a.col + a.cspan)}
    if any(c not in used for span in cells for c in range(span[0], span[1] + 1)):
        return False
    owners = [id(covering(row, c0)) for c0, _ in cells]
    if len(owners) != len(set(owners)) or any(c1 > c0 and covering(row, c0).cspan == 1 for c0, c1 in cells):
        return False  # two cells under one spanning cell, or a span over separate cells: a new row
    first = cells.get((0, 0))
    return not (first and (first[0].word.text[:1].isupper() or first[0].word.text[:1].isdigit()))
