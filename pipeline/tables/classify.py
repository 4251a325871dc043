"""Is it a table, and which of its rows are headers: decisions from content, not geometry."""
from __future__ import annotations

import functools
import re
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..document import Shape
from ..geometry import Box
from ..resources import data_json
from .lines import TLine, cell_text, line_cells
from .settings import TableSettings

if TYPE_CHECKING:
    from .grid import Anchor

YEAR = re.compile(r"(?<!\d)(?:20\d\d|2100)(?!\d)")
DIGIT = re.compile(r"\d")
# "J. Bērziņš", "A. K. Ozola": who signs, under or beside their role
SIGNATORY = re.compile(r"^(?:[A-ZĀ-Ž]\.\s?){1,2}[A-ZĀ-Ž][\w-]+$")  # "I. Bērziņa", "J.K. Ozols"
# "Daiga Egle", "Anna Kalniņa-Ozola": a given name and a surname, nothing else
FULL_NAME = re.compile(r"^[A-ZĀ-Ž][a-zā-ž]+(?:-[A-ZĀ-Ž][a-zā-ž]+)? [A-ZĀ-Ž][a-zā-ž]+(?:-[A-ZĀ-Ž][a-zā-ž]+)?$")
LABELLED = re.compile(r"^[A-ZĀ-Ž][\w.,() -]{0,40}:(?:\s|$)")  # "Izdevējs: ...", "Domes deputāti:"
ITEM_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?$")  # "3", "3.", "6.5": an item or section number
PARAGRAPH_WORDS = 8  # mean words of a second-column cell that make it running text
LIST_MARKER = re.compile(r"^(?:[•◦▪▫■□●○◆◇►▸‣⁃∙·*–—-]|\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)])$")


@dataclass(frozen=True)
class _Words:
    """Lines that belong next to a table, not in it (words in ``data/layout_lv.json``)."""

    caption: re.Pattern[str]  # above it: "Tabula 3.", "Attēls 2:"
    note: re.Pattern[str]  # below it: "Avots:", "Piezīmes."
    signed: re.Pattern[str]  # "/paraksts/" where a signature stands


@functools.cache
def _words() -> _Words:
    words = data_json("layout_lv.json")["table"]
    caption, note, signed = ("|".join(words[k]) for k in ("caption", "note", "signature"))
    return _Words(re.compile(rf"^(?:{caption})\s*[A-Z]?\d[\w.]*\s*[:.]?", re.I),
                  re.compile(rf"^(?:{note})\s*[:.]", re.I),
                  re.compile(rf"^[/(]\s*(?:{signed})\s*[/)]$", re.I))


def is_table(anchors: list[Anchor], block: list[TLine], bounds: list[float], s: TableSettings) -> bool:
    """False for aligned text that is not a table: rows that mostly hold one cell or a grid
    mostly empty (chart axis labels and values, a list with a stray second column), a bullet or
    numbered list (a first column of markers, its items' lines flowing back under them), a
    signature block (roles beside initials and surnames, "/paraksts/"), "Label: value" pairs (a
    letter or register header), or columns of running text (most lines of every column fill it)."""
    n_cols = len(bounds) - 1
    filled: dict[int, int] = {}
    for a in anchors:
        if a.boxes:
            filled[a.row] = filled.get(a.row, 0) + 1
    n_rows = max(a.row for a in anchors) + 1
    if sum(n >= 2 for n in filled.values()) < s.min_multi * n_rows \
            or sum(filled.values()) < s.min_fill * n_rows * n_cols:
        return False
    texts = [cell_text(a.boxes) for a in anchors if a.boxes]
    first = [(cell_text(a.boxes), filled.get(a.row, 0)) for a in anchors if a.col == 0 and a.boxes]
    if n_cols == 2 and first and _list_items(first, [cell_text(a.boxes) for a in anchors if a.col == 1]):
        return False
    if n_cols == 2 and first and all(t.endswith(":") for t, _ in first):
        return False  # "Label:" beside its value: a form or the attendance of a meeting
    if _signatures(anchors) or any(_words().signed.match(t) for t in texts):
        return False  # a signature block: roles and the names of who signs
    if sum(bool(LABELLED.match(t)) for t in texts) >= 0.8 * len(texts):
        return False  # "Label: value" pairs of a letter or register header, a form
    pieces: list[list[list[Box]]] = [[] for _ in range(n_cols)]
    for line in block:
        for (c0, c1), boxes in line_cells(line, bounds[1:-1]).items():
            if c0 == c1:
                pieces[c0].append(boxes)
    prose = 0
    for column in pieces:
        if column:
            width = max(b.x1 for p in column for b in p) - min(p[0].x0 for p in column)
            full = sum(1 for p in column if len(p) >= 4 and p[-1].x1 - p[0].x0 >= 0.75 * width)
            prose += full >= 0.6 * len(column)
    return prose < n_cols


def _signatures(anchors: list[Anchor]) -> bool:
    """Roles beside the names of who signs: two columns that hold words (a signature's stroke
    read by OCR as "(" or "/" makes no column), the second only initials and surnames, or,
    with no number anywhere, given names and surnames."""
    columns: dict[int, list[str]] = {}
    for a in anchors:
        text = cell_text(a.boxes) if a.boxes else ""
        if any(ch.isalnum() for ch in text):
            columns.setdefault(a.col, []).append(text)
    if len(columns) != 2:
        return False
    names = columns[max(columns)]
    numbers = any(DIGIT.search(t) for texts in columns.values() for t in texts)
    return all(SIGNATORY.match(t) for t in names) or not numbers and all(FULL_NAME.match(t) for t in names)


def over_chart(shapes: list[Shape], bbox: tuple[float, float, float, float] | None, s: TableSettings) -> bool:
    """Aligned text over a chart or a diagram: its box holds a chart's data line (many slanted
    segments; a table's icons hold a few) or arrowheads (a flow diagram). Tables draw neither,
    while a chart's labels and values line up like a table's cells."""
    if bbox is None:
        return False
    x0, top, x1, bottom = bbox
    kinds = [m.kind for m in shapes if x0 <= (m.x0 + m.x1) / 2 <= x1 and top <= (m.top + m.bottom) / 2 <= bottom]
    return kinds.count("slant") >= s.chart_slants or kinds.count("arrowhead") >= s.chart_arrows


def _list_items(first: list[tuple[str, int]], second: list[str]) -> bool:
    """A list in two columns: item markers (or, beside paragraphs, bare item numbers) in the
    first, and any other first-column line a line of an item flowing back under its marker."""
    long = bool(second) and statistics.fmean(len(t.split()) for t in second) >= PARAGRAPH_WORDS
    marks = [bool(LIST_MARKER.match(t) or (long and ITEM_NUMBER.match(t))) for t, _ in first]
    return all(m or n == 1 for m, (_, n) in zip(marks, first)) and sum(marks) * 2 >= len(first)


def beside_table(line_text: str, above: bool) -> bool:
    """A caption ("Table 3:", "2. attēls") above a table, or a source or note line below it."""
    return bool((_words().caption if above else _words().note).match(line_text.strip()))


def is_label(text: str) -> bool:
    """A column label: words and years, no other numbers ("Bāzes vērtība (2024)", "2025", "Nr.")."""
    rest = YEAR.sub("", text)
    return bool(text.strip()) and not DIGIT.search(rest) and (rest != text or any(ch.isalpha() for ch in rest))


def header_count(anchors: list[Anchor], n_rows: int, n_cols: int, s: TableSettings) -> int:
    """How many leading rows are header rows.

    Row 0 is a header when it holds labels (words, years) over a body that has values (numbers,
    dates), or - in an all-text table - short capitalised labels over longer body cells. A
    further row is a header while it holds labels and a header cell above spans over it (a
    merged parent, or a cell running down into it).
    """
    rows: list[list[Anchor]] = [[] for _ in range(n_rows)]
    for a in anchors:
        rows[a.row].append(a)
    if n_rows < 2 or not _heads(rows[0], rows[1:], n_cols, s):
        return 0
    n = 1
    while n < min(s.max_header_rows, n_rows - 1) and all(is_label(a.text) for a in rows[n] if a.text) \
            and any(a.row + a.rspan > n or (a.cspan > 1 and a.row + a.rspan == n) for r in rows[:n] for a in r):
        n += 1
    return n


def _heads(first: list[Anchor], body: list[list[Anchor]], n_cols: int, s: TableSettings) -> bool:
    labels = [a for a in first if a.text]
    if not labels or not all(is_label(a.text) for a in labels):
        return False
    if sum(a.cspan for a in labels) * 2 < n_cols:
        return False
    body_cells = [a for row in body for a in row if a.text]
    if any(not is_label(a.text) for a in body_cells):
        return True
    if not all(len(a.text.split()) <= s.header_words and a.text[0].isupper() for a in labels):
        return False
    for head in labels:
        below = [len(a.text.split()) for a in body_cells if a.col == head.col]
        if below and statistics.fmean(below) > len(head.text.split()):
            return True
    return False
