"""End to end on the bundled fixtures: every dataset compared with the fixture's gold.

One test per document, named after it; the thresholds are the figures this pipeline reaches,
rounded down, so a regression in any stage shows up here.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import gold
from pipeline.ingest import discover, ingest_file
from scoring import cell_accuracy, precision_recall, word_accuracy


@pytest.fixture(scope="session")
def ingested(fixture_pdf: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("out")
    for path in discover([fixture_pdf]):
        assert ingest_file(path, out).status == "ok", path
    return {name: pd.read_parquet(out / name) for name in
            ("documents", "pages", "tables", "table_cells", "dates", "targets", "municipalities")}


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
MUNI_KEYS = ("name", "code")
