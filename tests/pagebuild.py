"""Build ``Page`` objects from a PDF the way the pipeline reads them, without the rest of it.

Table and target tests need pages with words and rulings but not repair, dates or storage, so
this reuses the pipeline's own readers (``source.read_page``: pdfplumber ``extract_words`` and
``page.edges`` as rulings; ``ocr.ocr_page``: tesseract ``image_to_data`` on a pypdfium2 render,
pixel boxes converted to points) and leaves ``lines``/``running`` empty.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.document import Page
from pipeline.ocr import ocr_page
from pipeline.source import Limits, Renderer, open_pdf, read_page

DPI = 300
LANG = "lav"
OCR_TIMEOUT = 120.0


def text_pages(path: Path) -> list[Page]:
    """Every page of ``path`` from its text layer (words and drawn edges)."""
    limits = Limits()
    with open_pdf(path, limits) as pdf:
        return [read_page(pdf, i, limits, path).page for i in range(len(pdf.pages))]


def ocr_pages(path: Path, page_nos: list[int] | None = None, dpi: int = DPI, lang: str = LANG) -> list[Page]:
    """Pages of ``path`` OCR'd at ``dpi``; drawn edges are kept, as the pipeline does."""
    pages = text_pages(path)
    wanted = [p for p in pages if page_nos is None or p.page_no in page_nos]
    with Renderer(path, Limits()) as renderer:
        for page in wanted:
            ocr_page(page, renderer.render(page.page_no, dpi), lang, OCR_TIMEOUT)
    return wanted
