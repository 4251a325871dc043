"""KPI targets: cell values, table rows x year columns, prose phrases."""
from __future__ import annotations

import pytest

from pipeline.document import Cell, Table
from pipeline.targets import parse_value, targets_from_table, targets_from_text


@pytest.mark.parametrize(("cell", "expected"), [
    ("≥ 45%", ("≥", 45.0, "%")), ("≥45 %", ("≥", 45.0, "%")), (">= 5%", ("≥", 5.0, "%")),
    ("≤ 3,0%", ("≤", 3.0, "%")), ("100%", ("=", 100.0, "%")), ("-3%", ("=", -3.0, "%")),
    ("–3%", ("=", -3.0, "%")), ("12,5", ("=", 12.5, None)), ("1 200", ("=", 1200.0, None)),
    ("30 %", ("=", 30.0, "%")), ("x", (None, None, None)), ("-", (None, None, None)),
    ("1x", (None, None, None)), ("bāze", (None, None, None)), ("nepalielinās", (None, None, None)),
    ("n/d", (None, None, None)),
])
def test_parse_value(cell: str, expected: tuple) -> None:
    assert parse_value(cell) == expected


def test_kpi_table_rows_by_year_with_baseline() -> None:
    rows = [["Nr.", "Rādītājs", "Bāzes vērtība (2024)", "2025", "2026"],
            ["1.", "Nodarbināto apmierinātība", "bāze", "≥ 5%", "1x"],
            ["2.", "Mainība", "20%", "≤ 19%", ""]]
    cells = [Cell(r, c, t, r == 0, 3) for r, row in enumerate(rows) for c, t in enumerate(row)]
    table = Table("p3-t0", 3, 3, 3, 5, "ruled", cells)
    got = [(t.indicator, t.year, t.operator, t.value, t.unit, t.is_baseline, t.text)
           for t in targets_from_table(table)]
    assert got == [
        ("Nodarbināto apmierinātība", 2024, None, None, None, True, "bāze"),
        ("Nodarbināto apmierinātība", 2025, "≥", 5.0, "%", False, "≥ 5%"),
        ("Nodarbināto apmierinātība", 2026, None, None, None, False, "1x"),
        ("Mainība", 2024, "=", 20.0, "%", True, "20%"),
        ("Mainība", 2025, "≤", 19.0, "%", False, "≤ 19%"),
    ]


def test_table_without_years_has_no_targets() -> None:
    cells = [Cell(0, 0, "Laiks", True, 1), Cell(0, 1, "Aktivitāte", True, 1),
             Cell(1, 0, "Marts", False, 1), Cell(1, 1, "Apmācības", False, 1)]
    assert targets_from_table(Table("p1-t0", 1, 1, 2, 2, "ruled", cells)) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Pašvaldību īpatsvars 2026. gadā sasniegs vismaz 60%.", ("≥", 60.0, "%", 2026)),
    ("Smēķētāju īpatsvars nedrīkst pārsniegt 22%.", ("≤", 22.0, "%", 2023)),
    ("Līdz 2027. gadam apmācīt ne mazāk kā 12 koordinatorus.", ("≥", 12.0, None, 2027)),
    ("Apmācīt ne mazāk par 12 koordinatorus.", ("≥", 12.0, None, 2023)),
    ("Rindas garums ne vairāk kā 5 procenti.", ("≤", 5.0, "%", 2023)),
    ("Bezdarbu samazināt līdz 15%.", ("≤", 15.0, "%", 2023)),
])
def test_prose_targets(text: str, expected: tuple) -> None:
    [t] = targets_from_text(text, year_hint=2023)
    assert (t.operator, t.value, t.unit, t.year) == expected


def test_prose_without_numbers_or_with_dates_gives_nothing() -> None:
    assert targets_from_text("Noorganizēt vismaz vienu pieredzes apmaiņas braucienu līdz 2027. gadam.") == []
    assert targets_from_text("Sēde notiks 2023. gada 19. oktobrī, tālr. 67501590.") == []
