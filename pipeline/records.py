"""The output contract: one Arrow schema per dataset, and a Document turned into rows.

Downstream tools (pandas, DuckDB, Spark) depend on these names and types; README's "Output
contract" section documents them. Adding a column is a minor schema change; renaming or
retyping one bumps ``SCHEMA_VERSION``'s major number.
"""
from __future__ import annotations

import datetime as dt

import pyarrow as pa

from . import __version__
from .document import Document
from .textnorm import printable

SCHEMA_VERSION = "1.3"  # 1.1: the words dataset, pages.rotation; 1.2: the sources dataset, municipalities.atvk;
# 1.3: table_cells.x0/top/x1/bottom

_str = pa.string()
_i32 = pa.int32()
_f64 = pa.float64()

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("doc_id", _str),
            ("file_name", _str),
            ("source_path", _str),
            ("n_pages", _i32),
            ("n_ocr_pages", _i32),
            ("status", _str),
            ("error", _str),
            ("warnings", pa.list_(_str)),
            ("year_hint", _i32),
            ("pipeline_version", _str),
            ("schema_version", _str),
            ("ingested_at", pa.timestamp("us", tz="UTC")),
        ]
    ),
    "pages": pa.schema(
        [
            ("doc_id", _str),
            ("page_no", _i32),
            ("method", _str),
            ("text", _str),
            ("text_raw", _str),
            ("ocr_confidence", _f64),
            ("rotation", _i32),
            ("quality", _f64),
            ("triage", _str),
        ]
    ),
    "tables": pa.schema(
        [
            ("doc_id", _str),
            ("table_id", _str),
            ("page_first", _i32),
            ("page_last", _i32),
            ("n_rows", _i32),
            ("n_cols", _i32),
            ("method", _str),
        ]
    ),
    "table_cells": pa.schema(
        [
            ("doc_id", _str),
            ("table_id", _str),
            ("row", _i32),
            ("col", _i32),
            ("text", _str),
            ("is_header", pa.bool_()),
            ("page_no", _i32),
            ("x0", _f64),  # the box around the cell's words, as in ``words``; null when empty
            ("top", _f64),
            ("x1", _f64),
            ("bottom", _f64),
        ]
    ),
    "dates": pa.schema(
        [
            ("doc_id", _str),
            ("page_no", _i32),
            ("text", _str),
            ("start", pa.date32()),
            ("end", pa.date32()),
            ("precision", _str),
            ("kind", _str),
            ("inferred_year", pa.bool_()),
        ]
    ),
    "targets": pa.schema(
        [
            ("doc_id", _str),
            ("page_no", _i32),
            ("table_id", _str),
            ("indicator", _str),
            ("year", _i32),
            ("operator", _str),
            ("value", _f64),
            ("unit", _str),
            ("is_baseline", pa.bool_()),
            ("text", _str),
        ]
    ),
    "municipalities": pa.schema(
        [
            ("doc_id", _str),
            ("page_no", _i32),
            ("text", _str),
            ("name", _str),
            ("code", _str),
            ("kind", _str),
            ("status", _str),
            ("successor", _str),
            ("list_id", _str),
            ("atvk", _str),
        ]
    ),
    "repairs": pa.schema(
        [
            ("doc_id", _str),
            ("page_no", _i32),
            ("before", _str),
            ("after", _str),
            ("kind", _str),
            ("score", _f64),
        ]
    ),
    "words": pa.schema(
        [
            ("doc_id", _str),
            ("page_no", _i32),
            ("line_no", _i32),
            ("word_no", _i32),
            ("block", _i32),
            ("text", _str),
            ("x0", _f64),
            ("top", _f64),
            ("x1", _f64),
            ("bottom", _f64),
            ("conf", _f64),
            ("running", pa.bool_()),
        ]
    ),
    # one file per source path (``sources/<sha256 of the path>.parquet``), not per document:
    # every path an input was seen under, so the same bytes under two names are both found
    "sources": pa.schema(
        [
            ("source_path", _str),
            ("file_name", _str),
            ("doc_id", _str),
            ("outcome", _str),
            ("first_seen", pa.timestamp("us", tz="UTC")),
            ("last_seen", pa.timestamp("us", tz="UTC")),
        ]
    ),
}

DATASETS = tuple(SCHEMAS)
PER_DOCUMENT = tuple(name for name in DATASETS if name != "sources")  # <doc_id>.parquet each


def global_table_id(doc_id: str, table_id: str) -> str:
    """Table ids are unique across documents: a doc-id prefix plus the per-document id."""
    return f"{doc_id[:12]}-{table_id}"


def to_rows(doc: Document, ingested_at: dt.datetime | None = None) -> dict[str, list[dict]]:
    """Every dataset's rows for one document except ``words`` (see ``words_columns``)."""
    d = doc.doc_id
    ingested_at = ingested_at or dt.datetime.now(dt.UTC)
    rows: dict[str, list[dict]] = {name: [] for name in PER_DOCUMENT if name != "words"}
    rows["documents"].append(
        {
            "doc_id": d,
            "file_name": doc.file_name,
            "source_path": doc.source_path,
            "n_pages": doc.n_pages,
            "n_ocr_pages": sum(1 for p in doc.pages if p.method == "ocr"),
            "status": doc.status,
            "error": doc.error,
            "warnings": list(doc.warnings),
            "year_hint": doc.year_hint,
            "pipeline_version": __version__,
            "schema_version": SCHEMA_VERSION,
            "ingested_at": ingested_at,
        }
    )
    for p in doc.pages:
        rows["pages"].append(
            {
                "doc_id": d,
                "page_no": p.page_no,
                "method": p.method,
                "text": p.text,
                "text_raw": p.text_raw,
                "ocr_confidence": p.ocr_confidence,
                "rotation": p.rotation,
                "quality": p.quality,
                "triage": p.triage,
            }
        )
        rows["repairs"].extend(
            {"doc_id": d, "page_no": p.page_no, "before": r.before, "after": r.after,
             "kind": r.kind, "score": r.score}
            for r in p.repairs
        )
    for t in doc.tables:
        table_id = global_table_id(d, t.table_id)
        rows["tables"].append(
            {"doc_id": d, "table_id": table_id, "page_first": t.page_first,
             "page_last": t.page_last, "n_rows": t.n_rows, "n_cols": t.n_cols, "method": t.method}
        )
        rows["table_cells"].extend(
            {"doc_id": d, "table_id": table_id, "row": c.row, "col": c.col, "text": c.text,
             "is_header": c.is_header, "page_no": c.page_no, "x0": c.x0, "top": c.top, "x1": c.x1,
             "bottom": c.bottom}
            for c in t.cells
        )
    rows["dates"] = [
        {"doc_id": d, "page_no": m.page_no, "text": m.text, "start": m.start, "end": m.end,
         "precision": m.precision, "kind": m.kind, "inferred_year": m.inferred_year}
        for m in doc.dates
    ]
    rows["targets"] = [
        {"doc_id": d, "page_no": t.page_no,
         "table_id": global_table_id(d, t.table_id) if t.table_id else None,
         "indicator": t.indicator, "year": t.year, "operator": t.operator, "value": t.value,
         "unit": t.unit, "is_baseline": t.is_baseline, "text": t.text}
        for t in doc.targets
    ]
    rows["municipalities"] = [
        {"doc_id": d, "page_no": m.page_no, "text": m.text, "name": m.name, "code": m.code,
         "kind": m.kind, "status": m.status, "successor": m.successor, "list_id": m.list_id,
         "atvk": m.atvk}
        for m in doc.municipalities
    ]
    return rows


def _printable(value: object) -> object:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [_printable(v) for v in value]
    return value


def printable_row(row: dict) -> dict:
    """The row with every string (in lists too) made printable (see ``textnorm.printable``)."""
    return {k: _printable(v) for k, v in row.items()}


def words_columns(doc: Document) -> dict[str, list]:
    """The ``words`` dataset as one list per column. Built as rows, it would be one dict per
    word: tens of MB on a long document, where lists cost a few."""
    columns: dict[str, list] = {name: [] for name in SCHEMAS["words"].names}
    for p in doc.pages:
        for n, line in enumerate(p.lines):
            for k, w in enumerate(line.words):
                for name, value in zip(columns, (
                    doc.doc_id, p.page_no, n, k, line.block, printable(w.text),
                    w.x0, w.top, w.x1, w.bottom, w.conf, n in p.running,
                )):
                    columns[name].append(value)
    return columns


def to_tables(doc: Document, ingested_at: dt.datetime | None = None) -> dict[str, pa.Table]:
    """Arrow tables of every dataset; file names that are not UTF-8 (in paths, errors, warnings)
    are made printable on the way."""
    tables = {
        name: pa.Table.from_pylist([printable_row(row) for row in rows], schema=SCHEMAS[name])
        for name, rows in to_rows(doc, ingested_at).items()
    }
    tables["words"] = pa.Table.from_pydict(words_columns(doc), schema=SCHEMAS["words"])
    return tables
