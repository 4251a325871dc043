"""Tables: ruled grid, unruled alignment, prose is not a table, stitching across pages."""
from __future__ import annotations

from pipeline.document import Cell, Line, Page, Ruling, Table, Word
from pipeline.layout import build_lines
from pipeline.table import find_tables, stitch


def _row(y: float, cells: list[tuple[float, str]]) -> list[Word]:
    words = []
    for x, text in cells:
        for part in text.split():
            words.append(Word(part, x, y, x + 6 * len(part), y + 9))
            x += 6 * len(part) + 3
    return words


def _page(words: list[Word], rulings: list[Ruling] | None = None, page_no: int = 1) -> Page:
    page = Page(page_no=page_no, width=595, height=842, words=words, rulings=rulings or [])
    page.lines = build_lines(page)
    return page


def test_ruled_grid_with_wrapped_cell() -> None:
    xs, ys = [50, 150, 400], [100, 120, 150, 170]
    rulings = [Ruling(xs[0], y, xs[-1], y) for y in ys] + [Ruling(x, ys[0], x, ys[-1]) for x in xs]
    words = (_row(105, [(55, "Laiks"), (155, "Aktivitāte")])
             + _row(124, [(55, "Marts"), (155, "Apmācības NVPT")]) + _row(137, [(155, "pārstāvjiem")])
             + _row(155, [(55, "Oktobris"), (155, "Sanāksme")]))
    [table] = find_tables(_page(words, rulings))
    assert table.method == "ruled"
    assert table.grid() == [["Laiks", "Aktivitāte"], ["Marts", "Apmācības NVPT pārstāvjiem"],
                            ["Oktobris", "Sanāksme"]]
    assert [c.is_header for c in table.cells if c.col == 0] == [True, False, False]


def test_unruled_columns_by_alignment() -> None:
    rows = [("Rādītājs", "2024", "2025"), ("Vakcinācija", "≥ 90%", "≥ 95%"),
            ("Smēķētāji", "22%", "≤ 20%"), ("Aktīvie", "30%", "≥ 35%")]
    words = [w for i, (a, b, c) in enumerate(rows) for w in _row(100 + 14 * i, [(50, a), (250, b), (350, c)])]
    [table] = find_tables(_page(words))
    assert table.method == "unruled"
    assert table.grid() == [list(r) for r in rows]


def test_prose_and_lists_are_not_tables() -> None:
    prose = ["Darba plāns nosaka tīkla sekretariāta un pašvaldību kopīgās aktivitātes,",
             "kas stiprina iedzīvotāju veselību un labbūtību vietējā līmenī. Plāna",
             "īstenošanā iesaistās visas tīkla pašvaldības, tostarp Kuldīga un Cēsis.",
             "- 26. aprīlī Kuldīgā", "- 28. aprīlī Rēzeknē", "- 9. maijā Jelgavā"]
    words = [w for i, line in enumerate(prose) for w in _row(100 + 14 * i, [(50, line)])]
    assert find_tables(_page(words)) == []


def _table(page: int, rows: list[list[str]]) -> Table:
    cells = [Cell(r, c, text, r == 0, page) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return Table(f"p{page}-t0", page, page, len(rows), len(rows[0]), "ruled", cells,
                 bbox=(50, 100, 400, 700), columns=[50, 100, 300, 400])


def test_stitch_drops_repeated_header_and_rejoins_split_row() -> None:
    header = ["Nr.", "Rādītājs", "2025"]
    first = _table(1, [header, ["1.", "Nodarbināto apmierinātība", "≥ 5%"], ["2.", "Mainība pirmajos", "≤ 10%"]])
    second = _table(2, [header, ["", "12 darba mēnešos", ""], ["3.", "Stress", "x"]])
    [table] = stitch([first, second])
    assert (table.page_first, table.page_last, table.n_rows) == (1, 2, 4)
    assert table.grid()[2] == ["2.", "Mainība pirmajos 12 darba mēnešos", "≤ 10%"]
    assert table.grid()[3] == ["3.", "Stress", "x"]
    assert [c.page_no for c in table.cells if c.row == 3] == [2, 2, 2]


def test_tables_with_other_columns_are_not_stitched() -> None:
    a = _table(1, [["A", "B", "C"], ["1", "2", "3"]])
    b = _table(2, [["A", "B", "C"], ["4", "5", "6"]])
    b.columns = [50, 200, 300, 400]
    assert len(stitch([a, b])) == 2
