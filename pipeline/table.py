"""Tables: ruled (drawn grid), unruled (aligned words) and OCR'd, stitched across pages.

Ruled tables reuse pdfplumber's own grid algorithm (``merge_edges``,
``edges_to_intersections``, ``intersections_to_cells``, ``cells_to_tables``) fed with our
rulings, so text-layer and OCR pages share one word model. Unruled tables (and every table on
an OCR page, where tesseract leaves no rulings) are found from the layout's lines: a run of
lines whose words fall into the same column bands. pdfplumber's "text" strategy infers edges
from word edges alone and calls many paragraphs tables; requiring several aligned lines with
real column gaps keeps prose out.
"""
from __future__ import annotations

import statistics
from collections.abc import Iterable

from pdfplumber import table as plumb

from .document import Cell, Line, Page, Table, Word
from .textnorm import clean_text

MIN_EDGE = 3.0  # pt; shorter rulings are glyph strokes, not borders
SNAP = 3.0
MIN_ROWS, MIN_COLS = 2, 2
UNRULED_MIN_ROWS = 3
COLUMN_TOLERANCE = 12.0  # pt between the starts of one column on different lines
STITCH_TOLERANCE = 6.0
SPECK_CONF = 80.0  # pt between column borders of a table and its continuation


def _edges(page: Page) -> list[dict]:
    edges = []
    for r in page.rulings:
        width, height = r.x1 - r.x0, r.bottom - r.top
        if max(width, height) < MIN_EDGE:
            continue
        orientation = "h" if r.is_horizontal else "v"
        if orientation == "h":
            top = bottom = (r.top + r.bottom) / 2
            x0, x1 = r.x0, r.x1
        else:
            x0 = x1 = (r.x0 + r.x1) / 2
            top, bottom = r.top, r.bottom
        edges.append({"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0,
                      "height": bottom - top, "orientation": orientation})
    return edges


def _cell_text(words: list[Word]) -> str:
    """Words of one cell: lines by baseline, hyphenation joined, then one line of text."""
    if not words:
        return ""
    words = sorted(words, key=lambda w: (round(w.top), w.x0))
    lines: list[list[Word]] = []
    for w in words:
        if lines and abs(lines[-1][0].top - w.top) < max(2.0, 0.5 * w.height):
            lines[-1].append(w)
        else:
            lines.append([w])
    text = "\n".join(" ".join(x.text for x in sorted(line, key=lambda w: w.x0)) for line in lines)
    return " ".join(clean_text(text).split())


def _inside(w: Word, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _clusters(values: Iterable[float], tolerance: float) -> list[float]:
    """Sorted representatives of values closer than ``tolerance`` to each other."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [statistics.fmean(c) for c in out]


def _index(value: float, edges: list[float]) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _ruled(page: Page) -> list[Table]:
    edges = plumb.merge_edges(_edges(page), SNAP, SNAP, SNAP, SNAP)
    cells = plumb.intersections_to_cells(plumb.edges_to_intersections(edges, 1, 1))
    tables = []
    for boxes in plumb.cells_to_tables(cells):
        xs = _clusters([b[0] for b in boxes] + [b[2] for b in boxes], 1.5)
        ys = _clusters([b[1] for b in boxes] + [b[3] for b in boxes], 1.5)
        if len(xs) - 1 < MIN_COLS or len(ys) - 1 < MIN_ROWS:
            continue
        grid: dict[tuple[int, int], list[Word]] = {}
        for box in boxes:
            grid[(_index(box[1], ys), _index(box[0], xs))] = [w for w in page.words if _inside(w, box)]
        bbox = (xs[0], ys[0], xs[-1], ys[-1])
        tables.append(_make(page, grid, len(ys) - 1, len(xs) - 1, "ruled", bbox, xs))
    return tables


def _make(page: Page, grid: dict[tuple[int, int], list[Word]], n_rows: int, n_cols: int,
          method: str, bbox: tuple[float, float, float, float], columns: list[float]) -> Table:
    cells = [
        Cell(row=r, col=c, text=_cell_text(grid.get((r, c), [])), is_header=(r == 0), page_no=page.page_no)
        for r in range(n_rows)
        for c in range(n_cols)
    ]
    return Table(table_id="", page_first=page.page_no, page_last=page.page_no, n_rows=n_rows,
                 n_cols=n_cols, method=method, cells=cells, bbox=bbox, columns=columns)


def _chunks(line: Line, gap: float) -> list[list[Word]]:
    """Split a line where the space between words is a column gap, not a word space."""
    words = sorted(line.words, key=lambda w: w.x0)
    out = [[words[0]]]
    for prev, w in zip(words, words[1:]):
        if w.x0 - prev.x1 > gap:
            out.append([w])
        else:
            out[-1].append(w)
    return out


def _speck(w: Word) -> bool:
    """OCR noise: a lone unsure character ("I", "*", "i") where a rule or a dot was."""
    return w.conf is not None and len(w.text) == 1 and not w.text.isdigit() and w.conf < SPECK_CONF


def _unruled(page: Page, taken: list[tuple[float, float, float, float]]) -> list[Table]:
    lines = []
    for i, line in enumerate(page.lines):
        if i in page.running or any(all(_inside(w, box) for w in line.words) for box in taken):
            continue
        words = [w for w in line.words if not _speck(w)]
        if words:
            lines.append(Line(words=words, block=line.block))
    if not lines:
        return []
    height = statistics.median(w.height for line in lines for w in line.words) or 10.0
    gap = 1.2 * height
    rows = [(line, _chunks(line, gap)) for line in lines]
    tables, run = [], []
    for line, chunks in rows + [(None, [])]:
        if line is not None and len(chunks) >= MIN_COLS and (not run or line.top - run[-1][0].bottom < 2.5 * height):
            run.append((line, chunks))
            continue
        if line is not None and run and len(chunks) == 1 and line.top - run[-1][0].bottom < 1.0 * height \
                and chunks[0][0].x0 > run[-1][1][0][0].x1:
            run.append((line, chunks))  # a wrapped cell continuing under a later column
            continue
        table = _from_run(page, run, gap)
        if table:
            tables.append(table)
        run = [(line, chunks)] if line is not None and len(chunks) >= MIN_COLS else []
    return tables


def _from_run(page: Page, run: list[tuple[Line, list[list[Word]]]], gap: float) -> Table | None:
    multi = [r for r in run if len(r[1]) >= MIN_COLS]
    if len(multi) < UNRULED_MIN_ROWS:
        return None
    starts = _clusters([chunk[0].x0 for _, chunks in multi for chunk in chunks], COLUMN_TOLERANCE)
    if len(starts) < MIN_COLS:
        return None
    # each column must be used by most rows, or it is ragged prose
    usage = [0] * len(starts)
    for _, chunks in multi:
        for c in {_index(chunk[0].x0, starts) for chunk in chunks}:
            usage[c] += 1
    if sum(u >= 0.5 * len(multi) for u in usage) < MIN_COLS:
        return None
    grid: dict[tuple[int, int], list[Word]] = {}
    row = -1
    for _, chunks in run:
        continuation = row >= 0 and _index(chunks[0][0].x0, starts) > 0
        row = row if continuation else row + 1
        for chunk in chunks:
            grid.setdefault((row, _index(chunk[0].x0, starts)), []).extend(chunk)
    words = [w for line, _ in run for w in line.words]
    bbox = (min(w.x0 for w in words), min(w.top for w in words), max(w.x1 for w in words),
            max(w.bottom for w in words))
    method = "ocr" if page.method == "ocr" else "unruled"
    return _make(page, grid, row + 1, len(starts), method, bbox, starts)


def find_tables(page: Page) -> list[Table]:
    """Tables on one page, top to bottom, ids ``p<page>-t<index>``."""
    ruled = _ruled(page) if page.rulings else []
    tables = ruled + _unruled(page, [t.bbox for t in ruled if t.bbox])
    tables.sort(key=lambda t: t.bbox[1] if t.bbox else 0.0)
    for i, t in enumerate(tables):
        t.table_id = f"p{page.page_no}-t{i}"
    return tables


def _row_texts(table: Table, row: int) -> list[str]:
    return [c.text for c in table.cells if c.row == row]


def _continues(prev: Table, nxt: Table) -> bool:
    if nxt.page_first != prev.page_last + 1 or nxt.n_cols != prev.n_cols:
        return False
    a, b = prev.columns, nxt.columns
    return len(a) == len(b) and all(abs(x - y) <= STITCH_TOLERANCE for x, y in zip(a, b))


def _append(prev: Table, nxt: Table) -> None:
    """Add ``nxt``'s rows to ``prev``: repeated header dropped, a row split by the break rejoined."""
    header = [" ".join(t.split()).lower() for t in _row_texts(prev, 0)]
    rows = sorted({c.row for c in nxt.cells})
    if rows and [" ".join(t.split()).lower() for t in _row_texts(nxt, rows[0])] == header:
        rows = rows[1:]
    base = prev.n_rows
    by_row = {r: [c for c in nxt.cells if c.row == r] for r in rows}
    if rows:
        first = sorted(by_row[rows[0]], key=lambda c: c.col)
        empty = sum(1 for c in first if not c.text)
        if not first[0].text and empty >= len(first) / 2:
            last = {c.col: c for c in prev.cells if c.row == prev.n_rows - 1}
            for c in first:
                if c.text:
                    last[c.col].text = f"{last[c.col].text} {c.text}".strip()
            rows = rows[1:]
    for offset, r in enumerate(rows):
        for c in by_row[r]:
            prev.cells.append(Cell(base + offset, c.col, c.text, False, c.page_no))
    prev.n_rows = base + len(rows)
    prev.page_last = nxt.page_last
    prev.bbox = nxt.bbox


def stitch(tables: list[Table]) -> list[Table]:
    """Join a table that continues on the next page into one table (the first one's id)."""
    out: list[Table] = []
    for t in tables:
        if out and _continues(out[-1], t) and _last_on_page(out[-1], tables) and _first_on_page(t, tables):
            _append(out[-1], t)
        else:
            out.append(t)
    return out


def _last_on_page(t: Table, tables: list[Table]) -> bool:
    return t is max((x for x in tables if x.page_last == t.page_last), key=lambda x: x.bbox[1] if x.bbox else 0)


def _first_on_page(t: Table, tables: list[Table]) -> bool:
    return t is min((x for x in tables if x.page_first == t.page_first), key=lambda x: x.bbox[1] if x.bbox else 0)
