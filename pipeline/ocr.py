"""OCR of one page image into the page's words, in PDF points like text-layer words."""
from __future__ import annotations

import re

import numpy as np
from PIL import Image

from ._exec import tesseract
from .document import Page, Word
from .errors import PageError

# tesseract reads the vertical rules of a table as "|" words; they are borders, not text
RULE_GLYPHS = re.compile(r"^[|¦│]+|[|¦│]+$")
# tesseract's lav model has no "≥"/"≤": it reads them as ">", "<" or "=", so those glyphs are
# looked at again in the image (a "<=" or ">=" it read in full is left as it is)
RELATION_GUESSES = re.compile(r"^(?:[<>](?!=)|=$)")
BAR_SHARE = 0.6  # a row dark across this share of the glyph's width is a bar, not an arm
# an upright page reads at 85-95; sideways or upside down, at 20-30
UPRIGHT_CONFIDENCE = 50.0
MIN_ORIENTATION_CONFIDENCE = 2.0  # tesseract's OSD confidence needed to turn a page
STANDING_SHARE = 0.5  # of words of 3+ letters whose box is taller than wide: text runs sideways
# a page with fewer dark pixels than this share is blank (a line of small type is about 0.03%,
# scanner dust and a stapled corner less than 0.005%), and is not given to tesseract
BLANK_INK_SHARE = 0.0001
# a drawn rule is a dark run at least this long (inches); a dash or a letter's bar at body sizes
# is a fifth of that. A tilted rule is a staircase of runs, each thickness/slope long (a 0.6 pt
# rule at 1° gives half an inch), so a quarter inch still finds the rules of a skewed scan.
RULE_INCHES = 0.25
RULE_SCALE = 2  # rules are looked for at 1/RULE_SCALE of the page image's resolution
SPECK_PIXELS = 2  # a box column with fewer dark pixels is scanner noise
INK_LEVEL = 160  # grey below this is ink
# rules each way that make a table's grid: a chart has an axis one way; a page of bars, a
# hatched or scanned picture has far more; a map's borders are not straight for half an inch
GRID_RULES = (3, 30)
GRID_RULE_INCHES = 0.5  # of run pixels in one pixel column (row) for a rule to count
RULE_SPREAD_INCHES = 0.2  # a rule tilted with the scan spreads over this much at most
GRID_PSM = 6  # tesseract: "one uniform block of text"; finds more short cells than 11 ("sparse text")


def ocr_page(page: Page, image: Image.Image, lang: str, timeout: float) -> None:
    """Replace ``page.words`` with tesseract's words; set method and mean confidence.

    ``image`` is as ``Renderer.render`` gives it, its resolution in ``image.info["dpi"]`` (a
    large page may have got fewer dpi than asked). A page read with little confidence may be a
    sideways or upside-down scan: tesseract's orientation detection is asked, and if turning the
    page upright reads better, the page keeps the turned geometry (``page.rotation``). Drawn
    rulings are kept on an upright page: a garbage text layer still has valid table borders.
    """
    if is_blank(image):  # tesseract takes a quarter of a second even to find nothing
        page.words, page.method, page.ocr_confidence = [], "ocr", 0.0
        page.triage += "; blank page image, not OCR'd"
        return
    found = _read(image, lang, timeout)
    if found and _looks_turned(found):  # (a blank page has nothing to turn)
        try:
            turn = tesseract.orientation(image, timeout)
        except PageError:  # the first reading stands
            turn = None
        if turn is not None and turn[0] % 360 and turn[1] >= MIN_ORIENTATION_CONFIDENCE:
            upright = image.rotate(-turn[0], expand=True)  # PIL turns counter-clockwise
            upright.info["dpi"] = image.info["dpi"]
            again = _read(upright, lang, timeout)
            if _confidence(again) > _confidence(found):
                found, image = again, upright
                page.rotation = turn[0]
                if turn[0] in (90, 270):
                    page.width, page.height = page.height, page.width
                page.rulings = []  # drawn in the unturned page's frame
                page.triage += f"; turned {turn[0]}° clockwise to read it upright (tesseract OSD)"
    scale = 72.0 / image.info["dpi"][0]
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
    page.ocr_confidence = _confidence(found)


def is_blank(image: Image.Image) -> bool:
    """Next to no dark pixels, counted on a quarter-size copy (milliseconds, where tesseract
    takes a quarter of a second or more on an empty page)."""
    small = image.convert("L").reduce(4)  # 4x4 blocks averaged: specks fade, a letter stays grey
    return float((np.asarray(small) < 160).mean()) < BLANK_INK_SHARE


def _read(image: Image.Image, lang: str, timeout: float) -> list[tesseract.OcrWord]:
    """tesseract's words, rule glyphs dropped and ≥/≤ read again from the glyph.

    On a page with a table's grid of rules the rules are painted out first: next to a rule
    tesseract's layout analysis takes a narrow cell for part of a graphic and drops it (a
    scanned KPI table lost half its values), and the letters touching a rule are read as "|"
    or "l". Even then its page layout (``--psm 3``) drops whole columns of short values, so the
    grid is read as one block; the table stage orders the words by their boxes. Other pages
    are read as they are: with a chart's frame and bars painted out, its hatching is read as
    words.
    """
    cleaned, grid = without_rules(image)
    if grid:
        image = cleaned
    found = tesseract.image_to_words(image, lang=lang, timeout=timeout, psm=GRID_PSM if grid else 3)
    ink = np.asarray(image.convert("L")) < 128
    for w in found:
        _trim(w, ink)
        w.text = RULE_GLYPHS.sub("", w.text)
        if RELATION_GUESSES.match(w.text):
            relation = _relation(ink, w.left, w.top, w.width / len(w.text), w.height)
            w.text = (relation or w.text[0]) + w.text[1:]
    return [w for w in found if w.text]


def _trim(word: tesseract.OcrWord, ink: np.ndarray) -> None:
    """Narrow the word's box to the columns that hold its ink. tesseract's box may take in a
    speck or a rule's remains beside the glyph (a "≥" boxed 16 pt wide), which closes the
    column gap next to it; a lone dark pixel is noise, not a glyph's column."""
    box = ink[word.top : word.top + word.height, word.left : word.left + word.width]
    inked = np.flatnonzero(box.sum(axis=0) >= SPECK_PIXELS)
    if inked.size:
        word.left, word.width = word.left + int(inked[0]), int(inked[-1] - inked[0] + 1)


def without_rules(image: Image.Image) -> tuple[Image.Image, bool]:
    """A greyscale copy with every long straight dark run (a drawn rule, horizontal or
    vertical) and a pixel around it painted white (text strokes are far shorter), and whether
    there were rules enough both ways to be a table's grid.

    The runs are found at half resolution (2x2 blocks averaged; a rule stays dark, the work is
    a quarter): at full resolution this took as long as tesseract's own reading of the page.
    """
    grey_image = image.convert("L")
    grey = np.asarray(grey_image)
    dpi = image.info["dpi"][0] / RULE_SCALE
    ink = np.asarray(grey_image.reduce(RULE_SCALE)) < INK_LEVEL
    length = max(int(RULE_INCHES * dpi), 2)
    down, across = _runs(ink, length, 0), _runs(ink, length, 1)
    rules = down | across
    if not rules.any():
        return image, False
    grown = rules.copy()  # the rule's anti-aliased edge
    grown[1:] |= rules[:-1]
    grown[:-1] |= rules[1:]
    grown[:, 1:] |= rules[:, :-1]
    grown[:, :-1] |= rules[:, 1:]
    full = np.zeros(grey.shape, bool)  # back to full resolution (an odd last row or column stays)
    up = grown.repeat(RULE_SCALE, 0).repeat(RULE_SCALE, 1)
    full[: up.shape[0], : up.shape[1]] = up[: grey.shape[0], : grey.shape[1]]
    out = Image.fromarray(np.where(full, 255, grey).astype(np.uint8), "L")
    out.info["dpi"] = image.info["dpi"]
    counts = [_rule_count(runs, int(GRID_RULE_INCHES * dpi), RULE_SPREAD_INCHES * dpi, axis)
              for runs, axis in ((down, 0), (across, 1))]
    return out, all(GRID_RULES[0] <= n <= GRID_RULES[1] for n in counts)


def _rule_count(rules: np.ndarray, length: int, widest: float, axis: int) -> int:
    """How many separate rules run along ``axis``: bands of neighbouring pixel columns (rows)
    each holding a rule's length of run pixels. A band wider than ``widest`` is a filled area
    (a chart's bar), not a rule."""
    holds = rules.sum(axis=axis) >= length
    edges = np.flatnonzero(np.diff(np.concatenate([[0], holds.astype(np.int8), [0]])))
    return sum(1 for start, end in zip(edges[::2], edges[1::2]) if end - start <= widest)


def _runs(ink: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Pixels on a run of at least ``length`` ink pixels along ``axis``: a morphological
    opening with a line, as an erosion then a dilation by doubling shifts (log2(length) boolean
    ANDs, then ORs, over the page; cumulative sums took 4x longer, as long as a fifth of
    tesseract's own reading of a page)."""
    a = np.ascontiguousarray(np.moveaxis(ink, axis, 0))  # shifts run down memory, not across it
    n = a.shape[0]
    if n < length:
        return np.zeros_like(ink)
    # full[i]: the window of ``length`` pixels starting at i is all ink (two windows of a power
    # of two, overlapping, make up any length up to twice theirs)
    full, width = a, 1
    while 2 * width <= length:
        full = full[:-width] & full[width:]
        width *= 2
    if width < length:
        full = full[: len(full) - (length - width)] & full[length - width:]
    # pixel j is covered by a full window starting in [j - length + 1, j]
    covered = np.zeros(a.shape, bool)
    covered[: len(full)] = full
    width = 1
    while 2 * width <= length:
        covered[width:] |= covered[:-width]  # numpy buffers overlapping operands
        width *= 2
    if width < length:
        covered[length - width:] |= covered[: n - (length - width)]
    return np.moveaxis(covered, 0, axis)


def _looks_turned(found: list[tesseract.OcrWord]) -> bool:
    """Upside down, tesseract reads little and unsure; sideways, it may read the words well
    but each box stands taller than wide and the lines come out as scrambled columns."""
    long = [w for w in found if len(w.text) >= 3]
    standing = sum(1 for w in long if w.height > w.width)
    return _confidence(found) < UPRIGHT_CONFIDENCE or standing > STANDING_SHARE * len(long)


def _confidence(found: list[tesseract.OcrWord]) -> float:
    """Mean confidence per character (long words count more); 0 for no words."""
    total = sum(len(w.text) for w in found)
    return sum(w.conf * len(w.text) for w in found) / total if total else 0.0


def _relation(ink: np.ndarray, left: int, top: int, width: float, height: int) -> str | None:
    """"≥" or "≤" if the glyph in this box is a chevron over a bar, else None.

    A bar is a row dark across most of the glyph; "≥"/"≤" have one in their lower third and
    none above it (an "=" has two). The chevron's point says which: ">" has it on the right.
    """
    glyph = ink[top : top + height + 1, left : left + max(int(round(width)), 1)]
    if glyph.size == 0 or not glyph.any():
        return None
    bars = glyph.sum(axis=1) >= BAR_SHARE * glyph.shape[1]
    third = (2 * glyph.shape[0]) // 3
    if not bars[third:].any() or bars[:third].any():
        return None
    upper = glyph[:third]
    rows = np.flatnonzero(upper.any(axis=1))
    if len(rows) < 3:
        return None
    columns = np.arange(upper.shape[1])

    def centre(row: int) -> float:
        return float((columns * upper[row]).sum() / upper[row].sum())

    return "≥" if centre(rows[len(rows) // 2]) > centre(rows[0]) else "≤"
