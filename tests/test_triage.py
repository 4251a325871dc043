"""Triage: which text layers are kept, which pages are OCR'd, and why."""
from __future__ import annotations

from pipeline import language
from pipeline.document import Page, Word
from pipeline.source import PageRead
from pipeline.triage import assess


def page_of(text: str, image_cover: float = 0.0) -> PageRead:
    words = [Word(w, 10.0 * i, 100.0, 10.0 * i + 8, 110.0) for i, w in enumerate(text.split())]
    return PageRead(page=Page(1, 595.0, 842.0, words=words), image_cover=image_cover)


# few short function words, which Latvian shares by folded spelling ("the", "and", "was")
ENGLISH = ("Annual precipitation anomalies: monthly sums compared with climatological normals, "
           "measured at meteorological stations; warmest winter recorded, followed by "
           "exceptionally sunny weather throughout spring")
LATVIAN_FOLDED = ("Pasvaldiba nodrosina atbalstu gimenem ar berniem un organize izglitibas "
                  "pasakumus visa novada teritorija katru gadu.")


def test_english_text_layer_is_kept() -> None:
    needs_ocr, why = assess(page_of(ENGLISH), language.known_ratio)
    assert not needs_ocr, why


def test_latvian_without_diacritics_is_kept() -> None:
    assert not assess(page_of(LATVIAN_FOLDED), language.known_ratio)[0]


def test_wrong_encoding_is_garbage() -> None:
    garbage = " ".join(["Ð×Üqw", "zzkt", "bvvfÞ", "qqxr", "ÂÂÐk", "wxvq"] * 3)
    needs_ocr, why = assess(page_of(garbage), language.known_ratio)
    assert needs_ocr and "garbage" in why
