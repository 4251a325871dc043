"""Stitching: a table that runs off the bottom of a page and on at the top of the next is one.

Only true continuations join: the last table of a page and the first of the next, with the same
method, column count and borders, the second starting higher on its page than the first ended,
and any header of the second repeating the first's.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from itertools import takewhile

from ..document import Cell, Page, Table
from ..textnorm import words_key
from .lines import join_lines
from .settings import DEFAULT, TableSettings


def stitch(tables: list[Table], pages: Sequence[Page] = (), s: TableSettings = DEFAULT) -> list[Table]:
    """Join tables that continue on the next page; the joined table keeps the first part's id.

    ``tables`` are in page order, as ``find_tables`` returns them page after page. A part joins
    the previous one when that one is the last table on its page, this one the first on the
    next page, they have the same method, column count and column borders, this one starts
    higher on its page than the previous part ended on its own (a table running off the bottom
    and on at the top), and any header it has repeats the first part's header. With the
    ``pages`` at hand, the first part must also run to the foot of its page and the next start
    at the head of its own: no text (a caption, a heading, the next paragraph) between them.
    """
    by_no = {p.page_no: p for p in pages}
    first_on: dict[int, Table] = {}
    last_on: dict[int, Table] = {}
    for t in tables:
        if t.page_first not in first_on or top_of(t) < top_of(first_on[t.page_first]):
            first_on[t.page_first] = t
        if t.page_last not in last_on or top_of(t) >= top_of(last_on[t.page_last]):
            last_on[t.page_last] = t
    out: list[Table] = []
    tail: Table | None = None  # the part most recently added to out[-1]
    for t in tables:
        if (out and tail is not None and last_on.get(tail.page_last) is tail
                and first_on.get(t.page_first) is t and _continues(out[-1], tail, t, s)
                and _nothing_between(tail, t, by_no, s)):
            _append(out[-1], t, s)
        else:
            out.append(t)
        tail = t
    return out


def top_of(t: Table) -> float:
    """Top of the table's box on its last page (0 when it has none)."""
    return t.bbox[1] if t.bbox else 0.0


def _continues(head: Table, tail: Table, nxt: Table, s: TableSettings) -> bool:
    """Whether ``nxt`` continues the table ``head`` whose last part on a page is ``tail``."""
    if nxt.page_first != tail.page_last + 1 or nxt.method != head.method or nxt.n_cols != head.n_cols:
        return False
    if not _same_columns(tail.columns, nxt.columns, s):
        return False
    if tail.bbox and nxt.bbox and nxt.bbox[1] >= tail.bbox[3]:
        return False
    own_header = nxt.header_rows()
    return not own_header or _repeated_header(head, nxt, s) > 0


def _nothing_between(tail: Table, nxt: Table, pages: dict[int, Page], s: TableSettings) -> bool:
    """No body text under ``tail`` on its page nor over ``nxt`` on the next (text in the top
    and bottom bands - running lines, footnotes - does not count)."""
    if tail.bbox is None or nxt.bbox is None:
        return True
    for page, bbox, below in ((pages.get(tail.page_last), tail.bbox, True), (pages.get(nxt.page_first), nxt.bbox, False)):  # noqa: E501
        if page is None or page.height <= 0:
            continue
        running = {id(w) for i in page.running if i < len(page.lines) for w in page.lines[i].words}
        lo, hi = s.edge_band * page.height, (1 - s.edge_band) * page.height
        for w in page.words:
            cy = (w.top + w.bottom) / 2
            beyond = w.top > bbox[3] if below else w.bottom < bbox[1]
            if beyond and lo < cy < hi and id(w) not in running and w.text.strip():
                return False
    return True


def _same_columns(a: list[float], b: list[float], s: TableSettings) -> bool:
    if len(a) != len(b) or len(a) < 2:
        return False
    narrowest = min(y - x for x, y in zip(a, a[1:]))
    tolerance = max(s.stitch_tolerance, 0.25 * narrowest)
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def _row_key(texts: list[str]) -> str:
    return " | ".join(words_key(t) for t in texts)


def _rows_of(cells: Iterable[Cell], n_cols: int) -> list[list[str]]:
    """Texts of consecutive rows from cells in row order (a table's start or, reversed, its end)."""
    rows: dict[int, list[str]] = {}
    for c in cells:
        rows.setdefault(c.row, [""] * n_cols)[c.col] = c.text
    return [rows[r] for r in sorted(rows)]


def _repeated_header(head: Table, nxt: Table, s: TableSettings) -> int:
    """How many leading rows of ``nxt`` repeat ``head``'s header (its first row if it has none).

    Only the start of ``head`` is read (cells are in row order), so stitching a table over
    hundreds of pages stays linear.
    """
    n = len({c.row for c in takewhile(lambda c: c.is_header, head.cells)}) or 1
    if nxt.n_rows <= n:
        return 0
    mine = _rows_of(takewhile(lambda c: c.row < n, head.cells), head.n_cols)
    theirs = _rows_of(takewhile(lambda c: c.row < n, nxt.cells), nxt.n_cols)
    same = all(difflib.SequenceMatcher(None, _row_key(a), _row_key(b)).ratio() >= s.header_match
               for a, b in zip(mine, theirs))
    return n if same else 0


def _append(head: Table, nxt: Table, s: TableSettings) -> None:
    """Add ``nxt``'s rows to ``head``: a repeated header dropped, a row split by the break rejoined."""
    skip = _repeated_header(head, nxt, s)
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
                mine.text = join_lines([mine.text, more.text]) if more.text else mine.text
            rows = rows[1:]
    for offset, r in enumerate(rows):
        head.cells.extend(Cell(head.n_rows + offset, c.col, c.text, False, c.page_no, c.x0, c.top, c.x1, c.bottom)
                          for c in by_row[r])
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
