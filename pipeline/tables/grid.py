"""A grid of anchors (cells with spans and words) into a ``Table``: text, header rows, paths.

Ruled and unruled tables both end here, so cell text, header detection and header paths are
one code path whatever found the cells.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Cell, Page, Table
from ..geometry import Box
from .classify import header_count
from .lines import cell_text
from .settings import TableSettings


@dataclass(slots=True)
class Anchor:
    """One cell of a grid before it becomes ``Cell``s: its top-left slot, span and words."""

    row: int
    col: int
    rspan: int = 1
    cspan: int = 1
    boxes: list[Box] = field(default_factory=list)
    text: str = ""


def grid_table(page: Page, anchors: list[Anchor], n_rows: int, n_cols: int, method: str,
               bbox: tuple[float, float, float, float], columns: list[float], s: TableSettings) -> Table:
    """The table of ``anchors``: header rows detected, spanning header cells made into paths."""
    for a in anchors:
        a.text = cell_text(a.boxes)
    n_header = header_count(anchors, n_rows, n_cols, s)
    header_paths(anchors, n_header)
    by_slot = {(a.row, a.col): a for a in anchors}
    cells = [Cell(r, c, "", r < n_header, page.page_no) for r in range(n_rows) for c in range(n_cols)]
    for cell in cells:
        anchor = by_slot.get((cell.row, cell.col))
        if anchor is not None:
            cell.text = anchor.text
            if anchor.boxes:
                cell.x0, cell.top, cell.x1, cell.bottom = words_box(anchor.boxes)
    return Table(table_id="", page_first=page.page_no, page_last=page.page_no, n_rows=n_rows,
                 n_cols=n_cols, method=method, cells=cells, bbox=bbox, columns=list(columns))


def header_paths(anchors: list[Anchor], n_header: int) -> None:
    """Prefix a header cell under a spanning parent with the parent: "Parent / Child".

    The child under each column of the parent is the first cell covering that column below
    it; a child spanning several of those columns is prefixed once.
    """
    cover: dict[tuple[int, int], Anchor] = {}
    for a in anchors:
        for r in range(a.row, a.row + a.rspan):
            for c in range(a.col, a.col + a.cspan):
                cover[(r, c)] = a
    for parent in sorted((a for a in anchors if a.row < n_header and a.cspan > 1 and a.text),
                         key=lambda a: a.row):
        children: dict[int, Anchor] = {}
        for col in range(parent.col, parent.col + parent.cspan):
            child = next((cover[(r, col)] for r in range(parent.row + parent.rspan, n_header)
                          if (r, col) in cover), None)
            if child is not None and child.text:
                children[id(child)] = child
        for child in children.values():
            child.text = f"{parent.text} / {child.text}"


def words_box(boxes: list[Box]) -> tuple[float, float, float, float]:
    """The box around the words of ``boxes`` as the page has them (not deskewed): the frame of
    the ``words`` dataset, so a cell's box and its words' boxes coincide."""
    words = [b.word for b in boxes]
    return (min(w.x0 for w in words), min(w.top for w in words),
            max(w.x1 for w in words), max(w.bottom for w in words))
