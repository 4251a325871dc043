"""End to end on the bundled fixtures: every dataset compared with the fixture's gold.

One test per document, named after it; the thresholds are the figures this pipeline reaches,
rounded down, so a regression in any stage shows up here.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import gold

from bench.scoring import cell_accuracy, precision_recall, word_accuracy
from pipeline.ingest import discover, ingest_file

pytestmark = pytest.mark.ocr  # the fixtures include scans


@pytest.fixture(scope="session")
def ingested(fixture_pdf: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("out")
    for path in discover([fixture_pdf]):
        assert ingest_file(path, out).status == "ok", path
    return {name: pd.read_parquet(out / name) for name in
            ("documents", "pages", "tables", "table_cells", "dates", "targets", "municipalities",
             "words")}


def _of(frame: pd.DataFrame, ingested: dict, stem: str) -> pd.DataFrame:
    docs = ingested["documents"]
    doc_id = docs.loc[docs["file_name"] == f"{stem}.pdf", "doc_id"].item()
    return frame[frame["doc_id"] == doc_id]


def text_score(ingested: dict, stem: str) -> float:
    pages = _of(ingested["pages"], ingested, stem).sort_values("page_no")
    got = "\n".join(pages["text"])
    want = "\n".join(p["text"] for p in gold(stem)["pages"])
    return word_accuracy(want, got)


def table_scores(ingested: dict, stem: str) -> list[float]:
    tables = _of(ingested["tables"], ingested, stem).sort_values(["page_first", "table_id"])
    cells = _of(ingested["table_cells"], ingested, stem)
    scores = []
    for want in gold(stem)["tables"]:
        candidates = tables[tables["page_first"] == want["page_first"]]
        best = 0.0
        for table_id in candidates["table_id"]:
            own = cells[cells["table_id"] == table_id]
            grid = [["" for _ in range(own["col"].max() + 1)] for _ in range(own["row"].max() + 1)]
            for row in own.itertuples():
                grid[row.row][row.col] = row.text
            best = max(best, cell_accuracy(want["cells"], grid))
        scores.append(best)
    return scores


def entity_scores(ingested: dict, stem: str, dataset: str, keys: tuple[str, ...]) -> tuple[float, float]:
    got = _of(ingested[dataset], ingested, stem)
    got_keys = [tuple(_plain(row[k]) for k in keys) for _, row in got.iterrows()]
    want_keys = [tuple(_plain(item[k]) for k in keys) for item in gold(stem)[dataset]]
    return precision_recall(want_keys, got_keys)


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value) if hasattr(value, "isoformat") else value


DATE_KEYS = ("start", "end", "precision")
TARGET_KEYS = ("year", "operator", "value", "unit", "is_baseline")
MUNI_KEYS = ("code",)  # the canonical name of a short form ("Iecava") is a judgement call; the code is not


# (stem, text accuracy, table cell accuracies, date P/R, target P/R, municipality P/R), floors
EXPECTED = {
    "plan_text": (0.99, [0.95, 0.95], (0.95, 0.95), (0.95, 0.95), (0.95, 0.95)),
    "plan_scan": (0.95, [0.8, 0.85], (0.95, 0.85), (0.95, 0.95), (0.95, 0.95)),
    "plan_nounicode": (0.95, [0.8, 0.85], (0.95, 0.95), (0.9, 0.9), (0.95, 0.95)),
    "plan_nodiacritics": (0.90, [0.7, 0.9], (0.95, 0.95), (0.95, 0.95), (0.95, 0.95)),
    "kpi_multipage": (0.99, [0.99], (0.95, 0.95), (0.99, 0.99), (1.0, 1.0)),
    "stop47_list": (0.99, [], (0.95, 0.95), (1.0, 1.0), (0.95, 0.95)),
    "notice_ocr_eng": (0.85, [], (0.95, 0.95), (1.0, 1.0), (0.95, 0.95)),
}


def _at_least(got: tuple[float, ...], floor: tuple[float, ...]) -> bool:
    return all(g >= f for g, f in zip(got, floor))


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_document_against_gold(ingested: dict, stem: str) -> None:
    text, tables, dates, targets, places = EXPECTED[stem]
    assert text_score(ingested, stem) >= text
    got_tables = table_scores(ingested, stem)
    assert len(got_tables) == len(tables) and _at_least(tuple(got_tables), tuple(tables)), got_tables
    assert _at_least(entity_scores(ingested, stem, "dates", DATE_KEYS), dates)
    assert _at_least(entity_scores(ingested, stem, "targets", TARGET_KEYS), targets)
    assert _at_least(entity_scores(ingested, stem, "municipalities", MUNI_KEYS), places)


def test_kpi_multipage_is_one_stitched_table(ingested: dict) -> None:
    """Seed-002-like KPI table over 3 pages: one table_id, header once, split row rejoined."""
    tables = _of(ingested["tables"], ingested, "kpi_multipage")
    assert len(tables) == 1
    [table] = tables.itertuples()
    assert (table.page_first, table.page_last) == (1, 3)
    cells = _of(ingested["table_cells"], ingested, "kpi_multipage")
    assert cells[cells["is_header"]]["row"].unique().tolist() == [0]
    assert (cells["text"] == "Rādītājs").sum() == 1
    assert sorted(cells["page_no"].unique()) == [1, 2, 3]


def test_plan_nounicode_pages_were_ocrd(ingested: dict) -> None:
    pages = _of(ingested["pages"], ingested, "plan_nounicode")
    assert (pages["method"] == "ocr").all()
    assert pages["triage"].str.contains("cid").all()
    assert (pages["ocr_confidence"] > 70).all()


def test_running_header_and_page_numbers_dropped_from_text(ingested: dict) -> None:
    pages = _of(ingested["pages"], ingested, "kpi_multipage")
    assert not pages["text"].str.contains("Veselības ministrijas darbības stratēģija").any()
    assert pages["text_raw"].str.contains("Veselības ministrijas darbības stratēģija").all()


def test_words_carry_boxes_confidence_and_reading_order(ingested: dict) -> None:
    """Word boxes are kept: in reading order they spell the page's text as read (``text_raw``);
    OCR words carry tesseract's confidence, text-layer words none; running lines are flagged."""
    words = ingested["words"].sort_values(["doc_id", "page_no", "line_no", "word_no"])
    pages = ingested["pages"].set_index(["doc_id", "page_no"])
    for (doc_id, page_no), page_words in words.groupby(["doc_id", "page_no"]):
        raw = pages.loc[(doc_id, page_no), "text_raw"]
        assert word_accuracy(raw, " ".join(page_words["text"])) >= 0.95, (doc_id, page_no)
        assert ((page_words["x0"] < page_words["x1"]) & (page_words["top"] < page_words["bottom"])).all()
        assert (page_words["x0"] >= 0).all() and (page_words["top"] >= 0).all()
        ocr = pages.loc[(doc_id, page_no), "method"] == "ocr"
        assert page_words["conf"].notna().all() if ocr else page_words["conf"].isna().all()
    running = _of(words, ingested, "kpi_multipage").query("running")
    assert "Veselības" in " ".join(running["text"])


def test_reingest_changes_nothing(fixture_pdf: Path, tmp_path: Path) -> None:
    path = fixture_pdf / "plan_text.pdf"
    first = ingest_file(path, tmp_path)
    again = ingest_file(path, tmp_path)
    forced = ingest_file(path, tmp_path, force=True)
    assert (first.status, again.status, forced.status) == ("ok", "cached", "ok")
    assert first.counts == again.counts == forced.counts
    assert len(pd.read_parquet(tmp_path / "pages")) == 2
