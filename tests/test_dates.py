"""Latvian date grammar: every form in the issue, year inference, and no false dates."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.scoring import precision_recall
from pipeline.components import Context, find_entities
from pipeline.dates import document_year, find_dates, merge_table_dates
from pipeline.document import Cell, Document, Page, Table
from pipeline.options import Config

CASES_DIR = Path(__file__).parent / "cases"


def _load(name: str) -> list[dict]:
    return json.loads((CASES_DIR / name).read_text(encoding="utf-8"))["cases"]


CASES = _load("dates.json")
KNOWN_FAILURES = _load("dates_known_failures.json")


def _keys(mentions) -> list[list]:
    return [[m.start.isoformat(), m.end.isoformat(), m.precision, m.kind, m.inferred_year] for m in mentions]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:30] for c in CASES])
def test_case(case: dict) -> None:
    assert _keys(find_dates(case["text"], year_hint=case.get("year_hint", 2023))) == case["dates"]


@pytest.mark.parametrize("case", KNOWN_FAILURES, ids=[c["text"][:30] for c in KNOWN_FAILURES])
@pytest.mark.xfail(strict=True, reason="known failure (tests/cases/dates_known_failures.json)")
def test_known_failure(case: dict) -> None:
    assert _keys(find_dates(case["text"], year_hint=case.get("year_hint", 2023))) == case["dates"]


def test_precision_recall_over_all_cases() -> None:
    """Over the passing cases and the known failures together, so the frontier cannot grow
    unseen: moving a case that now fails into the known-failures file fails this test (measured
    68 of 70 dates right both ways; one more miss is 67/70 = 0.957)."""
    cases = CASES + KNOWN_FAILURES
    gold = [(i, tuple(k)) for i, case in enumerate(cases) for k in case["dates"]]
    got = [(i, tuple(k)) for i, case in enumerate(cases)
           for k in _keys(find_dates(case["text"], case.get("year_hint", 2023)))]
    precision, recall = precision_recall(gold, got)
    print(f"dates over {len(cases)} cases: P={precision:.3f} R={recall:.3f}")
    assert precision >= 0.97 and recall >= 0.97


def test_without_year_hint_no_year_is_invented() -> None:
    assert find_dates("notiks 10. martā un Līdz 31.03.", year_hint=None) == []


def test_span_is_the_text_as_found() -> None:
    text = "Sēde notiks 2023. gada 31. decembrī Rīgā."
    [m] = find_dates(text)
    assert text[m.char_start : m.char_end] == m.text == "2023. gada 31. decembrī"


def test_document_year_from_title_and_approval(seeds_dir: Path) -> None:
    assert document_year((seeds_dir / "000_efecfad106d0d281.txt").read_text()) == 2023
    assert document_year((seeds_dir / "001_d148a11e8d3e0fa9.txt").read_text()) == 2023


@pytest.mark.parametrize("text, year", [
    ("APSTIPRINĀTS\n2025. gada 18. decembra sēdē\n\nBibliotēkas darba plāns 2026. gadam\n"
     "Līgums līdz 2027. gada 1. maijam", 2026),  # the title's year, not the approval date's
    ("Attīstības programma 2024.–2027. gadam\nApstiprināta 2023. gada 5. decembrī", 2024),
    ("2023. gada Nacionālā tīkla darba plāns", 2023),
    ("Sēdes protokols\nSēde notika 2026. gada 13. martā", 2026),  # no title year: its own date
    ("Bez gada", None),
])
def test_document_year_title_first(text: str, year: int | None) -> None:
    assert document_year(text) == year


def test_seed_001_dates(seeds_dir: Path) -> None:
    """PuMPuRS notice: mangled OCR text, workshop dates in the locative, no false dates."""
    text = (seeds_dir / "001_d148a11e8d3e0fa9.txt").read_text()
    found = {(m.start.isoformat(), m.precision) for m in find_dates(text, document_year(text))}
    for expected in [("2023-02-27", "day"), ("2016-07-12", "day"), ("2022-03-01", "month"),
                     ("2023-04-26", "day"), ("2023-04-28", "day"), ("2023-05-09", "day"),
                     ("2023-05-11", "day"), ("2023-05-18", "day"), ("2023-03-10", "day")]:
        assert expected in found
    assert all(m.start.year in (2016, 2022, 2023) for m in find_dates(text, 2023))


def test_a_range_over_two_lines_of_a_table_cell() -> None:
    """The page reads the cell's lines with the next column's words between them (the known
    failure above); the table's cell has them together, and its reading replaces the page's."""
    rows = [["Laiks", "Pasākums"],
            ["No 2026. gada 1. aprīļa līdz 30. jūnijam", "Mācības pedagogiem un vecākiem"],
            ["Marts", "Pārskats 2025. gadā"], ["10. martā", "Sanāksme"]]
    cells = [Cell(r, c, text, r == 0, 2) for r, row in enumerate(rows) for c, text in enumerate(row)]
    page = Page(page_no=2, width=1, height=1, text="\n".join(["Ievads"] * 20) + (
        "\nLaiks Pasākums\nNo 2026. gada 1. aprīļa Mācības pedagogiem\nlīdz 30. jūnijam un vecākiem\n"
        "Marts Pārskats 2025. gadā\n10. martā Sanāksme\nCits teksts: tikšanās 10. martā."))
    doc = Document("d" * 64, "t.pdf", "t.pdf", pages=[page], tables=[Table("p2-t1", 2, 2, 4, 2, "ruled", cells)])
    find_entities(doc, Context(Config()))
    got = sorted((d.text, d.start.isoformat(), d.end.isoformat(), d.kind) for d in doc.dates)
    assert got == sorted([
        ("No 2026. gada 1. aprīļa līdz 30. jūnijam", "2026-04-01", "2026-06-30", "range"),
        ("Marts", "2025-03-01", "2025-03-31", "point"),  # the row's year
        ("2025. gadā", "2025-01-01", "2025-12-31", "point"),
        ("10. martā", "2026-03-10", "2026-03-10", "point"),  # a cell: the document's year
        ("10. martā", "2026-03-10", "2026-03-10", "point"),  # the prose one stays
    ]), got


def test_a_two_line_range_read_on_the_page_and_in_its_cell_is_one_date() -> None:
    """Page text with the columns apart ("No …   Mācības …" over "līdz …   un …") reads the range
    itself; the cell's reading of the same range replaces it rather than doubling it."""
    page = find_dates("No 2026. gada 1. aprīļa   Mācības pedagogiem\nlīdz 30. jūnijam   un vecākiem", 2026)
    cells = find_dates("No 2026. gada 1. aprīļa līdz 30. jūnijam", 2026)
    for d in page + cells:
        d.page_no = 2
    assert [(d.start.isoformat(), d.end.isoformat(), d.kind) for d in page] == [("2026-04-01", "2026-06-30", "range")]
    assert [d.text for d in merge_table_dates(page, cells)] == ["No 2026. gada 1. aprīļa līdz 30. jūnijam"]
    other = find_dates("2026. gada 30. jūnijā", 2026)  # another date in a cell leaves the page's range
    other[0].page_no = 2
    assert [d.kind for d in merge_table_dates(page, other)] == ["range", "point"]


def test_a_date_split_over_two_cells_keeps_the_page_reading() -> None:
    page = find_dates("Apstiprināts 2025. gada 24. aprīļa sēdē", 2025)
    cells = find_dates("2025. gada", 2025)
    for d in page + cells:
        d.page_no = 7
    assert [d.text for d in merge_table_dates(page, cells)] == ["2025. gada 24. aprīļa"]
