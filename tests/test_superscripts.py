"""Superscript digits in a text layer (legal references, times) are kept as Unicode superscripts."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from pipeline.source import Limits, open_pdf, read_page


def _pdf(path: Path) -> None:
    pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    canvas = Canvas(str(path), pagesize=A4)
    for y, parts in (
        (780, [("Saskaņā ar likuma 2.", 0), ("10", 1), (" pantu un 18.", 0), ("1", 1),
               (" panta otro daļu", 0)]),
        (750, [("Sapulce sākas plkst. 9", 0), ("00", 1), (" skolas zālē.", 0)]),
    ):
        text = canvas.beginText(60, y)
        for part, raised in parts:
            text.setFont("DejaVu", 7 if raised else 11)
            text.setRise(4 if raised else 0)
            text.textOut(part)
        canvas.drawText(text)
    canvas.setFont("DejaVu", 7)  # a footnote: small, but on its own baseline
    canvas.drawString(60, 60, "1 Grozījumi izdarīti 2024. gada 12. martā.")
    canvas.save()


def test_raised_small_digits_become_superscripts(tmp_path: Path) -> None:
    path = tmp_path / "refs.pdf"
    _pdf(path)
    with open_pdf(path, Limits()) as pdf:
        words = [w.text for w in read_page(pdf, 0, Limits(), path).page.words]
    assert "2.¹⁰" in words and "18.¹" in words and "9⁰⁰" in words, words
    assert "2024." in words and "12." in words and "1" in words  # footnote digits stay digits
