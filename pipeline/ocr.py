"""OCR of one page image into the page's words, in PDF points like text-layer words."""
from __future__ import annotations

import re

from PIL import Image

from ._exec import tesseract
from .document import Page, Word


# tesseract reads the vertical rules of a table as "|" words; they are borders, not text
RULE_GLYPHS = re.compile(r"^[|¦│]+|[|¦│]+$")


def ocr_page(page: Page, image: Image.Image, dpi: int, lang: str, timeout: float) -> None:
    """Replace ``page.words`` with tesseract's words; set method and mean confidence.

    Drawn rulings are kept: a page whose text layer is garbage still has valid table borders.
    """
    scale = 72.0 / dpi
    found = tesseract.image_to_words(image, lang=lang, timeout=timeout)
    for w in found:
        w.text = RULE_GLYPHS.sub("", w.text)
    found = [w for w in found if w.text]
    page.words = [
        Word(
            text=w.text,
            x0=w.left * scale,
            top=w.top * scale,
            x1=(w.left + w.width) * scale,
            bottom=(w.top + w.height) * scale,
            conf=w.conf,
        )
        for w in found
    ]
    page.method = "ocr"
    total = sum(len(w.text) for w in found)
    page.ocr_confidence = (
        sum(w.conf * len(w.text) for w in found) / total if total else 0.0
    )
