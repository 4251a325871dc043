"""Tables: ruled, unruled and OCR'd tables against fixture gold; what is not a table; stitching.

Cell accuracy is the share of gold cells whose text matches at the same position after
whitespace normalisation (``scoring.cell_accuracy``). Measured on the fixtures: ruled 1.00,
unruled 1.00, the 3-page KPI table 1.00; scan page 1 0.857 and page 2 0.55, plan_nounicode
page 1 (OCR words in drawn rulings) 0.857 - the losses are tesseract's (see ``test_scanned``).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from conftest import gold
from pagebuild import ocr_pages, text_pages
from pipeline.document import Cell, Line, Page, Table, Word
from pipeline.tables import find_tables, stitch
from bench.scoring import cell_accuracy

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
A4 = (595.0, 842.0)
SIZE = 9.0


# --- drawing small PDFs ---------------------------------------------------------------------


def _pdf(path: Path, *pages: Callable[[Canvas], None]) -> Path:
    """A PDF whose pages are drawn by ``pages`` in DejaVu Sans (Latvian letters)."""
    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    c = Canvas(str(path), pagesize=A4)
    for draw in pages:
        c.setFont("DejaVu", SIZE)
        draw(c)
        c.showPage()
    c.save()
    return path


def _at(c: Canvas, x: float, top: float, text: str, right: bool = False, centre: bool = False) -> None:
    """Text whose line starts ``top`` points below the top of the page."""
    y = A4[1] - top - SIZE
    if right:
        c.drawRightString(x, y, text)
    elif centre:
        c.drawCentredString(x, y, text)
    else:
        c.drawString(x, y, text)


def _rows(c: Canvas, xs: list[float], top: float, rows: list[list[str]], pitch: float = 20.0) -> None:
    """Cells starting at ``xs``, one row every ``pitch`` points; a "\\n" wraps a cell 11 points lower."""
    for r, row in enumerate(rows):
        for x, text in zip(xs, row):
            for k, line in enumerate(text.split("\n")):
                _at(c, x, top + r * pitch + k * 11, line)


def _pages(tmp_path: Path, *draw: Callable[[Canvas], None]) -> list[Page]:
    return text_pages(_pdf(tmp_path / "t.pdf", *draw))


PROSE = (
    "Darba plāns nosaka Nacionālā veselīgo pašvaldību tīkla sekretariāta un dalībpašvaldību",
    "kopīgās aktivitātes, kas stiprina iedzīvotāju veselību un labbūtību vietējā līmenī. Plāna",
    "īstenošanā iesaistās visas tīkla pašvaldības, tostarp Kuldīgā, Jelgavas novadā un bijušajā",
    "Babītes novadā esošās kopienas, kurās jau darbojas veselības veicināšanas koordinatori.",
    "Pašvaldību pieredze tiks apkopota un izmantota, plānojot sabiedrības veselības pasākumus.",
)


# --- fixtures ---------------------------------------------------------------------------------


def _best(tables: list[Table], want: dict) -> tuple[float, Table | None]:
    scored = [(cell_accuracy(want["cells"], t.grid()), t) for t in tables if t.page_first == want["page_first"]]
    return max(scored, key=lambda s: s[0], default=(0.0, None))


def test_ruled_and_unruled_fixture_tables(fixture_pdf: Path) -> None:
    tables = stitch([t for p in text_pages(fixture_pdf / "plan_text.pdf") for t in find_tables(p)])
    assert len(tables) == 2
    for want in gold("plan_text")["tables"]:
        score, got = _best(tables, want)
        assert score >= 0.95, (want["method"], score)
        assert got is not None and got.method == want["method"]
        assert got.header_rows() == list(range(want["header_rows"]))


def test_kpi_multipage_is_one_table_with_header_once_and_split_row_rejoined(fixture_pdf: Path) -> None:
    parts = [t for p in text_pages(fixture_pdf / "kpi_multipage.pdf") for t in find_tables(p)]
    assert [t.page_first for t in parts] == [1, 2, 3]
    [table] = stitch(parts)
    want = gold("kpi_multipage")["tables"][0]
    assert (table.page_first, table.page_last, table.method) == (1, 3, "ruled")
    assert cell_accuracy(want["cells"], table.grid()) >= 0.99
    assert table.n_rows == len(want["cells"])
    assert table.header_rows() == [0]
    assert sum(c.text == "Rādītājs" for c in table.cells) == 1
    row14 = next(r for r in table.grid() if r[0] == "14.")
    assert row14 == want["cells"][14]  # the indicator split by the page break, in one cell
    assert sorted({c.page_no for c in table.cells}) == [1, 2, 3]
    assert sorted({c.row for c in table.cells}) == list(range(table.n_rows))


@pytest.fixture(scope="module")
def scanned(fixture_pdf: Path) -> list[Page]:
    return ocr_pages(fixture_pdf / "plan_scan.pdf")


@pytest.mark.ocr
def test_scanned(scanned: list[Page]) -> None:
    """Alignment on tesseract's boxes of a 0.8° tilted scan. What is lost is OCR: the `lav`
    model has no ≥/≤ (it reads > <), and it drops a few words ("Marts", "Visu periodu")."""
    tables = stitch([t for p in scanned for t in find_tables(p)])
    scores = []
    for want in gold("plan_scan")["tables"]:
        score, got = _best(tables, want)
        assert got is not None and got.method == "ocr"
        assert got.n_cols == len(want["cells"][0])
        scores.append(score)
    assert scores[0] >= 0.8 and scores[1] >= 0.5, scores
    assert sum(t.page_first == 2 and t.header_rows() == [0] for t in tables) == 1


@pytest.mark.ocr
def test_ocr_words_in_drawn_rulings(fixture_pdf: Path) -> None:
    """plan_nounicode: the text layer is junk and OCR'd, but its rulings are real: a ruled grid
    filled with tesseract's words (which miss the bold header row)."""
    [page] = ocr_pages(fixture_pdf / "plan_nounicode.pdf", page_nos=[1])
    [table] = find_tables(page)
    assert table.method == "ocr"
    assert cell_accuracy(gold("plan_nounicode")["tables"][0]["cells"], table.grid()) >= 0.8


# --- what is not a table ----------------------------------------------------------------------


def _prose(c: Canvas) -> None:
    for i, line in enumerate(PROSE):
        _at(c, 50, 100 + i * 12, line)


def _bullets(c: Canvas) -> None:
    items = ["Monitoringa veidlapu datu apkopošana un analīze", "Apmācības NVPT pārstāvjiem",
             "Vadlīniju pašvaldībām aktualizēšana", "Konsultāciju sniegšana veselības maršrutu izveidē"]
    for i, item in enumerate(items):
        _at(c, 60, 100 + i * 14, "•")
        _at(c, 78, 100 + i * 14, item)
    for i, item in enumerate(items):
        _at(c, 60, 200 + i * 14, f"{i + 1}.")
        _at(c, 78, 200 + i * 14, item)
    for i, place in enumerate(["- 26. aprīlī Kuldīgā", "- 28. aprīlī Rēzeknē", "- 9. maijā Jelgavā"]):
        _at(c, 60, 300 + i * 14, place)


def _title_block(c: Canvas) -> None:
    for i, line in enumerate(["APSTIPRINĀTS", "Nacionālā veselīgo pašvaldību tīkla",
                              "koordinācijas komisijas", "2022. gada 19. oktobra sēdē"]):
        _at(c, 545, 60 + i * 12, line, right=True)
    _at(c, 297, 130, "2023. gada Nacionālā veselīgo pašvaldību tīkla darba plāns", centre=True)
    _at(c, 297, 145, "Veselības ministrija", centre=True)
    _at(c, 50, 170, "Rīgā")
    _at(c, 545, 170, "Nr. 12-3/456", right=True)


def _two_columns(c: Canvas) -> None:
    for i in range(8):
        _at(c, 50, 100 + i * 12, PROSE[i % 5][:44])
        _at(c, 310, 100 + i * 12, PROSE[(i + 2) % 5][:44])


@pytest.mark.parametrize("draw", [_prose, _bullets, _title_block, _two_columns],
                         ids=["prose", "lists", "title_block", "text_columns"])
def test_text_that_is_not_a_table(tmp_path: Path, draw: Callable[[Canvas], None]) -> None:
    [page] = _pages(tmp_path, draw)
    assert page.words
    assert find_tables(page) == []


# --- cells and headers ------------------------------------------------------------------------


def test_wrapped_cell_is_one_cell_and_hyphenation_is_joined(tmp_path: Path) -> None:
    def draw(c: Canvas) -> None:
        _at(c, 50, 80, "Veselības veicināšanas rādītāji")
        _rows(c, [50, 180, 420], 100, [
            ["Laiks", "Aktivitāte", "Atbildīgais"],
            ["Februāris", "Ikgadējās tikšanās organizēšana\nkoordinatoriem un pašval-\ndību speciālistiem", "SPKC"],
        ], pitch=20)
        _rows(c, [50, 180, 420], 162, [["Līdz 31.03.", "Datu apkopošana", "Pašvaldības"],
                                       ["Marts", "Apmācības", "NVPT sekretariāts"]])
        _at(c, 50, 230, PROSE[0])
    [page] = _pages(tmp_path, draw)
    [table] = find_tables(page)
    assert table.method == "unruled"
    assert table.grid() == [
        ["Laiks", "Aktivitāte", "Atbildīgais"],
        ["Februāris", "Ikgadējās tikšanās organizēšana koordinatoriem un pašvaldību speciālistiem", "SPKC"],
        ["Līdz 31.03.", "Datu apkopošana", "Pašvaldības"],
        ["Marts", "Apmācības", "NVPT sekretariāts"],
    ]
    assert table.header_rows() == [0]
    assert table.table_id == "p1-t0"


def test_dense_rows_split_on_a_new_entry_not_on_spacing(tmp_path: Path) -> None:
    """Single-spaced rows: a capitalised first cell starts a row, a lower-case one continues it."""
    def draw(c: Canvas) -> None:
        _rows(c, [50, 250, 330], 100, [["Pašvaldība", "Skaits", "Īpatsvars"], ["Kuldīgas novads", "12", "15%"],
                                       ["Rēzeknes pilsēta un", "7", "9%"], ["novads", "", ""],
                                       ["Jelgava", "30", "41%"]], pitch=11)
    [page] = _pages(tmp_path, draw)
    [table] = find_tables(page)
    assert [r[0] for r in table.grid()] == ["Pašvaldība", "Kuldīgas novads", "Rēzeknes pilsēta un novads", "Jelgava"]
    assert table.header_rows() == [0]


def test_running_lines_are_never_rows(tmp_path: Path) -> None:
    def draw(c: Canvas) -> None:
        _rows(c, [50, 250, 330], 60, [["Veselības ministrija", "2025", "3. lpp."]])
        _rows(c, [50, 250, 330], 80, [["Pašvaldība", "Skaits", "Īpatsvars"], ["Kuldīgas novads", "12", "15%"],
                                      ["Jelgava", "30", "41%"]])
    [page] = _pages(tmp_path, draw)
    assert len(find_tables(page)[0].grid()) == 4  # the running header is read as a first row
    page.lines = [Line([w for w in page.words if w.top < 75])]
    page.running = {0}
    [table] = find_tables(page)
    assert [r[0] for r in table.grid()] == ["Pašvaldība", "Kuldīgas novads", "Jelgava"]


KPI_BODY = [["Vakcinācijas aptvere", "85%", "≥ 90%", "≥ 95%"],
            ["Smēķētāju īpatsvars", "22%", "≤ 20%", "≤ 18%"],
            ["Fiziski aktīvie iedzīvotāji", "30%", "≥ 35%", "≥ 40%"]]
HEADER_PATHS = ["", "Mērķa vērtības / 2024", "Mērķa vērtības / 2025", "Mērķa vērtības / 2026"]


def test_unruled_merged_header_becomes_header_paths(tmp_path: Path) -> None:
    def draw(c: Canvas) -> None:
        _at(c, 50, 100, "Rādītājs")
        _at(c, 345, 100, "Mērķa vērtības", centre=True)
        _rows(c, [50, 250, 330, 410], 116, [["", "2024", "2025", "2026"]] + KPI_BODY)
    [page] = _pages(tmp_path, draw)
    [table] = find_tables(page)
    assert table.n_cols == 4 and table.header_rows() == [0, 1]
    assert table.grid()[1] == HEADER_PATHS
    assert table.grid()[2:] == KPI_BODY


def test_ruled_merged_header_becomes_header_paths(tmp_path: Path) -> None:
    xs, tops = [50, 230, 310, 390, 470], [100, 118, 136, 156, 176, 196]

    def draw(c: Canvas) -> None:
        y = [A4[1] - t for t in tops]
        for v in y:  # the rule under "Mērķa vērtības" stops at "Rādītājs", which spans two rows
            c.line(xs[1] if v == y[1] else xs[0], v, xs[-1], v)
        for x in xs:  # the year columns' borders start under "Mērķa vērtības"
            c.line(x, y[1] if x in xs[2:-1] else y[0], x, y[-1])
        _at(c, 54, 104, "Rādītājs")
        _at(c, 234, 104, "Mērķa vērtības")
        for x, year in zip(xs[1:], ["2024", "2025", "2026"]):
            _at(c, x + 4, 122, year)
        _rows(c, [x + 4 for x in xs], 140, KPI_BODY)
    [page] = _pages(tmp_path, draw)
    [table] = find_tables(page)
    assert table.method == "ruled"
    assert table.header_rows() == [0, 1]
    assert table.grid()[0][:2] == ["Rādītājs", "Mērķa vērtības"]
    assert table.grid()[1] == HEADER_PATHS
    assert table.grid()[2:] == KPI_BODY


def _rotate(words: list[Word], degrees: float, centre: tuple[float, float]) -> list[Word]:
    """The axis-aligned boxes an OCR engine reports for words on a page turned by ``degrees``."""
    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    out = []
    for w in words:
        corners = [(centre[0] + (x - centre[0]) * cos - (y - centre[1]) * sin,
                    centre[1] + (x - centre[0]) * sin + (y - centre[1]) * cos)
                   for x in (w.x0, w.x1) for y in (w.top, w.bottom)]
        out.append(Word(w.text, min(x for x, _ in corners), min(y for _, y in corners),
                        max(x for x, _ in corners), max(y for _, y in corners), conf=90.0))
    return out


def test_skewed_ocr_words_still_align(tmp_path: Path) -> None:
    def draw(c: Canvas) -> None:
        _rows(c, [50, 350, 430, 510], 100, [["Rādītājs", "2024", "2025", "2026"]] + KPI_BODY)
    [page] = _pages(tmp_path, draw)
    turned = Page(page_no=1, width=A4[0], height=A4[1], method="ocr",
                  words=_rotate(page.words, -1.0, (A4[0] / 2, A4[1] / 2)))
    turned.words.append(Word("I", 200.0, 130.0, 200.4, 131.0, conf=30.0))  # a rule fragment
    [table] = find_tables(turned)
    assert table.method == "ocr"
    assert table.grid() == [["Rādītājs", "2024", "2025", "2026"]] + KPI_BODY


# --- stitching --------------------------------------------------------------------------------


def _table(page: int, rows: list[list[str]], header: int, top: float, bottom: float,
           columns: list[float] | None = None, method: str = "ruled") -> Table:
    cells = [Cell(r, c, text, r < header, page) for r, row in enumerate(rows) for c, text in enumerate(row)]
    columns = columns or [50.0, 100.0, 400.0, 500.0]
    return Table(f"p{page}-t0", page, page, len(rows), len(rows[0]), method, cells,
                 (columns[0], top, columns[-1], bottom), columns)


HEAD = ["Nr.", "Rādītājs", "2025"]


def test_stitch_drops_repeated_header_and_rejoins_split_row() -> None:
    first = _table(1, [HEAD, ["1.", "Apmierinātība", "≥ 5%"], ["2.", "Nodarbināto īpatsvars, kuri pārskata gadā apmek-", "≥ 65%"]], 1, 100, 780)
    second = _table(2, [HEAD, ["", "lējuši mācību kursu", ""], ["3.", "Mainība", "≤ 10%"]], 1, 60, 200)
    third = _table(3, [["4.", "Incidenti", "0"]], 0, 60, 90)
    [table] = stitch([first, second, third])
    assert table.grid() == [HEAD, ["1.", "Apmierinātība", "≥ 5%"],
                            ["2.", "Nodarbināto īpatsvars, kuri pārskata gadā apmeklējuši mācību kursu", "≥ 65%"],
                            ["3.", "Mainība", "≤ 10%"], ["4.", "Incidenti", "0"]]
    assert (table.table_id, table.page_first, table.page_last) == ("p1-t0", 1, 3)
    assert table.header_rows() == [0]
    assert [c.page_no for c in table.cells if c.col == 0] == [1, 1, 1, 2, 3]


def test_stitch_learns_a_header_from_its_repetition() -> None:
    names = [["Pašvaldība", "Kontaktpersona", "Tālrunis"], ["Kuldīgas novads", "Anna Bērziņa", "Nav"]]
    first = _table(1, names + [["Jelgava", "Jānis Kalniņš", "Nav"]], 0, 100, 780)
    second = _table(2, names[:1] + [["Rēzekne", "Ilze Ozola", "Nav"]], 0, 60, 120)
    [table] = stitch([first, second])
    assert table.header_rows() == [0]
    assert [r[0] for r in table.grid()] == ["Pašvaldība", "Kuldīgas novads", "Jelgava", "Rēzekne"]


@pytest.mark.parametrize("second", [
    _table(2, [HEAD, ["3.", "Mainība", "≤ 10%"]], 1, 60, 200, columns=[50.0, 150.0, 400.0, 500.0]),
    _table(2, [["Nr.", "Uzdevums", "Termiņš"], ["3.", "Mainība", "2025"]], 1, 60, 200),
    _table(2, [HEAD, ["3.", "Mainība", "≤ 10%"]], 1, 60, 200, method="unruled"),
    _table(3, [HEAD, ["3.", "Mainība", "≤ 10%"]], 1, 60, 200),
], ids=["other_columns", "other_header", "other_method", "page_gap"])
def test_stitch_keeps_different_tables_apart(second: Table) -> None:
    first = _table(1, [HEAD, ["1.", "Apmierinātība", "≥ 5%"]], 1, 100, 780)
    assert len(stitch([first, second])) == 2


def test_stitch_only_joins_the_last_table_of_a_page_to_the_first_of_the_next() -> None:
    a = _table(1, [HEAD, ["1.", "Apmierinātība", "≥ 5%"]], 1, 100, 300)
    b = _table(1, [["Nr.", "Uzdevums", "Termiņš"], ["1.", "Plāns", "2025"]], 1, 400, 780)
    c = _table(2, [HEAD, ["2.", "Mainība", "≤ 10%"]], 1, 60, 200)
    assert [t.page_last for t in stitch([a, b, c])] == [1, 1, 2]
