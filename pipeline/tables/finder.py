"""``find_tables``: the chain of steps for one page, ruled grids first, then aligned words;
what lies over a chart or diagram is dropped."""
from __future__ import annotations

from ..document import Page, Table
from .alignment import unruled_tables
from .classify import over_chart
from .lines import inside, page_boxes, table_lines
from .rulings import ruled_tables
from .settings import DEFAULT, TableSettings
from .stitching import top_of


def find_tables(page: Page, s: TableSettings = DEFAULT) -> list[Table]:
    """Tables on one page, top to bottom, ids ``p<page>-t<index>``."""
    boxes, height = page_boxes(page, s)
    if not boxes:
        return []
    ruled = ruled_tables(page, boxes, height, s) if page.rulings else []
    taken = [t.bbox for t in ruled if t.bbox]
    rest = [b for b in boxes if not any(inside(b.word, box) for box in taken)]
    tables = ruled + (unruled_tables(page, table_lines(rest, height, s), height, s) if rest else [])
    tables = [t for t in tables if not over_chart(page.shapes, t.bbox, s)]
    tables.sort(key=top_of)
    for i, t in enumerate(tables):
        t.table_id = f"p{page.page_no}-t{i}"
    return tables
