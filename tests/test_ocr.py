"""OCR post-processing: what tesseract's lav model misreads and the page image can settle,
and pages scanned the wrong way round."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import gold
from PIL import Image, ImageDraw, ImageFont

from bench.scoring import word_accuracy
from pipeline.ingest import ingest_file
from pipeline.ocr import _relation
from pipeline.source import Limits, Renderer

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


# archives scan pages upside down or sideways (a landscape table fed the wrong way)
@pytest.mark.ocr
@pytest.mark.parametrize("turned", [90, 180])
def test_sideways_or_upside_down_scan_is_read_upright(turned: int, fixture_pdf: Path, tmp_path: Path) -> None:
    with Renderer(fixture_pdf / "plan_scan.pdf", Limits()) as renderer:
        image = renderer.render(1, 300)
    path = tmp_path / f"turned-{turned}.pdf"
    image.rotate(turned, expand=True).save(path, resolution=300)
    out = tmp_path / "out"
    assert ingest_file(path, out).status == "ok"
    [page] = pd.read_parquet(out / "pages").to_dict("records")
    assert page["method"] == "ocr" and page["rotation"] == turned
    assert page["ocr_confidence"] > 80
    assert word_accuracy(gold("plan_scan")["pages"][0]["text"], page["text"]) > 0.9


@pytest.mark.ocr
def test_text_layer_set_sideways_is_read_upright(fixture_pdf: Path, tmp_path: Path) -> None:
    """plan_text with /Rotate 90: its letters lie on their side in the displayed page, so the
    text layer would read as scrambled columns; the page is OCR'd and turned upright instead."""
    import pikepdf

    path = tmp_path / "rotated.pdf"
    with pikepdf.open(fixture_pdf / "plan_text.pdf") as pdf:
        pdf.pages[0].Rotate = 90
        pdf.save(path)
    out = tmp_path / "out"
    assert ingest_file(path, out).status == "ok"
    page = pd.read_parquet(out / "pages").set_index("page_no").loc[1]
    assert page["method"] == "ocr" and "runs sideways" in page["triage"]
    assert page["rotation"] == 270
    assert word_accuracy(gold("plan_text")["pages"][0]["text"], page["text"]) > 0.9


@pytest.mark.ocr
def test_blank_scanned_page_is_read_as_empty(tmp_path: Path) -> None:
    """A blank page between scans: nothing to read and nothing to turn, not a failure."""
    path = tmp_path / "blank.pdf"
    Image.new("L", (2480, 3508), 255).save(path, resolution=300)
    out = tmp_path / "out"
    assert ingest_file(path, out).status == "ok"
    [page] = pd.read_parquet(out / "pages").to_dict("records")
    assert page["method"] == "ocr" and page["text"] == "" and page["rotation"] == 0
