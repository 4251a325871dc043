"""Layout: lines, reading order, running headers/footers, hyphenation and text normalisation."""
from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from pipeline.document import Line, Page, Ruling, Word
from pipeline.layout import build_lines, mark_running, page_texts
from pipeline.options import LayoutSettings
from pipeline.textnorm import clean_text, join_hyphenated, normalize_text

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
A4 = (595.0, 842.0)
SIZE = 10.0


# --- helpers -------------------------------------------------------------------------------


def _words(text: str, x: float, top: float, size: float = SIZE) -> list[Word]:
    """Words of ``text`` set in a roughly proportional font starting at ``x``."""
    out = []
    for token in text.split():
        width = 0.55 * size * len(token)
        out.append(Word(token, x, top, x + width, top + size))
        x += width + 0.3 * size
    return out


def _cells(cells: list[tuple[float, str]], top: float) -> list[Word]:
    return [w for x, text in cells for w in _words(text, x, top)]


def _page(words: list[Word], rulings: list[Ruling] | None = None, page_no: int = 1) -> Page:
    page = Page(page_no=page_no, width=A4[0], height=A4[1], words=words, rulings=rulings or [])
    page.lines = build_lines(page)
    return page


def _texts(lines: list[Line]) -> list[str]:
    return [line.text for line in lines]


def _rotate(words: list[Word], degrees: float, centre: tuple[float, float]) -> list[Word]:
    """The axis-aligned boxes an OCR engine reports for words on a page rotated by ``degrees``."""
    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    out = []
    for w in words:
        corners = [(x, y) for x in (w.x0, w.x1) for y in (w.top, w.bottom)]
        turned = [
            (centre[0] + (x - centre[0]) * cos - (y - centre[1]) * sin,
             centre[1] + (x - centre[0]) * sin + (y - centre[1]) * cos)
            for x, y in corners
        ]
        xs, ys = [p[0] for p in turned], [p[1] for p in turned]
        out.append(Word(w.text, min(xs), min(ys), max(xs), max(ys), conf=91.0))
    return out


def _pdf_pages(path: Path) -> list[Page]:
    with pdfplumber.open(path) as pdf:
        return [
            Page(
                page_no=i + 1,
                width=float(p.width),
                height=float(p.height),
                words=[
                    Word(w["text"], *(float(w[k]) for k in ("x0", "top", "x1", "bottom")))
                    for w in p.extract_words()
                ],
            )
            for i, p in enumerate(pdf.pages)
        ]


@pytest.fixture(scope="module")
def canvas_factory() -> Callable[[Path], Canvas]:
    pdfmetrics.registerFont(TTFont("DejaVuSans", FONT))

    def make(path: Path) -> Canvas:
        canvas = Canvas(str(path), pagesize=A4)
        canvas.setFont("DejaVuSans", SIZE)
        return canvas

    return make


def _next_page(canvas: Canvas) -> None:
    """End the page; reportlab resets the font on each new page."""
    canvas.showPage()
    canvas.setFont("DejaVuSans", SIZE)


def _draw(canvas: Canvas, x: float, top: float, text: str) -> None:
    """Draw with ``top`` measured from the page top, like pdfplumber reports it."""
    canvas.drawString(x, A4[1] - top - SIZE, text)


# --- lines and reading order ---------------------------------------------------------------


def test_single_column_lines_and_paragraph_blocks() -> None:
    body = ["Pirmā rindkopa sākas šeit", "un turpinās otrajā rindā", "Otrā rindkopa pēc tam"]
    tops = [100.0, 114.0, 142.0]
    words = [w for text, top in zip(body, tops) for w in _words(text, 72, top)]
    page = _page(list(reversed(words)))
    assert _texts(page.lines) == body
    assert [line.block for line in page.lines] == [0, 0, 1]


def _two_column_words(rows: int = 6, right_x: float = 315) -> tuple[list[Word], list[str]]:
    """A full-width title over two columns; left lines end by x=258, the right start at right_x."""
    title = "Veselības ministrijas darbības stratēģija divās kolonnās ar virsrakstu pāri abām"
    left = [f"kreisā {i} rinda ar vairākiem vārdiem" for i in range(rows)]
    right = [f"labā {i} rinda ar citiem vārdiem" for i in range(rows)]
    words = _words(title, 72, 60)
    for i, (lt, rt) in enumerate(zip(left, right)):
        words += _words(lt, 72, 100 + 14 * i) + _words(rt, right_x, 100 + 14 * i)
    return words, [title, *left, *right]


def test_two_columns_read_left_column_then_right() -> None:
    words, expected = _two_column_words()
    page = _page(words)
    assert _texts(page.lines) == expected
    blocks = [line.block for line in page.lines]
    assert blocks[0] != blocks[1] and blocks[6] != blocks[7]


def test_two_columns_from_a_generated_pdf(
    tmp_path: Path, canvas_factory: Callable[[Path], Canvas]
) -> None:
    path = tmp_path / "columns.pdf"
    canvas = canvas_factory(path)
    _draw(canvas, 72, 50, "Pašvaldību sadarbības tīkla 2025. gada pārskats par paveikto darbu")
    left = [f"Kuldīgā {i}. pasākums ar līdzdalību" for i in range(8)]
    right = [f"Jelgavā {i}. sanāksmē apsprieda soļus" for i in range(8)]
    for i in range(8):
        _draw(canvas, 72, 90 + 14 * i, left[i])
        _draw(canvas, 320, 90 + 14 * i, right[i])
    _next_page(canvas)
    canvas.save()
    (page,) = _pdf_pages(path)
    page.lines = build_lines(page)
    assert _texts(page.lines)[1:] == left + right


@pytest.mark.parametrize("columns", [slice(0, 5), slice(1, 4)])
def test_table_rows_keep_left_to_right_order(columns: slice) -> None:
    rows = [
        [(72, "Nr."), (120, "Rādītājs"), (330, "2025"), (400, "2026"), (470, "2027")],
        [(72, "1."), (120, "Apmācīto skaits kopā"), (330, "≥ 20%"), (400, "≥ 40%"), (470, "≥ 60%")],
        [(72, "2."), (120, "Aptaujas"), (330, "1x"), (400, "1x"), (470, "1x")],
        [(72, "3."), (120, "Digitālie pakalpojumi"), (330, "x"), (400, "5"), (470, "8")],
    ]
    rows = [row[columns] for row in rows]  # five columns, or three with two numeric ones
    words = [w for i, row in enumerate(rows) for w in _cells(row, 100 + 16 * i)]
    page = _page(words)
    assert _texts(page.lines) == [" ".join(text for _, text in row) for row in rows]


def test_two_prose_stacks_with_rules_across_are_a_table() -> None:
    rows = [(f"pasākums numur {i} ar aprakstu", f"atbildīgā iestāde {i}") for i in range(4)]
    words = [w for i, (a, b) in enumerate(rows) for w in _cells([(72, a), (320, b)], 100 + 20 * i)]
    rules = [Ruling(70, 96 + 20 * i, 520, 96 + 20 * i) for i in range(5)]
    assert _texts(_page(words, rules).lines) == [f"{a} {b}" for a, b in rows]
    # the same stacks without the rules are two columns of prose
    assert _texts(_page(words).lines) == [a for a, _ in rows] + [b for _, b in rows]


def test_header_and_page_number_beside_columns_are_read_first_and_last() -> None:
    words, expected = _two_column_words()
    words += _words("Stratēģija 2025–2028", 420, 30) + _words("3", 72, 805)
    texts = _texts(_page(words).lines)
    assert texts == ["Stratēģija 2025–2028", *expected, "3"]


def test_skewed_ocr_words_group_into_their_lines() -> None:
    text = [f"rinda {i} " + " ".join(f"vārds{i}{k}" for k in range(11)) for i in range(10)]
    words = [w for i, line in enumerate(text) for w in _words(line, 40, 100 + 14 * i)]
    for degrees in (1.0, -1.0):
        page = _page(_rotate(words, degrees, (297.0, 421.0)))
        assert _texts(page.lines) == text
        assert all(w.conf == 91.0 for line in page.lines for w in line.words)


def test_skewed_two_columns_keep_column_order() -> None:
    # 40 rows: at 1 degree the 17 pt gutter drifts ~10 pt from top to bottom
    words, expected = _two_column_words(rows=40, right_x=275)
    page = _page(_rotate(words, 1.0, (297.0, 421.0)))
    assert _texts(page.lines) == expected


def test_ocr_specks_neither_break_lines_nor_split_paragraphs() -> None:
    # boxes as tesseract reported them: a speck under the end of "Rādītājs" overlaps it but not
    # the digits after it, and a stray mark sits between two lines of one paragraph
    words = [
        Word("Rādītājs", 51, 176.4, 90, 185.5, conf=96.0),
        Word("i", 247, 184.3, 248, 184.8, conf=29.0),
        Word("2024", 301, 173.3, 322, 180.5, conf=96.0),
        Word("2025", 381, 172.4, 402, 179.3, conf=96.0),
        *_words("Pirmā rindkopas rinda", 51, 200),
        Word("'", 300, 211.5, 301, 212.3, conf=20.0),
        *_words("otrā rindkopas rinda", 51, 214),
    ]
    page = _page(words)
    assert _texts(page.lines) == [
        "Rādītājs i 2024 2025",
        "Pirmā rindkopas rinda '",
        "otrā rindkopas rinda",
    ]
    assert page.lines[1].block == page.lines[2].block


def test_empty_page_has_no_lines() -> None:
    assert build_lines(Page(page_no=1, width=0.0, height=0.0)) == []


# --- running headers, footers, page numbers ------------------------------------------------

FOOTERS = ["1. lpp.", "- 2 -", "Lappuse 3 no 4", "4 / 4"]


def _running_pdf(path: Path, canvas_factory: Callable[[Path], Canvas]) -> None:
    canvas = canvas_factory(path)
    for n, footer in enumerate(FOOTERS, start=1):
        _draw(canvas, 72, 30, f"Veselības ministrija {n}")
        _draw(canvas, 380, 30, "Stratēģija 2025–2028")
        _draw(canvas, 72, 110, f"Lapas {n} pamatteksts ar pašval-")
        _draw(canvas, 72, 124, "dībām un finansējumu, kas turpinās.")
        if n == 2:
            _draw(canvas, 72, 760, "12 pašvaldības iesniedza pieteikumus")
        _draw(canvas, 280, 800, footer)
        _next_page(canvas)
    canvas.save()


def test_running_lines_dropped_from_text_kept_in_raw(
    tmp_path: Path, canvas_factory: Callable[[Path], Canvas]
) -> None:
    path = tmp_path / "running.pdf"
    _running_pdf(path, canvas_factory)
    pages = _pdf_pages(path)
    for page in pages:
        page.lines = build_lines(page)
        page.words = []  # mark_running must work from the lines alone
    mark_running(pages)
    for n, (page, footer) in enumerate(zip(pages, FOOTERS), start=1):
        raw, text = page_texts(page)
        assert f"Veselības ministrija {n}" in raw and footer in raw
        assert "Veselības" not in text and "Stratēģija" not in text and footer not in text
        body = f"Lapas {n} pamatteksts ar pašvaldībām\nun finansējumu, kas turpinās."
        assert text.startswith(body)
    assert "12 pašvaldības iesniedza pieteikumus" in page_texts(pages[1])[1]


@pytest.mark.parametrize("number", ["3", "lapa 3 no 9", "3. lpp.", "Page 3 of 9", "p. 3"])
def test_bare_page_number_on_a_single_page(number: str) -> None:
    page = _page(_words("Vienīgās lapas teksts", 72, 100) + _words(number, 290, 805))
    mark_running([page])
    assert page_texts(page)[1] == "Vienīgās lapas teksts"


def test_number_cell_with_table_below_is_not_a_page_number() -> None:
    words = _words("Vienīgās lapas teksts", 72, 100) + _words("8", 300, 760)
    words += _cells([(72, "darbinieki"), (300, "VM"), (400, "SPKC")], 790)
    page = _page(words)
    mark_running([page])
    assert page.running == set()


def test_repeated_table_header_row_is_not_running() -> None:
    header = [(72, "Rādītājs"), (250, "Bāze"), (350, "2025"), (450, "2026")]
    pages = []
    for n in range(1, 4):
        row = [(72, f"Rādītājs {n}"), (250, "5"), (350, "6"), (450, "7")]
        words = _cells(header, 75) + _cells(row, 92)
        pages.append(_page(words, page_no=n))
    mark_running(pages)
    assert all(page.running == set() for page in pages)


@pytest.mark.parametrize(("repeats", "running"), [(2, False), (3, True)])
def test_band_line_is_running_from_half_of_the_pages(repeats: int, running: bool) -> None:
    others = ["Ievads", "Mērķi", "Uzdevumi", "Rezultāti"]
    headings = ["Pielikums par pasākumiem"] * repeats + others[: 6 - repeats]
    pages = [
        _page(_words(heading, 72, 60) + _words("Pamatteksts lapā", 72, 300), page_no=n)
        for n, heading in enumerate(headings, start=1)
    ]
    mark_running(pages)
    assert [bool(page.running) for page in pages] == [running] * repeats + [False] * (6 - repeats)
    mark_running(pages, LayoutSettings(running_share=1 / 3))  # the share is the config's, not a constant
    assert [bool(page.running) for page in pages[:repeats]] == [True] * repeats


# --- text normalisation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("pašval-\ndības ir", "pašvaldības\nir"),
        ("pašval-\ndības", "pašvaldības"),
        ("Rīga-\nJūrmala un", "Rīga-Jūrmala\nun"),
        ("e-\npasts: vm@vm.gov.lv", "e-pasts:\nvm@vm.gov.lv"),
        ("COVID-\n19 pandēmija", "COVID-19\npandēmija"),
        ("ES-\nfondi", "ES-fondi"),
        ("2025–\n2028", "2025–\n2028"),
        ("Iecava -\nBabīte", "Iecava -\nBabīte"),
        ("pašval-\n\ndības", "pašval-\n\ndības"),
        ("pašval\u00ad\ndības", "pašvaldības"),
        ("ap-\nvie-\nnošana", "apvienošana"),
        ("sa\u0304-\nkums", "sa\u0304kums"),
    ],
)
def test_join_hyphenated(text: str, joined: str) -> None:
    assert join_hyphenated(text) == joined


def test_normalize_text() -> None:
    assert normalize_text("ﬁnanses ﬂ ﬀ ﬃ ﬄ  \nsa\u0304kt") == "finanses fl ff ffi ffl\nsākt"
    assert normalize_text("pašval\u00addības") == "pašvaldības"
    assert clean_text("sa\u0304ku-\nmā ﬁ") == "sākumā\nfi"


def test_page_text_blocks_and_normalisation() -> None:
    words = _words("Pirmais bloks ﬁnanšu pašval-", 72, 100)
    words += _words("dības līdz Rīga-Jūrmala", 72, 114) + _words("Otrais bloks sa\u0304kas", 72, 160)
    page = _page(words)
    mark_running([page])
    raw, text = page_texts(page)
    assert raw == "Pirmais bloks ﬁnanšu pašval-\ndības līdz Rīga-Jūrmala\n\nOtrais bloks sa\u0304kas"
    assert text == "Pirmais bloks finanšu pašvaldības\nlīdz Rīga-Jūrmala\n\nOtrais bloks sākas"


def test_layout_and_tables_read_one_line_model() -> None:
    """Layout rows and table lines come from one model (``geometry.visual_lines``): on a page
    skewed by 1° the two stages group exactly the same words into lines."""
    from pipeline.tables import DEFAULT
    from pipeline.tables.lines import page_boxes, table_lines

    slope = 0.0175
    words = []
    for r, row in enumerate([["Rādītājs", "2024", "2025", "2026"], ["Vakcinācijas aptvere", "85%", "90%", "95%"],
                             ["Smēķētāju īpatsvars", "22%", "20%", "18%"], ["Fiziski aktīvie", "30%", "35%", "40%"]]):
        for x, text in zip([51, 300, 380, 460], row):
            for w in _words(text, x, 100 + 20 * r):
                words.append(Word(w.text, w.x0, w.top + slope * w.x0, w.x1, w.bottom + slope * w.x0))
    words += _words("Pēc tabulas seko teksts, kas nav tabulas daļa un stāv vienā rindā.", 51, 200)
    page = _page(words)
    boxes, height = page_boxes(page, DEFAULT)
    by_tables = {frozenset(id(b.word) for b in line.boxes) for line in table_lines(boxes, height, DEFAULT)}
    by_layout = {frozenset(id(w) for w in line.words) for line in page.lines}
    assert by_tables == by_layout and len(by_layout) == 5
