"""Outputs are replaced atomically and match the contract's schemas."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import records, store
from pipeline.document import Cell, DateMention, Document, Page, Repair, Table


def _doc(doc_id: str = "ab" * 32) -> Document:
    page = Page(page_no=1, width=595, height=842, text="Rīgā", text_raw="Riga",
                repairs=[Repair("Riga", "Rīgā", "diacritic_restore", 0.9)])
    table = Table("p1-t0", 1, 1, 1, 2, "ruled", [Cell(0, 0, "a", True, 1), Cell(0, 1, "b", True, 1)])
    date = DateMention("2023. gada 1. maijā", dt.date(2023, 5, 1), dt.date(2023, 5, 1), "day", "point", page_no=1)
    return Document(doc_id=doc_id, source_path="/x/a.pdf", file_name="a.pdf", pages=[page],
                    n_pages=1, tables=[table], dates=[date])


def test_every_dataset_written_with_contract_schema(tmp_path: Path) -> None:
    store.ensure_layout(tmp_path)
    store.write_document(tmp_path, records.to_tables(_doc()))
    for name, schema in records.SCHEMAS.items():
        table = pq.read_table(tmp_path / name)
        assert table.schema.equals(schema, check_metadata=False), name
    cells = pd.read_parquet(tmp_path / "table_cells")
    assert cells["table_id"].tolist() == ["abababababab-p1-t0"] * 2
    dates = pd.read_parquet(tmp_path / "dates")
    assert dates.loc[0, "start"] == dt.date(2023, 5, 1)


def test_rewrite_replaces_rows_instead_of_adding(tmp_path: Path) -> None:
    store.ensure_layout(tmp_path)
    for _ in range(3):
        store.write_document(tmp_path, records.to_tables(_doc()))
    assert len(pd.read_parquet(tmp_path / "pages")) == 1
    assert len(pd.read_parquet(tmp_path / "documents")) == 1


def test_failed_write_leaves_previous_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "pages" / "x.parquet"
    store.atomic_write_bytes(target, lambda h: h.write(b"old"))

    def dies_halfway(handle) -> None:
        handle.write(b"new but incomplete")
        raise KeyboardInterrupt  # a killed run

    with pytest.raises(KeyboardInterrupt):
        store.atomic_write_bytes(target, dies_halfway)
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["x.parquet"]


def test_interrupted_document_write_changes_no_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while a document's datasets are written: readers see neither new rows without a
    ``documents`` row nor a mix of old and new files; no temporaries stay behind."""
    store.ensure_layout(tmp_path)
    old = _doc()
    store.write_document(tmp_path, records.to_tables(old))
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.parquet")}
    new = _doc()
    new.pages[0].text = "Jelgavā"
    written = []
    real = pq.write_table

    def interrupted_at_the_fourth(table, where, **kwargs) -> None:
        written.append(where)
        if len(written) == 4:
            raise KeyboardInterrupt
        real(table, where, **kwargs)

    monkeypatch.setattr(pq, "write_table", interrupted_at_the_fourth)
    with pytest.raises(KeyboardInterrupt):
        store.write_document(tmp_path, records.to_tables(new))
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.parquet")} == before
    assert not [p for p in tmp_path.rglob(".*")]
    monkeypatch.undo()
    fresh = _doc("cd" * 32)
    monkeypatch.setattr(pq, "write_table", interrupted_at_the_fourth)
    written.clear()
    with pytest.raises(KeyboardInterrupt):
        store.write_document(tmp_path, records.to_tables(fresh))
    assert not list(tmp_path.rglob("cdcd*"))


def test_empty_dataset_still_has_columns(tmp_path: Path) -> None:
    store.ensure_layout(tmp_path)
    frame = pd.read_parquet(tmp_path / "targets")
    assert list(frame.columns) == records.SCHEMAS["targets"].names
    assert frame.empty


def test_duckdb_reads_the_glob(tmp_path: Path) -> None:
    import duckdb

    store.ensure_layout(tmp_path)
    store.write_document(tmp_path, records.to_tables(_doc()))
    rows = duckdb.sql(f"select count(*) from '{tmp_path}/pages/**/*.parquet'").fetchall()
    assert rows == [(1,)]


def test_two_concurrent_runs_on_one_output(fixture_pdf: Path, broken_dir: Path, tmp_path: Path) -> None:
    """Two processes ingesting the same files into the same folder: every file readable, no
    doubles, and both say that one input was quarantined (exit 4), whichever wrote it."""
    import subprocess
    import sys

    inputs = [str(fixture_pdf / n) for n in ("stop47_list.pdf", "kpi_multipage.pdf", "notice_ocr_eng.pdf")]
    inputs.append(str(broken_dir / "truncated.pdf"))
    cmd = [sys.executable, "-m", "pipeline.cli", "ingest", *inputs, "--out", str(tmp_path), "--no-progress"]
    runs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
    assert [r.wait(timeout=300) for r in runs] == [4, 4], [r.stderr.read() for r in runs]
    assert not [p for p in tmp_path.rglob(".*.tmp")]
    docs = pd.read_parquet(tmp_path / "documents")
    assert sorted(docs["file_name"]) == sorted(Path(i).name for i in inputs)
    assert len(pd.read_parquet(tmp_path / "pages")) == 5


def test_schema_file_of_an_older_version_is_brought_up_to_date(tmp_path: Path) -> None:
    """Outputs made by 0.2 (no ``pages.rotation``): the next run's schema file carries it."""
    old = records.SCHEMAS["pages"].remove(records.SCHEMAS["pages"].get_field_index("rotation"))
    (tmp_path / "pages").mkdir()
    pq.write_table(old.empty_table(), tmp_path / "pages" / "schema.parquet")
    store.ensure_layout(tmp_path)
    assert pq.read_schema(tmp_path / "pages" / "schema.parquet").equals(
        records.SCHEMAS["pages"], check_metadata=False)
