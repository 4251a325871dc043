"""Latvian date grammar: every form in the issue, year inference, and no false dates."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.dates import document_year, find_dates
from bench.scoring import precision_recall

D = dt.date
# (text, expected mentions as (start, end, precision, kind, inferred_year)), year hint 2023
CASES = [
    ("APSTIPRINĀTS 2022. gada 19. oktobra sēdē", [(D(2022, 10, 19), D(2022, 10, 19), "day", "point", False)]),
    ("2016. gada 12.jūlija MK noteikumu Nr.460 23.2.5. pants", [(D(2016, 7, 12), D(2016, 7, 12), "day", "point", False)]),
    ("2016. gada 12.julija (bez garumzīmēm)", [(D(2016, 7, 12), D(2016, 7, 12), "day", "point", False)]),
    ("stājas spēkā 2025. gada 1. maiju", [(D(2025, 5, 1), D(2025, 5, 1), "day", "point", False)]),
    ("(uz 27.02.2023.)", [(D(2023, 2, 27), D(2023, 2, 27), "day", "point", False)]),
    ("uz 27.02.2023 situāciju", [(D(2023, 2, 27), D(2023, 2, 27), "day", "point", False)]),
    ("ISO 2026-04-03 formātā", [(D(2026, 4, 3), D(2026, 4, 3), "day", "point", False)]),
    ("sēde 2023. gada 31. decembrī", [(D(2023, 12, 31), D(2023, 12, 31), "day", "point", False)]),
    ("2023. g. 5. maijā un 2023.g. 6.maijā", [(D(2023, 5, 5), D(2023, 5, 5), "day", "point", False),
                                             (D(2023, 5, 6), D(2023, 5, 6), "day", "point", False)]),
    ("Līdz 31.03. iesniegt", [(D(2023, 3, 31), D(2023, 3, 31), "day", "deadline", True)]),
    ("notiks 10. martā", [(D(2023, 3, 10), D(2023, 3, 10), "day", "point", True)]),
    ("- 26. aprīlī Kuldīgā", [(D(2023, 4, 26), D(2023, 4, 26), "day", "point", True)]),
    ("- 28. aprili Rézekné", [(D(2023, 4, 28), D(2023, 4, 28), "day", "point", True)]),
    ("2022. gada martā notika", [(D(2022, 3, 1), D(2022, 3, 31), "month", "point", False)]),
    ("2022. gada marta notika", [(D(2022, 3, 1), D(2022, 3, 31), "month", "point", False)]),
    ("2026. gada 1. ceturksnis", [(D(2026, 1, 1), D(2026, 3, 31), "quarter", "point", False)]),
    ("2026. gada III ceturksnī", [(D(2026, 7, 1), D(2026, 9, 30), "quarter", "point", False)]),
    ("2025. gadā", [(D(2025, 1, 1), D(2025, 12, 31), "year", "point", False)]),
    ("2025.–2028. gadam", [(D(2025, 1, 1), D(2028, 12, 31), "year", "range", False)]),
    ("2025.-2028. gads", [(D(2025, 1, 1), D(2028, 12, 31), "year", "range", False)]),
    ("no 2025. līdz 2028. gadam", [(D(2025, 1, 1), D(2028, 12, 31), "year", "range", False)]),
    ("Septembris–oktobris", [(D(2023, 9, 1), D(2023, 10, 31), "month", "range", True)]),
    ("Februāris", [(D(2023, 2, 1), D(2023, 2, 28), "month", "point", True)]),
    ("Oktobrī notiks konference", [(D(2023, 10, 1), D(2023, 10, 31), "month", "point", True)]),
    ("no 2026. gada 1. aprīļa līdz 30. jūnijam", [(D(2026, 4, 1), D(2026, 6, 30), "day", "range", False)]),
    ("laika periodā no 2023. gada aprīļa līdz novembrim", [(D(2023, 4, 1), D(2023, 11, 30), "month", "range", False)]),
    ("līdz 2027. gada 31. decembrim", [(D(2027, 12, 31), D(2027, 12, 31), "day", "deadline", False)]),
    ("Līdz jūnija beigām", [(D(2023, 6, 30), D(2023, 6, 30), "day", "deadline", True)]),
    ("līdz aprīļa beigām", [(D(2023, 4, 30), D(2023, 4, 30), "day", "deadline", True)]),
    ("Līdz jūlijam", [(D(2023, 6, 30), D(2023, 6, 30), "day", "deadline", True)]),
    ("Līdz 2020. gada 1. jūlijam", [(D(2020, 7, 1), D(2020, 7, 1), "day", "deadline", False)]),
    ("Šī gada aprīlī–maijā", [(D(2023, 4, 1), D(2023, 5, 31), "month", "range", False)]),
    ("2020.–2021. gadā", [(D(2020, 1, 1), D(2021, 12, 31), "year", "range", False)]),
    # not dates
    ("Visu periodu", []),
    ("tālr. 67501590, +371 67501590", []),
    ("MK noteikumu Nr.460 23.2.5. pants, ESF SAM 9.2.4.1.", []),
    ("1 200,50 EUR un 32 pašvaldības, 45%", []),
    ("versija 2.10.3", []),
    ("plāns 2024 un 2025 rādītāji", []),
    ("31.02.2023 nav derīgs datums", []),
    ("Marta Kalniņa ziņoja", []),
]


def _keys(mentions) -> list[tuple]:
    return [(m.start, m.end, m.precision, m.kind, m.inferred_year) for m in mentions]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:30] for c in CASES])
def test_case(text: str, expected: list[tuple]) -> None:
    assert _keys(find_dates(text, year_hint=2023)) == expected


def test_precision_recall_over_all_cases() -> None:
    gold = [(i, k) for i, (_, exp) in enumerate(CASES) for k in exp]
    got = [(i, k) for i, (text, _) in enumerate(CASES) for k in _keys(find_dates(text, 2023))]
    precision, recall = precision_recall(gold, got)
    assert precision >= 0.97 and recall >= 0.9


def test_without_year_hint_no_year_is_invented() -> None:
    assert find_dates("notiks 10. martā un Līdz 31.03.", year_hint=None) == []


def test_span_is_the_text_as_found() -> None:
    text = "Sēde notiks 2023. gada 31. decembrī Rīgā."
    [m] = find_dates(text)
    assert text[m.char_start : m.char_end] == m.text == "2023. gada 31. decembrī"


def test_document_year_from_title_and_approval(seeds_dir: Path) -> None:
    assert document_year((seeds_dir / "000_efecfad106d0d281.txt").read_text()) == 2023
    assert document_year((seeds_dir / "001_d148a11e8d3e0fa9.txt").read_text()) == 2023


def test_seed_001_dates(seeds_dir: Path) -> None:
    """PuMPuRS notice: mangled OCR text, workshop dates in the locative, no false dates."""
    text = (seeds_dir / "001_d148a11e8d3e0fa9.txt").read_text()
    found = {(m.start.isoformat(), m.precision) for m in find_dates(text, document_year(text))}
    for expected in [("2023-02-27", "day"), ("2016-07-12", "day"), ("2022-03-01", "month"),
                     ("2023-04-26", "day"), ("2023-04-28", "day"), ("2023-05-09", "day"),
                     ("2023-05-11", "day"), ("2023-05-18", "day"), ("2023-03-10", "day")]:
        assert expected in found
    assert all(m.start.year in (2016, 2022, 2023) for m in find_dates(text, 2023))
