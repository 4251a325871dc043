"""A picture of what the table finder saw on a page, like pdfplumber's ``debug_tablefinder``.

The page is rendered with pypdfium2 and drawn over with PIL: rulings in red, the column gaps of
each run of aligned lines in translucent blue, found tables in green (box and column borders)
and their words in grey. A table that is missed shows why: no gap where a column should be
(a line crosses it), a ruling where there is none, or no run of lines at all.
"""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from ..document import Page
from ..source import Limits, open_pdf, read_page
from .alignment import column_gaps, line_blocks
from .finder import find_tables
from .lines import inside, page_boxes, table_lines
from .settings import DEFAULT, TableSettings

RULING = (220, 0, 0, 255)
GAP = (0, 90, 255, 70)
TABLE = (0, 160, 0, 255)
WORD = (120, 120, 120, 255)


def draw(pdf_path: Path | str, page_no: int, s: TableSettings = DEFAULT, scale: float = 1.5) -> Image.Image:
    """Page ``page_no`` (1-based) of ``pdf_path`` rendered, with rulings, gaps and tables drawn."""
    path = Path(pdf_path)
    limits = Limits()
    with open_pdf(path, limits) as pdf:
        page = read_page(pdf, page_no - 1, limits, path).page
    doc = pdfium.PdfDocument(str(path))
    try:
        bitmap = doc[page_no - 1].render(scale=scale)
        image = bitmap.to_pil().convert("RGBA")
    finally:
        doc.close()
    return draw_page(page, image, s, scale)


def draw_page(page: Page, image: Image.Image, s: TableSettings = DEFAULT, scale: float = 1.5) -> Image.Image:
    """``image`` (the page rendered at ``scale`` pixels per point) with what was found drawn on it."""
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(overlay)

    def box(x0: float, top: float, x1: float, bottom: float) -> tuple[float, float, float, float]:
        return (x0 * scale, top * scale, max(x0, x1) * scale, max(top, bottom) * scale)

    for r in page.rulings:
        pen.rectangle(box(r.x0, r.top, r.x1, r.bottom), outline=RULING, width=2)
    tables = find_tables(page, s)
    boxes, height = page_boxes(page, s)
    rest = [b for b in boxes if not any(t.method != "unruled" and t.bbox and inside(b.word, t.bbox)
                                        for t in tables)]
    for block in line_blocks(table_lines(rest, height, s), height, s):
        top, bottom = min(line.top for line in block), max(line.bottom for line in block)
        for a, b in column_gaps(block, height, s):
            pen.rectangle(box(a, top, b, bottom), fill=GAP)
    for word in boxes:
        pen.rectangle(box(word.x0, word.top, word.x1, word.bottom), outline=WORD)
    for t in tables:
        if t.bbox:
            x0, top, x1, bottom = t.bbox
            pen.rectangle(box(x0, top, x1, bottom), outline=TABLE, width=3)
            for x in t.columns:
                pen.line(box(x, top, x, bottom)[:2] + box(x, bottom, x, bottom)[:2], fill=TABLE, width=2)
    return Image.alpha_composite(image.convert("RGBA"), overlay)
