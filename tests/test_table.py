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
from conftest import gold
from pagebuild import ocr_pages, text_pages
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from bench.scoring import cell_accuracy
from pipeline.document import Cell, Line, Page, Table, Word
from pipeline.tables import find_tables, stitch

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
    first = _table(1, [HEAD, ["1.", "Apmierinātība", "≥ 5%"],
                       ["2.", "Nodarbināto īpatsvars, kuri pārskata gadā apmek-", "≥ 65%"]], 1, 100, 780)
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


# --- real layouts (issue 14): one test per failure pattern -----------------------------------


def _hline(c: Canvas, x0: float, x1: float, top: float) -> None:
    c.line(x0, A4[1] - top, x1, A4[1] - top)


def _vline(c: Canvas, x: float, top: float, bottom: float) -> None:
    c.line(x, A4[1] - top, x, A4[1] - bottom)


STATS = [["Mainīgais", "Vidējais", "Std. nov.", "Min", "Max"],
         ["Vecums", "50.8", "15.9", "21", "90"],
         ["Vīrieši", "0.47", "0.50", "0", "1"],
         ["Ienākumi", "2127", "1389", "22", "22500"],
         ["Mājsaimniecība", "2.43", "1.22", "1", "9"]]
STATS_X = [50, 200, 270, 340, 400]


def test_caption_source_and_section_row_do_not_merge_columns(tmp_path: Path) -> None:
    """Pattern 1: a caption over the table, a full-width section row inside it and a source
    line under it each cross every column gap; none may wipe the gaps out."""
    def draw(c: Canvas) -> None:
        _at(c, 50, 80, "3. tabula. Aptaujas dalībnieku raksturojums pēc galvenajiem mainīgajiem")
        _rows(c, STATS_X, 100, STATS[:3], pitch=14)
        _at(c, 50, 142, "Mājsaimniecības un ienākumu rādītāji par visiem respondentiem kopā")
        _rows(c, STATS_X, 156, STATS[3:], pitch=14)
        _at(c, 50, 190, "Avots: aptaujas dati, 2024. gads; dati svērti pēc reģiona un vecuma grupas.")
    [page] = _pages(tmp_path, draw)
    [table] = find_tables(page)
    assert table.n_cols == 5
    grid = table.grid()
    assert grid[:3] == STATS[:3] and grid[-2:] == STATS[3:]
    assert grid[3][0].startswith("Mājsaimniecības un ienākumu") and grid[3][1:] == [""] * 4
    assert table.header_rows() == [0]  # found under the caption
    assert not any("Avots" in c.text or "tabula" in c.text for c in table.cells)


def test_table_does_not_run_on_into_closing_text(tmp_path: Path) -> None:
    def draw(c: Canvas) -> None:
        _rows(c, STATS_X, 100, STATS, pitch=14)
        for i, line in enumerate(PROSE[:3]):
            _at(c, 50, 172 + i * 12, line)
    [page] = _pages(tmp_path, draw)
    [table] = find_tables(page)
    assert table.grid() == STATS


def test_header_rules_only_booktabs(tmp_path: Path) -> None:
    """Pattern 2: rules above and under the header and under the body, no verticals."""
    def draw(c: Canvas) -> None:
        for top in (95, 112, 172):
            _hline(c, 45, 440, top)
        _rows(c, STATS_X, 100, STATS[:1])
        _rows(c, STATS_X, 116, STATS[1:], pitch=14)
    [page] = _pages(tmp_path, draw)
    [table] = find_tables(page)
    assert table.grid() == STATS and table.header_rows() == [0]


def test_vertical_rules_in_the_header_only(tmp_path: Path) -> None:
    """Pattern 2: every row ruled, but vertical rules only between the header cells: the body
    rows must not end up in one cell."""
    def draw(c: Canvas) -> None:
        xs = [45, 190, 262, 332, 394, 440]
        for x in xs:
            _vline(c, x, 95, 112)
        for x in (xs[0], xs[-1]):
            _vline(c, x, 112, 180)
        for r in range(6):
            _hline(c, xs[0], xs[-1], 95 + 17 * r if r < 2 else 112 + 17 * (r - 1))
        _rows(c, STATS_X, 99, STATS[:1])
        _rows(c, STATS_X, 116, STATS[1:], pitch=17)
    [page] = _pages(tmp_path, draw)
    [table] = find_tables(page)
    assert table.grid() == STATS


def test_boxed_columns_without_row_rules(tmp_path: Path) -> None:
    """Pattern 2: a box per column and a rule under the header, nothing between body rows:
    each column's body would be one tall cell."""
    def draw(c: Canvas) -> None:
        xs = [45, 190, 262, 332, 394, 440]
        for x in xs:
            _vline(c, x, 95, 175)
        for top in (95, 112, 175):
            _hline(c, xs[0], xs[-1], top)
        _rows(c, STATS_X, 99, STATS[:1])
        _rows(c, STATS_X, 116, STATS[1:], pitch=14)
    [page] = _pages(tmp_path, draw)
    [table] = find_tables(page)
    assert table.grid() == STATS


def test_slanted_lines_invisible_and_shaded_boxes_are_not_rulings(tmp_path: Path) -> None:
    """Pattern 3: a chart's slanted line, a white unstroked box around the page and shaded
    cell backgrounds inset from the cell borders must not draw a grid."""
    def draw(c: Canvas) -> None:
        c.setFillColorRGB(1, 1, 1)
        c.rect(20, 20, A4[0] - 40, A4[1] - 40, stroke=0, fill=1)
        c.setFillColorRGB(0.85, 0.85, 0.85)
        for r in range(len(STATS)):
            for x0, x1 in zip(STATS_X, STATS_X[1:] + [440]):
                c.rect(x0 + 10, A4[1] - (112 + 14 * r), x1 - x0 - 20, 12, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.line(60, A4[1] - 300, 400, A4[1] - 220)
        _rows(c, STATS_X, 100, STATS, pitch=14)
    [page] = _pages(tmp_path, draw)
    assert page.rulings == []
    [table] = find_tables(page)
    assert table.method == "unruled" and table.grid() == STATS


def _chart(c: Canvas) -> None:
    """A line chart's axis labels: ticks stacked on the left, years along the bottom."""
    for i, tick in enumerate(["12000", "10000", "8000", "6000", "4000", "2000", "0"]):
        _at(c, 60, 100 + i * 30, tick)
    for i, year in enumerate(["2019", "2020", "2021", "2022", "2023"]):
        _at(c, 110 + i * 80, 290, year)
    _at(c, 250, 310, "Gads")


def _bar_chart(c: Canvas) -> None:
    """A bar chart's labels: ticks on the left, a few bars' values level with a tick, the
    years under twelve bars: rows of two cells in a grid that is mostly empty."""
    for i, tick in enumerate(["800", "600", "400", "200", "0"]):
        _at(c, 50, 100 + i * 20, tick)
    for i, (bar, value) in enumerate([(2, "790"), (5, "610"), (8, "405"), (11, "198")]):
        _at(c, 90 + bar * 38, 100 + i * 20, value)
    for k in range(12):
        _at(c, 90 + k * 38, 200, str(2013 + k))


def _signatures(c: Canvas) -> None:
    for i, (role, name) in enumerate([("Ministre", "I. Bērziņa"), ("Valsts sekretārs", "J. Kalniņš"),
                                      ("Iesniedzējs: Veselības ministrija", "A. Ozola")]):
        _at(c, 50, 600 + i * 30, role)
        _at(c, 430, 600 + i * 30, name)


def _signed_in_full(c: Canvas) -> None:
    """Roles over two lines beside given names and surnames; OCR read a signature's stroke as "("."""
    for i, (role, mark, name) in enumerate([("Pārvaldes vadītāja", "", "Ilze Kalna"),
                                            ("Sēdi protokolēja:", "", ""),
                                            ("Novada pašvaldības vecākā", "(", ""),
                                            ("eksperte padomes jautājumos", "", "Rūta Bērziņa-Lapa")]):
        _at(c, 50, 600 + i * 16, role)
        if mark:
            _at(c, 300, 600 + i * 16, mark)
        if name:
            _at(c, 430, 600 + i * 16, name)


def _letter_head(c: Canvas) -> None:
    _at(c, 50, 60, "LATVIJAS REPUBLIKAS VESELĪBAS MINISTRIJA")
    _at(c, 50, 76, "Brīvības ielā 72, Rīgā, LV-1011")
    _at(c, 400, 76, "tālr. 67876000")
    _at(c, 50, 92, "www.vm.gov.lv")
    _at(c, 400, 92, "e-pasts vm@vm.gov.lv")
    _at(c, 50, 120, "Rīgā")
    _at(c, 400, 120, "Nr. 01-12/345")


def _ruled_prose(c: Canvas) -> None:
    c.rect(45, A4[1] - 170, 500, 80)
    for i, line in enumerate(PROSE[:4]):
        _at(c, 50, 100 + i * 14, line)


def _numbered_paragraphs(c: Canvas) -> None:
    """Numbered rules whose second lines flow back to the margin under the number."""
    top = 100
    for n, lines in enumerate([PROSE[:2], PROSE[2:4], PROSE[4:5] + PROSE[:1]], start=1):
        _at(c, 50, top, str(n))
        for k, line in enumerate(lines):
            _at(c, 50 if k else 80, top + 12 * k, line[:70] if k else line[:64])
        top += 30


def _section_heading(c: Canvas) -> None:
    """A numbered section heading, its first paragraph, and a bullet whose item wraps."""
    _at(c, 50, 100, "4.2")
    _at(c, 90, 100, "Pašvaldību sadarbība sabiedrības veselības veicināšanā (2. un 3. tabula)")
    _at(c, 50, 122, PROSE[0])
    _at(c, 50, 144, "•")
    _at(c, 90, 144, PROSE[1][:80])
    _at(c, 90, 156, "pasākumos.")


def _attendance(c: Canvas) -> None:
    for i, (label, value) in enumerate([("Sēdi vada:", "Anna Bērziņa, padomes priekšsēdētāja"),
                                        ("Piedalās:", "Jānis Kalniņš, Ilze Ozola"), ("Nepiedalās:", "nav"),
                                        ("Protokolē:", "Zane Liepiņa")]):
        _at(c, 50, 100 + i * 14, label)
        _at(c, 200, 100 + i * 14, value)


def _signed(c: Canvas) -> None:
    _rows(c, [50, 260, 420], 600, [["Iedzīvotāju padomes priekšsēdētājs", "/paraksts/", "Pēteris Liepa"],
                                   ["Sēdi protokolēja", "/paraksts/", "Zane Liepiņa"],
                                   ["Datums", "", "12.03.2026."]], pitch=24)


def _blank_form(c: Canvas) -> None:
    """An application form: a ruled grid of labels, each over an empty field to fill in by hand."""
    xs, tops = [50, 200, 300, 450, 545], [100 + 22 * k for k in range(9)]
    for top in tops:
        _hline(c, xs[0], xs[-1], top)
    for x in xs:
        _vline(c, x, tops[0], tops[-1])
    for r, (left, right) in enumerate([("Vārds", "Uzvārds"), ("Personas kods", "Adrese"),
                                       ("Tālrunis", "E-pasts"), ("Paraksts", "Datums")]):
        _at(c, xs[0] + 4, tops[2 * r] + 4, left)
        _at(c, xs[2] + 4, tops[2 * r] + 4, right)


@pytest.mark.parametrize("draw", [_chart, _bar_chart, _blank_form, _signatures, _signed_in_full, _letter_head,
                                  _ruled_prose, _numbered_paragraphs, _section_heading, _attendance, _signed],
                         ids=["chart_axis_labels", "bar_chart_labels", "blank_form", "signatures", "signed_in_full",
                              "letter_head", "ruled_prose_box", "numbered_paragraphs", "section_heading", "attendance",
                              "signed_with_paraksts"])
def test_more_text_that_is_not_a_table(tmp_path: Path, draw: Callable[[Canvas], None]) -> None:
    """Pattern 4: what aligns without being a table."""
    [page] = _pages(tmp_path, draw)
    assert find_tables(page) == []


CHART_LABELS = [["Gads", "2021", "2022", "2023", "2024", "2025"],
                ["Apmeklējumi", "1 240", "1 315", "1 402", "1 388", "1 460"],
                ["Pacienti", "640", "702", "731", "745", "790"]]


def _chart_labels(c: Canvas) -> None:
    """Values printed over a line chart's points, in rows like a table's."""
    _rows(c, [50, 160, 240, 320, 400, 480], 120, CHART_LABELS, pitch=24)


def _line_chart(c: Canvas) -> None:
    """The labels with the chart's data line drawn through them: a polyline of short segments."""
    _chart_labels(c)
    path = c.beginPath()
    path.moveTo(150, A4[1] - 175)
    for k in range(1, 40):
        path.lineTo(150 + k * 9, A4[1] - 175 + 30 * math.sin(k / 5))
    c.drawPath(path, stroke=1, fill=0)


def _flow_labels(c: Canvas) -> None:
    _rows(c, [50, 190, 330, 470], 120, [["Iesniegums", "Izvērtēšana", "Lēmums", "Paziņojums"],
                                        ["3 000", "2 450", "2 100", "2 090"],
                                        ["100%", "82%", "70%", "70%"]], pitch=16)


def _flow_diagram(c: Canvas) -> None:
    """The same words as the steps of a flow diagram: arrows with filled heads between them."""
    _flow_labels(c)
    for x in (150, 290, 430):
        y = A4[1] - 140
        c.line(x, y, x + 30, y)
        path = c.beginPath()
        path.moveTo(x + 30, y + 3)
        path.lineTo(x + 36, y)
        path.lineTo(x + 30, y - 3)
        path.close()
        c.drawPath(path, stroke=0, fill=1)


@pytest.mark.parametrize("labels, drawn", [(_chart_labels, _line_chart), (_flow_labels, _flow_diagram)],
                         ids=["line_chart", "flow_diagram"])
def test_labels_over_a_chart_or_diagram_are_not_a_table(tmp_path: Path, labels: Callable[[Canvas], None],
                                                        drawn: Callable[[Canvas], None]) -> None:
    """Pattern 4: text set over a chart's data line or between a diagram's arrows lines up like
    a table; the drawing says it is not one (``Page.shapes``). Without it, the same words are."""
    [bare] = _pages(tmp_path, labels)
    assert len(find_tables(bare)) == 1
    [page] = text_pages(_pdf(tmp_path / "drawn.pdf", drawn))
    assert page.shapes and find_tables(page) == []


PLAN = [("Laiks", "Aktivitāte", "Atbildīgais", "Rezultāts"),
        ("Janvāris", "Koordinatoru tikšanās un darba\nplāna apspriešana", "NVPT sekretariāts",
         "Saskaņots darba\nplāns"),
        ("Marts", "Apmācības pašvaldību\nspeciālistiem", "SPKC", "Apmācīti 40\nspeciālisti"),
        ("Visu gadu", "Konsultācijas par veselības\nveicināšanas pasākumiem", "Veselības ministrija",
         "Sniegtas\nkonsultācijas")]


def test_work_plan_with_wrapped_and_vertically_centred_cells(tmp_path: Path) -> None:
    """Pattern 6: borderless, each row's long cells wrap to two lines and its short cells sit
    centred between them: one visual row is one row."""
    xs = [50, 130, 300, 420]

    def draw(c: Canvas) -> None:
        for r, row in enumerate(PLAN):
            top = 100 + r * 34
            for x, text in zip(xs, row):
                lines = text.split("\n")
                start = top + (11 - 11 * len(lines)) / 2 + 5.5
                for k, line in enumerate(lines):
                    _at(c, x, start + k * 11, line)
    [page] = _pages(tmp_path, draw)
    [table] = find_tables(page)
    assert table.grid() == [[" ".join(cell.split("\n")) for cell in row] for row in PLAN]
    assert table.header_rows() == [0]


def _plan_table_page(c: Canvas, caption: str, rows: list[list[str]]) -> None:
    _at(c, 50, 80, caption)
    _rows(c, [50, 250, 400], 100, rows, pitch=16)


def test_stitch_keeps_apart_tables_with_a_caption_between() -> None:
    """Pattern 5: two tables with the same columns on consecutive pages, the second under its
    own caption, are two tables; with only running text in the page's top band they join."""
    def parts() -> list[Table]:
        return [_table(1, [HEAD, ["1.", "Apmierinātība", "≥ 5%"]], 1, 100, 780),
                _table(2, [HEAD, ["1.", "Mainība", "≤ 10%"]], 1, 320, 400)]

    def pages(top: float) -> list[Page]:
        caption = [Word(w, 50.0 + 40 * i, top, 85.0 + 40 * i, top + 9)
                   for i, w in enumerate(["2.", "tabula.", "Jelgava"])]
        return [Page(1, A4[0], A4[1]), Page(2, A4[0], A4[1], words=caption)]
    assert len(stitch(parts())) == 1  # without the pages: columns and header agree
    assert len(stitch(parts(), pages(300.0))) == 2
    assert len(stitch(parts(), pages(40.0))) == 1  # a running header, not a caption


def test_long_list_over_seven_pages_is_one_table(tmp_path: Path) -> None:
    """Pattern 5: a 313-row list running over 7 pages, header repeated on each, is one table
    whose columns never merge (the last page is short)."""
    names = [f"Ciems {i:03d}" for i in range(313)]
    per_page = 46

    def page_of(k: int) -> Callable[[Canvas], None]:
        def draw(c: Canvas) -> None:
            rows = [[n, f"{k + 1}. iecirknis", f"LV-{3000 + i:04d}"]
                    for i, n in enumerate(names[k * per_page:(k + 1) * per_page], start=k * per_page)]
            _rows(c, [50, 250, 400], 60, [["Nosaukums", "Iecirknis", "Pasta indekss"]] + rows, pitch=16)
        return draw
    pages = _pages(tmp_path, *(page_of(k) for k in range(7)))
    [table] = stitch([t for p in pages for t in find_tables(p)], pages)
    assert (table.page_first, table.page_last, table.n_cols) == (1, 7, 3)
    assert table.n_rows == 314 and table.header_rows() == [0]
    assert [r[0] for r in table.grid()[1:]] == names
    assert all(r[2].startswith("LV-") for r in table.grid()[1:])


def test_item_numbers_keep_their_last_dot_in_ruled_cells(tmp_path: Path) -> None:
    """Pattern 7: "1.1." drawn as "1.1" and "." a hair apart is one word in its cell."""
    def draw(c: Canvas) -> None:
        xs, tops = [45, 100, 300], [95, 112, 129, 146]
        for top in tops:
            _hline(c, xs[0], xs[-1], top)
        for x in xs:
            _vline(c, x, tops[0], tops[-1])
        _rows(c, [50, 105], 99, [["Nr.", "Uzdevums"]])
        for i, (item, task) in enumerate([("1.1", "Datu apkopošana"), ("1.2", "Apmācības")]):
            _at(c, 50, 116 + 17 * i, item)
            _at(c, 50 + pdfmetrics.stringWidth(item, "DejaVu", SIZE) + 3.5, 116 + 17 * i, ".")
            _at(c, 105, 116 + 17 * i, task)
    [page] = _pages(tmp_path, draw)
    [table] = find_tables(page)
    assert [r[0] for r in table.grid()] == ["Nr.", "1.1.", "1.2."]


def test_debug_picture_draws_rulings_gaps_and_tables(tmp_path: Path) -> None:
    from pipeline.tables.debug import draw as debug_draw

    def draw(c: Canvas) -> None:
        _hline(c, 45, 440, 95)
        _rows(c, STATS_X, 100, STATS, pitch=14)
    path = _pdf(tmp_path / "d.pdf", draw)
    [table] = find_tables(text_pages(path)[0])
    image = debug_draw(path, 1, scale=1.0)
    assert image.size == (595, 842)
    pixels = image.convert("RGB").load()
    assert pixels[300, 95][0] > 150 and pixels[300, 95][1] < 80  # the rule, in red
    assert pixels[140, 130][2] > pixels[140, 130][0] + 40  # the first column gap, tinted blue
    right = pixels[round(table.bbox[2]), 130]
    assert right[1] > 120 and right[0] < 80  # the table's border, in green
    assert pixels[300, 600] == (255, 255, 255)  # the rest of the page as rendered


def test_nested_header_paths_prefix_each_child_once() -> None:
    """A parent over two groups over their columns: every column label gets each ancestor once."""
    from pipeline.tables.grid import Anchor, header_paths

    top = Anchor(0, 0, 1, 4, text="Uzdevumi")
    groups = [Anchor(1, 0, 1, 2, text="Valsts"), Anchor(1, 2, 1, 2, text="Pašvaldības")]
    labels = [Anchor(2, c, text=t) for c, t in enumerate(["Nr.", "Apraksts", "Nr.", "Apraksts"])]
    header_paths([top, *groups, *labels], 3)
    assert [a.text for a in labels] == ["Uzdevumi / Valsts / Nr.", "Uzdevumi / Valsts / Apraksts",
                                        "Uzdevumi / Pašvaldības / Nr.", "Uzdevumi / Pašvaldības / Apraksts"]
