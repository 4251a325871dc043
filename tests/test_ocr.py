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
from pipeline._exec.tesseract import OcrWord
from pipeline.ingest import ingest_file
from pipeline.ocr import _relation, _runs, _trim, without_rules
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


def _page(draw_lines) -> Image.Image:
    """A 300 dpi half page (1200 x 1500 px) with a word in it and lines drawn by ``draw_lines``."""
    image = Image.new("L", (1200, 1500), 255)
    pen = ImageDraw.Draw(image)
    pen.text((130, 130), "Rādītājs 45%", font=ImageFont.truetype(FONT, 40), fill=0)
    draw_lines(pen)
    image.info["dpi"] = (300, 300)
    return image


def _grid(pen: ImageDraw.ImageDraw) -> None:  # a table: 5 rules each way, 3 px, slightly tilted
    for k in range(5):
        pen.line((100, 100 + 200 * k, 1100, 110 + 200 * k), fill=0, width=3)
        pen.line((100 + 250 * k, 100, 105 + 250 * k, 900), fill=0, width=3)


def _chart(pen: ImageDraw.ImageDraw) -> None:  # two axes, gridlines one way, wide bars
    pen.line((100, 100, 100, 900), fill=0, width=3)
    for k in range(5):
        pen.line((100, 100 + 200 * k, 1100, 100 + 200 * k), fill=0, width=2)
        pen.rectangle((200 + 200 * k, 500 - 60 * k, 300 + 200 * k, 900), fill=60)


def test_a_tables_rules_are_painted_out_a_charts_are_not() -> None:
    """Rules next to a cell make tesseract drop it; a chart's frame and bars stay (painted out,
    their hatching is read as words). The words keep their ink either way."""
    cleaned, grid = without_rules(_page(_grid))
    ink = np.asarray(cleaned) < 160
    assert grid and not ink[300, 400:900].any() and not ink[400:800, 350].any()
    assert ink[130:180, 130:400].any()
    assert not without_rules(_page(_chart))[1]


def _naive_runs(ink: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Pixels on a run of ``length`` ink pixels along ``axis``, window by window."""
    a = np.moveaxis(ink, axis, 0)
    out = np.zeros(a.shape, bool)
    for i in range(a.shape[0] - length + 1):
        whole = a[i:i + length].all(axis=0)
        out[i:i + length] |= whole
    return np.moveaxis(out, 0, axis)


@pytest.mark.parametrize("length", [2, 3, 5, 8, 13, 37])
def test_rule_runs_are_the_opening_with_a_line(length: int) -> None:
    """``_runs`` (shifted ANDs and ORs) marks exactly the pixels of runs of ``length`` ink
    pixels, at the edges too, on dense noise, on a page too short for a run, and either way."""
    rng = np.random.default_rng(length)
    for shape in [(60, 45), (length - 1, 30), (length, 7)]:
        ink = rng.random(shape) < 0.85
        ink[shape[0] // 2, :] = True  # a rule across
        for axis in (0, 1):
            assert np.array_equal(_runs(ink, length, axis), _naive_runs(ink, length, axis))


def test_ocr_box_trimmed_to_its_ink() -> None:
    """A speck left of a glyph widened tesseract's box over the column gap before it."""
    ink = np.zeros((40, 80), bool)
    ink[10:30, 50:60] = True  # the glyph
    ink[20, 5] = True  # one dark pixel of noise
    word = OcrWord("≥", left=2, top=5, width=70, height=30, conf=90.0)
    _trim(word, ink)
    assert (word.left, word.width) == (50, 10)


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


def test_tesseract_gets_an_uncompressed_tiff_and_reads_it_as_the_png() -> None:
    """The adapter hands pytesseract a TIFF (no PNG compression to pay for); tesseract's words,
    boxes and confidences are those it reads from the PNG pytesseract writes by default."""
    import pytesseract

    from pipeline._exec import tesseract

    image = Image.new("L", (900, 160), 255)
    ImageDraw.Draw(image).text((20, 40), "Rādītājs 2026. gadā ≥ 45%", font=ImageFont.truetype(FONT, 48), fill=0)
    words = tesseract.image_to_words(image, "lav", 60)
    assert image.format == "TIFF" and words
    png = image.copy()  # a copy has no format: pytesseract writes a PNG
    data = pytesseract.image_to_data(png, lang="lav", config="--psm 3", output_type=pytesseract.Output.DICT)
    assert [(w.text, w.left, w.top, w.width, w.height, w.conf) for w in words] == [
        (t.strip(), data["left"][i], data["top"][i], data["width"][i], data["height"][i], float(data["conf"][i]))
        for i, t in enumerate(data["text"]) if t.strip() and float(data["conf"][i]) >= 0]
