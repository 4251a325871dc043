"""Tables: ruled (drawn grid), unruled (aligned words) and OCR'd, stitched across pages.

Ruled tables reuse pdfplumber's grid algorithm (``merge_edges``, ``edges_to_intersections``,
``intersections_to_cells``, ``cells_to_tables``, with pdfplumber's default tolerances) fed with
our rulings, so text-layer and OCR words share one code path once the cell boxes are known.

Unruled tables, and every table on a scan (tesseract leaves no rulings), are found from word
alignment: words are chained into visual lines (tolerating OCR skew), a table is a run of lines
that share column gaps - x-intervals of at least ``COLUMN_GAP`` word heights that no word of
those lines crosses. A word space is ~0.3 of a word height, so prose, bullet lists and title
blocks do not produce such gaps over several lines; what still looks tabular (a bullet column,
two columns of running text) is rejected by the content checks in ``_is_table``.

Both kinds go through the same grid builder: a cell's lines are joined (hyphenation repaired),
header rows are detected from content, and a header cell spanning several columns over a lower
header row is expanded into "Parent / Child" paths in that lower row.
"""
from __future__ import annotations

import difflib
import math
import re
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import takewhile
from dataclasses import dataclass, field

from pdfplumber import table as plumb
from pdfplumber.utils import filter_edges

from .document import Cell, Page, Table, Word
from .geometry import Box, skew
from .textnorm import clean_text, match_key

PLUMB = plumb.TableSettings()  # pdfplumber's defaults: snap/join/intersection 3 pt, min edge 3 pt

# Geometry of unruled tables, in median word heights of the page.
COLUMN_GAP = 0.9  # narrowest gap between two cells on a line (a word space is ~0.3)
ROW_PITCH = 1.8  # line step above which a line starts a new row (wrapped lines: 1.2-1.5, rows: 2+)
BLOCK_GAP = 2.5  # vertical gap between lines that ends a table
LINE_TOLERANCE = 0.5  # vertical distance of word centres still on one line
MIN_COLS, MIN_ROWS = 2, 3  # for unruled tables; a ruled grid needs 2 columns
SPECK_CONF = 50.0  # OCR: a lone character below this confidence is a rule fragment or noise
MAX_HEADER_ROWS = 3
HEADER_WORDS = 4  # a text-only header cell is a short label
STITCH_TOLERANCE = 6.0  # pt between column borders of a table and its continuation
HEADER_MATCH = 0.85  # similarity of a repeated header (OCR varies a little between pages)

YEAR = re.compile(r"(?<!\d)(?:20\d\d|2100)(?!\d)")
DIGIT = re.compile(r"\d")
LIST_MARKER = re.compile(r"^(?:[•◦▪▫■□●○◆◇►▸‣⁃∙·*–—-]|\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)])$")


Interval = tuple[float, float]


@dataclass(slots=True)
class _Line:
    """Boxes on one visual line across the page, left to right, split into chunks at column gaps."""

    boxes: list[Box]
    chunks: list[list[Box]]
    x0: float
    top: float
    x1: float
    bottom: float
    middle: float  # median word centre: OCR box tops vary with accents and ascenders
    free: list[Interval]  # where the line has no ink: both margins and the gaps between chunks


@dataclass(slots=True)
class _Anchor:
    """One cell of a grid before it becomes ``Cell``s: its top-left slot, span and words."""

    row: int
    col: int
    rspan: int = 1
    cspan: int = 1
    boxes: list[Box] = field(default_factory=list)
    text: str = ""


# --- public API -----------------------------------------------------------------------------


def find_tables(page: Page) -> list[Table]:
    """Tables on one page, top to bottom, ids ``p<page>-t<index>``."""
    boxes, height = _boxes(page)
    if not boxes:
        return []
    ruled = _ruled(page, boxes) if page.rulings else []
    taken = [t.bbox for t in ruled if t.bbox]
    rest = [b for b in boxes if not any(_inside(b.word, box) for box in taken)]
    tables = ruled + (_unruled(page, _lines(rest, height), height) if rest else [])
    tables.sort(key=_top)
    for i, t in enumerate(tables):
        t.table_id = f"p{page.page_no}-t{i}"
    return tables


def stitch(tables: list[Table]) -> list[Table]:
    """Join tables that continue on the next page; the joined table keeps the first part's id.

    ``tables`` are in page order, as ``find_tables`` returns them page after page. A part joins
    the previous one when that one is the last table on its page, this one the first on the
    next page, they have the same method, column count and column borders, this one starts
    higher on its page than the previous part ended on its own (a table running off the bottom
    and on at the top), and any header it has repeats the first part's header.
    """
    first_on: dict[int, Table] = {}
    last_on: dict[int, Table] = {}
    for t in tables:
        if t.page_first not in first_on or _top(t) < _top(first_on[t.page_first]):
            first_on[t.page_first] = t
        if t.page_last not in last_on or _top(t) >= _top(last_on[t.page_last]):
            last_on[t.page_last] = t
    out: list[Table] = []
    tail: Table | None = None  # the part most recently added to out[-1]
    for t in tables:
        if (out and tail is not None and last_on.get(tail.page_last) is tail
                and first_on.get(t.page_first) is t and _continues(out[-1], tail, t)):
            _append(out[-1], t)
        else:
            out.append(t)
        tail = t
    return out


def _top(t: Table) -> float:
    return t.bbox[1] if t.bbox else 0.0


# --- words and lines ------------------------------------------------------------------------


def _boxes(page: Page) -> tuple[list[Box], float]:
    """Words that can be table content, deskewed, and the page's median word height.

    Running headers/footers (the layout's ``running`` lines) are never rows; OCR specks are
    dropped. Skew is measured on long lines and removed by a shear, which for the small angles
    of a scan is the rotation to first order and keeps word boxes axis-aligned.
    """
    running = {id(w) for i in page.running if i < len(page.lines) for w in page.lines[i].words}
    words = [w for w in page.words if id(w) not in running and w.text.strip()]
    if not words:
        return [], 0.0
    height = statistics.median(w.height for w in words) or 1.0
    words = [w for w in words if not _speck(w, height)]
    if not words:
        return [], 0.0
    boxes = [Box.of(w) for w in words]
    chains = _chains(boxes, height)
    slope = skew([[((b.x0 + b.x1) / 2, b.cy) for b in chain] for chain in chains])
    if slope:  # chain again on straightened boxes: across a wide empty cell the drift adds up
        for b in boxes:
            b.deskew(slope)
        chains = _chains(boxes, height)
    for i, chain in enumerate(chains):
        for b in chain:
            b.line = i
    return boxes, height


def _speck(w: Word, height: float) -> bool:
    """OCR noise: a lone unsure character, or a box too thin to be a glyph (a rule fragment)."""
    if w.conf is None:
        return False
    return (len(w.text) == 1 and w.conf < SPECK_CONF) or (w.x1 - w.x0) < 0.15 * height


def _chains(boxes: list[Box], height: float) -> list[list[Box]]:
    """Visual lines: each word is linked to its nearest right neighbour whose centre is within
    ``LINE_TOLERANCE`` heights; following the links gives lines that bend with a skewed scan.

    Words are bucketed by centre height, so each lookup scans a few short sorted lists.
    """
    tolerance = LINE_TOLERANCE * height
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
            for other in bucket[bisect_left(starts.get(k, []), b.x1 - 0.5 * height):]:
                if best is not None and other.x0 - b.x1 > best[0]:
                    break
                if other is not b and other.x0 > b.x0 and abs(other.cy - cy) <= tolerance:
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
    return chains


def _lines(boxes: list[Box], height: float) -> list[_Line]:
    """Boxes grouped by their visual line, top to bottom, each split into chunks at column gaps."""
    by_line: dict[int, list[Box]] = {}
    for b in boxes:
        by_line.setdefault(b.line, []).append(b)
    gap = COLUMN_GAP * height
    lines = []
    for group in by_line.values():
        group.sort(key=lambda b: b.x0)
        chunks, ends = [[group[0]]], [group[0].x1]
        for b in group[1:]:
            if b.x0 - ends[-1] >= gap:
                chunks.append([b])
                ends.append(b.x1)
            else:
                chunks[-1].append(b)
                ends[-1] = max(ends[-1], b.x1)
        free = [(-math.inf, group[0].x0)] + [(end, nxt[0].x0) for end, nxt in zip(ends, chunks[1:])]
        lines.append(_Line(group, chunks, group[0].x0, min(b.top for b in group), ends[-1],
                           max(b.bottom for b in group), statistics.median(b.cy for b in group),
                           free + [(ends[-1], math.inf)]))
    lines.sort(key=lambda line: line.middle)
    return lines


def _text(boxes: list[Box]) -> str:
    """A cell's words as text: its lines top to bottom, joined with hyphenation repaired."""
    by_line: dict[int, list[Box]] = {}
    for b in boxes:
        by_line.setdefault(b.line, []).append(b)
    lines = sorted(by_line.values(), key=lambda group: min(b.top for b in group))
    return _join(" ".join(b.word.text for b in sorted(group, key=lambda b: b.x0)) for group in lines)


def _join(lines: Iterable[str]) -> str:
    """Lines of one cell as one line: a space between them, ``pašval-`` + ``dības`` rejoined."""
    return " ".join(clean_text("\n".join(lines)).split())


def _inside(w: Word, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


# --- ruled tables -----------------------------------------------------------------------------


def _ruled(page: Page, boxes: list[Box]) -> list[Table]:
    """Grids from pdfplumber's lattice algorithm on our rulings, filled with our words."""
    edges = [_edge(r.x0, r.top, r.x1, r.bottom, r.is_horizontal) for r in page.rulings]
    edges = plumb.merge_edges(edges, PLUMB.snap_x_tolerance, PLUMB.snap_y_tolerance,
                              PLUMB.join_x_tolerance, PLUMB.join_y_tolerance)
    edges = filter_edges(edges, min_length=PLUMB.edge_min_length)
    points = plumb.edges_to_intersections(edges, PLUMB.intersection_x_tolerance,
                                          PLUMB.intersection_y_tolerance)
    method = "ocr" if page.method == "ocr" else "ruled"
    tables = []
    for group in plumb.cells_to_tables(plumb.intersections_to_cells(points)):
        xs = _clusters([c[0] for c in group] + [c[2] for c in group])
        ys = _clusters([c[1] for c in group] + [c[3] for c in group])
        if len(xs) - 1 < MIN_COLS:
            continue
        slots: dict[tuple[int, int], _Anchor] = {}
        anchors = []
        for x0, top, x1, bottom in group:
            r0, r1, c0, c1 = _nearest(ys, top), _nearest(ys, bottom), _nearest(xs, x0), _nearest(xs, x1)
            anchor = _Anchor(r0, c0, max(1, r1 - r0), max(1, c1 - c0))
            anchors.append(anchor)
            for r in range(r0, r0 + anchor.rspan):
                for c in range(c0, c0 + anchor.cspan):
                    slots[(r, c)] = anchor
        bbox = (xs[0], ys[0], xs[-1], ys[-1])
        for b in boxes:
            if _inside(b.word, bbox):
                cx, cy = (b.word.x0 + b.word.x1) / 2, (b.word.top + b.word.bottom) / 2
                anchor = slots.get((bisect_right(ys, cy) - 1, bisect_right(xs, cx) - 1))
                if anchor is not None:
                    anchor.boxes.append(b)
        if sum(1 for a in anchors if a.boxes) >= 2:
            tables.append(_grid_table(page, anchors, len(ys) - 1, len(xs) - 1, method, bbox, xs))
    return tables


def _edge(x0: float, top: float, x1: float, bottom: float, horizontal: bool) -> dict:
    """A ruling as the edge dict pdfplumber's table functions read (a line of zero thickness)."""
    if horizontal:
        top = bottom = (top + bottom) / 2
    else:
        x0 = x1 = (x0 + x1) / 2
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0,
            "height": bottom - top, "orientation": "h" if horizontal else "v"}


def _clusters(values: list[float], tolerance: float = 1.5) -> list[float]:
    """Sorted representatives of values closer than ``tolerance`` to each other."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [statistics.fmean(c) for c in out]


def _nearest(edges: list[float], value: float) -> int:
    i = bisect_left(edges, value)
    if i == len(edges) or (i > 0 and value - edges[i - 1] < edges[i] - value):
        return i - 1
    return i


# --- unruled tables ---------------------------------------------------------------------------


def _unruled(page: Page, lines: list[_Line], height: float) -> list[Table]:
    """Runs of lines sharing at least one column gap, each checked and turned into a table."""
    gap = COLUMN_GAP * height
    blocks: list[list[_Line]] = []
    block: list[_Line] = []
    free: list[Interval] = []
    x0 = x1 = 0.0
    for line in lines:
        if block:
            shared = _intersect(free, line.free, gap)
            left, right = min(x0, line.x0), max(x1, line.x1)
            if line.top - block[-1].bottom <= BLOCK_GAP * height and _inner(shared, left, right):
                block.append(line)
                free, x0, x1 = shared, left, right
                continue
            blocks.append(block)
            block = []
        if len(line.chunks) >= MIN_COLS:
            block, free, x0, x1 = [line], line.free, line.x0, line.x1
    if block:
        blocks.append(block)
    method = "ocr" if page.method == "ocr" else "unruled"
    return [t for t in (_block_table(page, b, height, method) for b in blocks) if t is not None]


def _intersect(a: list[Interval], b: list[Interval], min_width: float) -> list[Interval]:
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


def _inner(free: list[Interval], x0: float, x1: float) -> list[Interval]:
    """The free intervals strictly between ``x0`` and ``x1`` (a block's ink): column gaps."""
    return [iv for iv in free if iv[0] > x0 and iv[1] < x1]


def _block_table(page: Page, block: list[_Line], height: float, method: str) -> Table | None:
    """A table from a run of aligned lines, or None when it is too small or not a table."""
    gaps = _columns(block, height)
    # a lone line set apart under the last row that starts in the first column is a caption or
    # the next paragraph; one in a later column is a row whose other cells are empty
    while len(block) > MIN_ROWS and len(block[-1].chunks) == 1 and (not gaps or block[-1].x0 < gaps[0][0]) \
            and block[-1].middle - block[-2].middle > ROW_PITCH * height:
        block = block[:-1]
        gaps = _columns(block, height)
    if len(gaps) + 1 < MIN_COLS:
        return None
    bounds = [min(line.x0 for line in block)] + [(a + b) / 2 for a, b in gaps] + [max(line.x1 for line in block)]
    rows = _rows(block, bounds[1:-1], height)
    if len(rows) < MIN_ROWS:
        return None
    _widen_parents(rows, bounds)
    anchors = [a for row in rows for a in row.values()]
    if not _is_table(anchors, block, bounds):
        return None
    words = [b.word for line in block for b in line.boxes]
    bbox = (min(w.x0 for w in words), min(w.top for w in words), max(w.x1 for w in words),
            max(w.bottom for w in words))
    return _grid_table(page, anchors, len(rows), len(bounds) - 1, method, bbox, bounds)


def _columns(block: list[_Line], height: float) -> list[Interval]:
    """Column gaps of a block: free in every line, or in every line below a header line whose
    cells span several columns ("Mērķa vērtības" over "2025 2026 2027"), whichever gives more."""
    gap = COLUMN_GAP * height
    best: list[Interval] = []
    for skip in range(0, min(MAX_HEADER_ROWS, len(block) - MIN_ROWS + 1)):
        free = [(-math.inf, math.inf)]
        for line in block[skip:]:
            free = _intersect(free, line.free, gap)
        inner = _inner(free, min(line.x0 for line in block), max(line.x1 for line in block))
        if len(inner) > len(best):
            best = inner
    return best


def _rows(block: list[_Line], cuts: list[float], height: float) -> list[dict[int, _Anchor]]:
    """Lines into rows of anchors (column -> cell); a wrapped line continues the row above.

    A line continues the current row when it is set tight under the previous line (a wrapped
    line, not the spacing between rows), only has text in columns the row already uses, does
    not split a spanning cell, and does not start a new entry in the first column (capital
    letter or digit). Otherwise it starts a row.
    """
    rows: list[dict[int, _Anchor]] = []
    prev: _Line | None = None
    for line in block:
        cells = _line_cells(line, cuts)
        row = rows[-1] if rows else None
        if row is None or prev is None or not _continues_row(line, prev, cells, row, height):
            row = {}
            for (c0, c1), boxes in cells.items():
                row[c0] = _Anchor(len(rows), c0, 1, c1 - c0 + 1, list(boxes))
            rows.append(row)
        else:
            for (c0, _), boxes in cells.items():
                _covering(row, c0).boxes.extend(boxes)
        prev = line
    return rows


def _widen_parents(rows: list[dict[int, _Anchor]], bounds: list[float]) -> None:
    """Spread a parent header label over the columns of its children.

    Without rulings a merged header ("Mērķa vērtības" centred over "2024 2025 2026") is a label
    narrower than its span. When the row under the first row holds labels only and leaves a
    column of the first row empty below it (a label standing over two header rows, as "Rādītājs"
    does), every empty column of the first row that has a label below goes to the nearest label
    of the first row, as long as that keeps the label's columns contiguous.
    """
    top, below = rows[0], rows[1]
    if len(below) < 2 or all(c in below for c in top) \
            or not all(_is_label(_text(a.boxes)) for a in below.values()):
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


def _line_cells(line: _Line, cuts: list[float]) -> dict[tuple[int, int], list[Box]]:
    """A line's chunks by the (first, last) column they cover; several chunks in one column merge."""
    cells: dict[tuple[int, int], list[Box]] = {}
    for chunk in line.chunks:
        x0, x1 = chunk[0].x0, max(b.x1 for b in chunk)
        span = (bisect_left(cuts, x0), max(bisect_left(cuts, x0), bisect_left(cuts, x1)))
        cells.setdefault(span, []).extend(chunk)
    return cells


def _covering(row: dict[int, _Anchor], col: int) -> _Anchor:
    return next(a for a in row.values() if a.col <= col < a.col + a.cspan)


def _continues_row(line: _Line, prev: _Line, cells: dict[tuple[int, int], list[Box]],
                   row: dict[int, _Anchor], height: float) -> bool:
    if line.middle - prev.middle > ROW_PITCH * height:
        return False
    used = {c for a in row.values() for c in range(a.col, a.col + a.cspan)}
    if any(c not in used for span in cells for c in range(span[0], span[1] + 1)):
        return False
    owners = [id(_covering(row, c0)) for c0, _ in cells]
    if len(owners) != len(set(owners)) or any(c1 > c0 and _covering(row, c0).cspan == 1 for c0, c1 in cells):
        return False  # two cells under one spanning cell, or a span over separate cells: a new row
    first = cells.get((0, 0))
    return not (first and (first[0].word.text[:1].isupper() or first[0].word.text[:1].isdigit()))


def _is_table(anchors: list[_Anchor], block: list[_Line], bounds: list[float]) -> bool:
    """False for aligned text that is not a table: a bullet or numbered list (a first column of
    markers only), or columns of running text (most lines of every column are long and fill it)."""
    n_cols = len(bounds) - 1
    first = [_text(a.boxes) for a in anchors if a.col == 0]
    if n_cols == 2 and first and all(LIST_MARKER.match(t) for t in first):
        return False
    pieces: list[list[list[Box]]] = [[] for _ in range(n_cols)]
    for line in block:
        for (c0, c1), boxes in _line_cells(line, bounds[1:-1]).items():
            if c0 == c1:
                pieces[c0].append(boxes)
    prose = 0
    for column in pieces:
        if column:
            width = max(b.x1 for p in column for b in p) - min(p[0].x0 for p in column)
            full = sum(1 for p in column if len(p) >= 4 and p[-1].x1 - p[0].x0 >= 0.75 * width)
            prose += full >= 0.6 * len(column)
    return prose < n_cols


# --- grid to Table: cell text, header rows, header paths ------------------------------------


def _grid_table(page: Page, anchors: list[_Anchor], n_rows: int, n_cols: int, method: str,
                bbox: tuple[float, float, float, float], columns: list[float]) -> Table:
    for a in anchors:
        a.text = _text(a.boxes)
    n_header = _header_count(anchors, n_rows, n_cols)
    _header_paths(anchors, n_header)
    text = {(a.row, a.col): a.text for a in anchors}
    cells = [Cell(r, c, text.get((r, c), ""), r < n_header, page.page_no)
             for r in range(n_rows) for c in range(n_cols)]
    return Table(table_id="", page_first=page.page_no, page_last=page.page_no, n_rows=n_rows,
                 n_cols=n_cols, method=method, cells=cells, bbox=bbox, columns=list(columns))


def _is_label(text: str) -> bool:
    """A column label: words and years, no other numbers ("Bāzes vērtība (2024)", "2025", "Nr.")."""
    rest = YEAR.sub("", text)
    return bool(text.strip()) and not DIGIT.search(rest) and (rest != text or any(ch.isalpha() for ch in rest))


def _header_count(anchors: list[_Anchor], n_rows: int, n_cols: int) -> int:
    """How many leading rows are header rows.

    Row 0 is a header when it holds labels (words, years) over a body that has values (numbers,
    dates), or - in an all-text table - short capitalised labels over longer body cells. A
    further row is a header while it holds labels and a header cell above spans over it (a
    merged parent, or a cell running down into it).
    """
    rows: list[list[_Anchor]] = [[] for _ in range(n_rows)]
    for a in anchors:
        rows[a.row].append(a)
    if n_rows < 2 or not _heads(rows[0], rows[1:], n_cols):
        return 0
    n = 1
    while n < min(MAX_HEADER_ROWS, n_rows - 1) and all(_is_label(a.text) for a in rows[n] if a.text) \
            and any(a.row + a.rspan > n or (a.cspan > 1 and a.row + a.rspan == n) for r in rows[:n] for a in r):
        n += 1
    return n


def _heads(first: list[_Anchor], body: list[list[_Anchor]], n_cols: int) -> bool:
    labels = [a for a in first if a.text]
    if not labels or not all(_is_label(a.text) for a in labels):
        return False
    if sum(a.cspan for a in labels) * 2 < n_cols:
        return False
    body_cells = [a for row in body for a in row if a.text]
    if any(not _is_label(a.text) for a in body_cells):
        return True
    if not all(len(a.text.split()) <= HEADER_WORDS and a.text[0].isupper() for a in labels):
        return False
    for head in labels:
        below = [len(a.text.split()) for a in body_cells if a.col == head.col]
        if below and statistics.fmean(below) > len(head.text.split()):
            return True
    return False


def _header_paths(anchors: list[_Anchor], n_header: int) -> None:
    """Prefix a header cell under a spanning parent with the parent: "Parent / Child"."""
    at = {(a.row, a.col): a for a in anchors}
    for parent in sorted((a for a in anchors if a.row < n_header and a.cspan > 1 and a.text),
                         key=lambda a: a.row):
        for col in range(parent.col, parent.col + parent.cspan):
            child = next((at[(r, col)] for r in range(parent.row + parent.rspan, n_header) if (r, col) in at), None)
            if child is not None and child.text:
                child.text = f"{parent.text} / {child.text}"


# --- stitching --------------------------------------------------------------------------------


def _continues(head: Table, tail: Table, nxt: Table) -> bool:
    """Whether ``nxt`` continues the table ``head`` whose last part on a page is ``tail``."""
    if nxt.page_first != tail.page_last + 1 or nxt.method != head.method or nxt.n_cols != head.n_cols:
        return False
    if not _same_columns(tail.columns, nxt.columns):
        return False
    if tail.bbox and nxt.bbox and nxt.bbox[1] >= tail.bbox[3]:
        return False
    own_header = nxt.header_rows()
    return not own_header or _repeated_header(head, nxt) > 0


def _same_columns(a: list[float], b: list[float]) -> bool:
    if len(a) != len(b) or len(a) < 2:
        return False
    narrowest = min(y - x for x, y in zip(a, a[1:]))
    tolerance = max(STITCH_TOLERANCE, 0.25 * narrowest)
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def _row_key(texts: list[str]) -> str:
    return " | ".join(" ".join(match_key(t).split()) for t in texts)


def _rows_of(cells: Iterable[Cell], n_cols: int) -> list[list[str]]:
    """Texts of consecutive rows from cells in row order (a table's start or, reversed, its end)."""
    rows: dict[int, list[str]] = {}
    for c in cells:
        rows.setdefault(c.row, [""] * n_cols)[c.col] = c.text
    return [rows[r] for r in sorted(rows)]


def _repeated_header(head: Table, nxt: Table) -> int:
    """How many leading rows of ``nxt`` repeat ``head``'s header (its first row if it has none).

    Only the start of ``head`` is read (cells are in row order), so stitching a table over
    hundreds of pages stays linear.
    """
    n = len({c.row for c in takewhile(lambda c: c.is_header, head.cells)}) or 1
    if nxt.n_rows <= n:
        return 0
    mine = _rows_of(takewhile(lambda c: c.row < n, head.cells), head.n_cols)
    theirs = _rows_of(takewhile(lambda c: c.row < n, nxt.cells), nxt.n_cols)
    same = all(difflib.SequenceMatcher(None, _row_key(a), _row_key(b)).ratio() >= HEADER_MATCH
               for a, b in zip(mine, theirs))
    return n if same else 0


def _append(head: Table, nxt: Table) -> None:
    """Add ``nxt``'s rows to ``head``: a repeated header dropped, a row split by the break rejoined."""
    skip = _repeated_header(head, nxt)
    if skip and not head.cells[0].is_header:
        for c in takewhile(lambda c: c.row == 0, head.cells):
            c.is_header = True  # a first row repeated on the next page is a header
    by_row: dict[int, list[Cell]] = {}
    for c in nxt.cells:
        by_row.setdefault(c.row, []).append(c)
    rows = list(range(skip, nxt.n_rows))
    last = sorted(takewhile(lambda c: c.row == head.n_rows - 1, reversed(head.cells)), key=lambda c: c.col)
    if rows:
        first = sorted(by_row[rows[0]], key=lambda c: c.col)
        if _split_row([c.text for c in last], [c.text for c in first]):
            for mine, more in zip(last, first):
                mine.text = _join([mine.text, more.text]) if more.text else mine.text
            rows = rows[1:]
    for offset, r in enumerate(rows):
        head.cells.extend(Cell(head.n_rows + offset, c.col, c.text, False, c.page_no) for c in by_row[r])
    head.n_rows += len(rows)
    head.page_last = nxt.page_last
    head.bbox = nxt.bbox
    head.columns = nxt.columns


WORDY = re.compile(r"[^\W\d_]{3}")


def _split_row(last: list[str], cont: list[str]) -> bool:
    """A continuation row: empty first column, and text carrying on in a column where the row
    above has text too; no column where both hold something other than running text."""
    if cont[0] or not last[0] or not any(cont):
        return False
    both = [(a, b) for a, b in zip(last, cont) if a and b]
    return bool(both) and all(WORDY.search(a) and WORDY.search(b) for a, b in both)
