"""A progress bar for long ingests: pages done of all pages (counted up front with pdfium, so the
total does not grow document by document), with OCR pages counted."""
from __future__ import annotations

import sys

from tqdm import tqdm

from .document import Page


class PageProgress:
    """Shown on stderr only when it is a terminal, so logs and CI output stay clean."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        self._bar = tqdm(
            total=total,
            unit="page",
            disable=not (enabled and sys.stderr.isatty()),
            file=sys.stderr,
            dynamic_ncols=True,
        )
        self.ocr_pages = 0

    def describe(self, name: str) -> None:
        self._bar.set_description(name[:30])

    def page_done(self, page: Page) -> None:
        self.ocr_pages += page.method == "ocr"
        self._bar.update(1)
        self._bar.set_postfix(ocr=self.ocr_pages, refresh=False)

    def __enter__(self) -> PageProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.close()
