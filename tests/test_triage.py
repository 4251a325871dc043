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
    needs_ocr, why, _ = assess(page_of(ENGLISH), language.known_ratio)
    assert not needs_ocr, why


def test_latvian_without_diacritics_is_kept() -> None:
    assert not assess(page_of(LATVIAN_FOLDED), language.known_ratio)[0]


def test_wrong_encoding_is_garbage() -> None:
    garbage = " ".join(["Ð×Üqw", "zzkt", "bvvfÞ", "qqxr", "ÂÂÐk", "wxvq"] * 3)
    needs_ocr, why, _ = assess(page_of(garbage), language.known_ratio)
    assert needs_ocr and "garbage" in why


# ------------------------------------------------------------- a scan with the scanner's own OCR

SCANNED = [  # what the page shows (own text)
    "LATVIJAS REPUBLIKAS UZŅĒMUMU REĢISTRS",
    "Biedrība Vieglatlētikas klubs ir reģistrēta 2019. gada 4. martā.",
    "Kopējā līguma summa ir 11 972,81 EUR, no tās avanss 10 709,73 EUR.",
    "Valde apstiprina gada pārskatu un iesniedz to reģistram līdz termiņa beigām.",
    "Biedru sapulce notiek reizi gadā, un par to paziņo visiem biedriem rakstiski.",
    "Klubs organizē sacensības jauniešiem un pieaugušajiem visā novadā.",
]
LAYER = [  # what the scanner's OCR put in the invisible text layer
    "LATVI}ASR EPUBLIKASU ZTYEMUMUR EqISTRS",
    "Biedriba VieglatlEtikas klubs ir registrEta 2019. gada 4. marta.",
    "Kopeja liguma summa ir I I 972,81EUR, no tas avanss l0 709,73 EUR.",
    "Valde apstiprina gada parskatu un iesniedz to registram lidz termina beigam.",
    "Biedru sapulce notiek reizi gada, un par to pazino visiem biedriem rakstiski.",
    "Klubs organize sacensibas jauniesiem un pieaugusajiem visa novada.",
]


def scan_with_layer(path, shown: list[str], layer: list[str]) -> None:
    """A page image of ``shown`` with ``layer`` as invisible text over it, as scanners make."""
    import io

    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    clean = io.BytesIO()
    canvas = Canvas(clean, pagesize=A4)
    canvas.setFont("DejaVu", 12)
    for i, line in enumerate(shown):
        canvas.drawString(60, 780 - 22 * i, line)
    canvas.save()
    pdf = pdfium.PdfDocument(clean.getvalue())
    image = pdf[0].render(scale=200 / 72, grayscale=True).to_pil()
    pdf.close()
    png = io.BytesIO()
    image.save(png, "PNG")
    canvas = Canvas(str(path), pagesize=A4)
    canvas.drawImage(ImageReader(png), 0, 0, *A4)
    text = canvas.beginText()
    text.setTextRenderMode(3)  # invisible
    text.setFont("DejaVu", 12)
    for i, line in enumerate(layer):
        text.setTextOrigin(60, 780 - 22 * i)
        text.textOut(line)
    canvas.drawText(text)
    canvas.save()


def read_only(path):
    from pipeline import components
    from pipeline.document import Document

    doc = Document(doc_id="t", source_path=str(path), file_name=path.name)
    return components.run(doc, components.Context(components.Config()), ("read",)).pages[0]


def test_scanner_layer_with_damage_is_read_again(tmp_path) -> None:
    """Its lexicon rate alone (above 35%) kept this layer; broken numbers, split words and
    capitals for marked letters now send it to OCR, and the better reading wins."""
    assert language.known_ratio(" ".join(LAYER)) > 0.35
    path = tmp_path / "scan.pdf"
    scan_with_layer(path, SCANNED, LAYER)
    page = read_only(path)
    assert page.method == "ocr", page.triage
    assert "OCR kept" in page.triage and "to compare" in page.triage
    text = " ".join(w.text for w in page.words)
    assert "11 972,81" in text and "10 709,73" in text and "Vieglatlētikas" in text


def test_clean_scanner_layer_is_kept(tmp_path) -> None:
    path = tmp_path / "scan.pdf"
    scan_with_layer(path, SCANNED, SCANNED)
    page = read_only(path)
    assert page.method == "text" and "text layer kept" in page.triage, page.triage


def test_reading_sees_numbers_splits_and_capitals() -> None:
    from pipeline.triage import reading

    assert reading(["Kopējā", "summa", "ir", "11", "972,81", "EUR"]) == 1.0
    assert reading(["Kopējā", "summa", "ir", "I", "I", "972,81EUR"]) < 0.8
    assert reading(["avanss", "l0", "709,73", "EUR"]) == 0.75
    assert reading(["Biedrība", "VieglatlEtikas", "ir", "registrEta"]) == 0.5


def test_scanner_layer_stays_when_ocr_fails(tmp_path, monkeypatch) -> None:
    from pipeline import components
    from pipeline.errors import OcrTimeoutError

    def timeout(*args, **kwargs):
        raise OcrTimeoutError("tesseract timed out")

    monkeypatch.setattr(components, "ocr_page", timeout)
    path = tmp_path / "scan.pdf"
    scan_with_layer(path, SCANNED, LAYER)
    page = read_only(path)
    assert page.method == "text" and "OCR failed" in page.triage
    assert len(page.words) > 30
