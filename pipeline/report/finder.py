"""The table finder's view of a page, as a layer of the report: rulings, column gaps, tables.

A table that was missed shows why here: a run of aligned lines with no gap where a column
should be, rulings that form no grid, or no run at all. The finder is run again through its
public steps (``tables.debug.findings``) on the page's stored words and on the rulings of the
source PDF page. That costs a page read, so it is done only on pages where it can show
something: pages with tables, and pages whose words hold a run of aligned lines with column
gaps (a candidate the finder turned down). A page without either is not read.

Reading a page again costs about what ingesting it did, so at most ``MAX_PAGES`` pages of a
document get the layer (in page order); the report says when pages were left out. Drawn as one
SVG over the page picture in PDF points (no extra rendering), hidden until its
checkbox is ticked.
"""
from __future__ import annotations

from contextlib import ExitStack

import pdfplumber

from ..document import Line, Page, Word
from ..errors import InputFileError
from ..source import Limits, open_pdf, read_page
from ..tables.debug import Findings, Rect, candidate_gaps, findings
from ..tables.lines import page_boxes
from ..tables.settings import DEFAULT
from .images import PageImages
from .markup import Frame, e


def stored_page(page: dict, words: list[dict], frame: Frame) -> Page:
    """A ``Page`` from the datasets' rows: the words on their layout lines, running lines marked."""
    lines: dict[int, list[Word]] = {}
    running: set[int] = set()
    for w in words:
        lines.setdefault(w["line_no"], []).append(Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], w["conf"]))
        if w["running"]:
            running.add(w["line_no"])
    numbers = sorted(lines)
    return Page(page["page_no"], frame.x0 + frame.width, frame.top + frame.height,
                words=[w for n in numbers for w in lines[n]],
                method=page["method"], rotation=page["rotation"] or 0,
                lines=[Line(lines[n]) for n in numbers], running={i for i, n in enumerate(numbers) if n in running})


MAX_PAGES = 40  # pages per document the finder is run again on: each costs a page read (~0.1 s)


class FinderLayer:
    """Finder layers of one document's pages; the source PDF is opened on the first page that
    needs its rulings and closed by ``close``."""

    def __init__(self, images: PageImages, budget: int = MAX_PAGES) -> None:
        self.images = images  # knows whether the source is still the file that was ingested
        self.budget = budget
        self.skipped = 0  # pages with something to show, left out for the budget
        self._stack = ExitStack()
        self._pdf: pdfplumber.PDF | None = None
        self.problem: str | None = None

    def svg(self, page: dict, words: list[dict], has_tables: bool, frame: Frame) -> str:
        """The page's finder layer, or "" when the finder saw nothing there (or the budget of
        pages is spent)."""
        stored = stored_page(page, words, frame)
        if not has_tables and not candidate_gaps(*page_boxes(stored, DEFAULT), []):
            return ""
        if self.budget <= 0:
            self.skipped += 1
            return ""
        self.budget -= 1
        if not stored.rotation:  # a turned OCR page was read without its rulings (other frame)
            stored.rulings = self._rulings(page["page_no"])
        return _svg(findings(stored), frame)

    def _rulings(self, page_no: int) -> list:
        pdf = self._open()
        if pdf is None:
            return []
        try:
            return read_page(pdf, page_no - 1, Limits(), self.images.source).page.rulings
        except InputFileError as exc:  # one page that cannot be read again loses its rulings only
            self.problem = exc.detail
            return []

    def _open(self) -> pdfplumber.PDF | None:
        if self._pdf is None and self.problem is None:
            if not self.images.usable():
                self.problem = self.images.problem
            else:
                try:
                    self._pdf = self._stack.enter_context(open_pdf(self.images.source, Limits()))
                except InputFileError as exc:
                    self.problem = exc.detail
        return self._pdf

    def close(self) -> None:
        self._stack.close()
        self._pdf = None


def _rects(rects: list[Rect], cls: str) -> str:
    return "".join(f'<rect class="{cls}" x="{x0:.1f}" y="{top:.1f}" width="{max(x1 - x0, 0.5):.1f}" '
                   f'height="{max(bottom - top, 0.5):.1f}"/>' for x0, top, x1, bottom in rects)


def _svg(seen: Findings, frame: Frame) -> str:
    """Rulings red, column gaps translucent blue, tables green with their column borders."""
    parts = [_rects(seen.gaps, "gap"), _rects(seen.rulings, "rule")]
    for t in seen.tables:
        if t.bbox:
            x0, top, x1, bottom = t.bbox
            parts.append(_rects([t.bbox], "found"))
            parts += [f'<line class="found" x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}"/>'
                      for x in t.columns if x0 < x < x1]
    title = (f"table finder: {len(seen.rulings)} rulings, {len(seen.gaps)} column gaps, "
             f"{len(seen.tables)} tables")
    view = f"{frame.x0:.2f} {frame.top:.2f} {frame.width:.2f} {frame.height:.2f}"
    return (f'<svg class="o dbg" viewBox="{view}" preserveAspectRatio="none" '
            f'data-rulings="{len(seen.rulings)}" data-gaps="{len(seen.gaps)}" data-tables="{len(seen.tables)}">'
            f'<title>{e(title)}</title>{"".join(parts)}</svg>')
