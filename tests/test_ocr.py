"""OCR post-processing: what tesseract's lav model misreads and the page image can settle."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.ocr import _relation

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def glyph(char: str) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The ink of one character at 300 dpi-like size and its tight box (left, top, width, height)."""
    image = Image.new("L", (80, 80), 255)
    ImageDraw.Draw(image).text((20, 10), char, font=ImageFont.truetype(FONT, 40), fill=0)
    ink = np.asarray(image) < 128
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return ink, (int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0]))


# plan_scan.pdf / plan_nounicode.pdf: "≥ 5%" came out of tesseract as "> 5%" or "= 5%"
@pytest.mark.parametrize("char, expected", [("≥", "≥"), ("≤", "≤"), (">", None), ("<", None), ("=", None)])
def test_relation_read_from_the_glyph(char: str, expected: str | None) -> None:
    ink, (left, top, width, height) = glyph(char)
    assert _relation(ink, left, top, width, height) == expected
