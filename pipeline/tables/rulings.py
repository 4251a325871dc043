"""Ruled tables: pdfplumber's lattice algorithm on the page's rulings, filled with our words.

``merge_edges``, ``edges_to_intersections``, ``intersections_to_cells`` and ``cells_to_tables``
are pdfplumber's, with its default tolerances (``TableSettings.plumb``); the cells are then
filled with our boxes, so text-layer and OCR words share one code path once the cells are known.
"""
from __future__ import annotations

import re
import statistics
from bisect import bisect_left, bisect_right

from pdfplumber import table as plumb
from pdfplumber.utils import filter_edges

from ..document import Page, Table
from ..geometry import Box
from .alignment import block_table
from .grid import Anchor, grid_table
from .lines import inside, line_text, table_lines
from .settings import TableSettings


def ruled_tables(page: Page, boxes: list[Box], height: float, s: TableSettings) -> list[Table]:
    """Grids from pdfplumber's lattice algorithm on our rulings, filled with our words.

    A grid whose rules leave columns or rows out (vertical rules in the header only, no rules
    between body rows) is read from the alignment of its words instead, with its horizontal
    rules as row breaks (``underruled``).
    """
    p = s.plumb
    edges = [edge(r.x0, r.top, r.x1, r.bottom, r.is_horizontal) for r in page.rulings]
    edges = plumb.merge_edges(edges, p.snap_x_tolerance, p.snap_y_tolerance,
                              p.join_x_tolerance, p.join_y_tolerance)
    edges = filter_edges(edges, min_length=p.edge_min_length)
    points = plumb.edges_to_intersections(edges, p.intersection_x_tolerance, p.intersection_y_tolerance)
    method = "ocr" if page.method == "ocr" else "ruled"
    tables = []
    grids = []
    for group in plumb.cells_to_tables(plumb.intersections_to_cells(points)):
        xs = clusters([c[0] for c in group] + [c[2] for c in group])
        ys = clusters([c[1] for c in group] + [c[3] for c in group])
        if len(xs) - 1 >= s.min_cols:
            grids.append((group, xs, ys))
    for group, xs, ys in grids:
        slots: dict[tuple[int, int], Anchor] = {}
        anchors = []
        for x0, top, x1, bottom in group:
            r0, r1, c0, c1 = nearest(ys, top), nearest(ys, bottom), nearest(xs, x0), nearest(xs, x1)
            anchor = Anchor(r0, c0, max(1, r1 - r0), max(1, c1 - c0))
            anchors.append(anchor)
            for r in range(r0, r0 + anchor.rspan):
                for c in range(c0, c0 + anchor.cspan):
                    slots[(r, c)] = anchor
        bbox = (xs[0], ys[0], xs[-1], ys[-1])
        for b in boxes:
            if inside(b.word, bbox):
                cx, cy = (b.word.x0 + b.word.x1) / 2, (b.word.top + b.word.bottom) / 2
                slot = slots.get((bisect_right(ys, cy) - 1, bisect_right(xs, cx) - 1))
                if slot is not None:
                    slot.boxes.append(b)
        filled = sum(1 for a in anchors if a.boxes)
        if filled < max(2, s.min_density * len(slots)):
            continue  # a chart's grid lines or bars, a ruled box around a few words
        others = [(x[0], y[0], x[-1], y[-1]) for _, x, y in grids if x is not xs]
        band = [b for b in boxes if bbox[1] < b.cy < bbox[3] and not any(inside(b.word, o) for o in others)
                and b.x1 > 2 * bbox[0] - bbox[2] and b.x0 < 2 * bbox[2] - bbox[0]]
        beside = [b for b in band if not bbox[0] <= (b.x0 + b.x1) / 2 <= bbox[2]]
        if underruled(anchors, height, s) or len(beside) >= len(ys) - 1:
            # rules that leave columns or rows out, or a grid over part of the table only
            if len(beside) < len(ys) - 1:
                band = [b for b in band if inside(b.word, bbox)]
            lines = table_lines(band, height, s)
            table = block_table(page, lines, height, method, s) if lines else None
            if table is not None:
                tables.append(table)
        elif filled >= s.min_grid_fill * len(slots):  # not a blank form, labels over empty fields
            tables.append(grid_table(page, anchors, len(ys) - 1, len(xs) - 1, method, bbox, xs, s))
    return tables


NUMBER = re.compile(r"^[\d\s.,%()+\-–−]*\d[\d\s.,%()+\-–−]*$")


def underruled(anchors: list[Anchor], height: float, s: TableSettings) -> bool:
    """Whether the rules miss columns or rows: in a quarter of the filled cells (or in two
    cells spanning several columns) a line of words is split by a column gap, or a grid row has
    two cells of three or more lines, one a stack of numbers (a body with no rules between its
    rows; wrapped text is not this)."""
    filled = [a for a in anchors if a.boxes]
    split = spanning = 0
    tall: dict[int, int] = {}
    stacked: set[int] = set()
    for a in filled:
        lines = table_lines(a.boxes, height, s)
        if any(len(line.chunks) > 1 for line in lines):
            split += 1
            spanning += a.cspan > 1
        if len(lines) >= 3:
            tall[a.row] = tall.get(a.row, 0) + 1
            texts = [line_text(line.boxes) for line in lines]
            if sum(bool(NUMBER.match(text)) for text in texts) >= 0.8 * len(texts):
                stacked.add(a.row)
    return split >= max(1, 0.25 * len(filled)) or spanning >= 2 or any(tall[row] >= 2 for row in stacked)


def edge(x0: float, top: float, x1: float, bottom: float, horizontal: bool) -> dict:
    """A ruling as the edge dict pdfplumber's table functions read (a line of zero thickness)."""
    if horizontal:
        top = bottom = (top + bottom) / 2
    else:
        x0 = x1 = (x0 + x1) / 2
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0,
            "height": bottom - top, "orientation": "h" if horizontal else "v"}


def clusters(values: list[float], tolerance: float = 1.5) -> list[float]:
    """Sorted representatives of values closer than ``tolerance`` to each other."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [statistics.fmean(c) for c in out]


def nearest(edges: list[float], value: float) -> int:
    """Index of the edge closest to ``value`` in the sorted ``edges``."""
    i = bisect_left(edges, value)
    if i == len(edges) or (i > 0 and value - edges[i - 1] < edges[i] - value):
        return i - 1
    return i
